package evaluation_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/model"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

const (
	testAcct  = "123456789012"
	runtimeID = "myagent-AbCdEfGhIj"
	rtARN     = "arn:aws:bedrock-agentcore:us-east-1:" + testAcct + ":runtime/" + runtimeID
	logGroup  = "/aws/bedrock-agentcore/runtimes/" + runtimeID + "-DEFAULT"
)

var tctx = tenant.With(context.Background(), tenant.Tenant{Account: testAcct, Region: "us-east-1"})

// clock is a settable Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time               { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration)          { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock                        { return &clock{t: time.Now().Add(-2 * time.Hour).Truncate(time.Second)} }
func (c *clock) at(d time.Duration) time.Time { return c.Now().Add(d) }

// runtimes knows one runtime with a DEFAULT endpoint.
type runtimes struct{}

func (runtimes) RuntimeEndpointARN(_ context.Context, id, ep string) (string, error) {
	if id != runtimeID || (ep != "" && ep != "DEFAULT") {
		return "", errs.E(errs.NotFound, "agent runtime %s not found", id)
	}
	return rtARN, nil
}

// judgeModel is a zero-latency judge that always answers the same score.
type judgeModel struct{ calls atomic.Int64 }

func (m *judgeModel) Chat(context.Context, model.Request) (*model.Response, error) {
	m.calls.Add(1)
	return &model.Response{Text: `{"score": 1, "explanation": "helpful enough"}`, InputTokens: 100, OutputTokens: 10}, nil
}
func (*judgeModel) Name() string { return "judge" }

type env struct {
	kv     store.KV
	eval   *evaluation.Service
	obs    *observability.Service
	judge  *judgeModel
	clock  *clock
	online *evaluation.Online
	new    func() *evaluation.Online // another replica on the same store
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "agentcore.db"))
	if err != nil {
		tb.Fatal(err)
	}
	obs := observability.New(observability.Options{Store: st})
	tb.Cleanup(func() { obs.Close(); st.Close() })
	e := &env{kv: st, obs: obs, judge: &judgeModel{}, clock: newClock()}
	ev := evaluation.New(evaluation.Options{KV: st, Model: e.judge, Region: "us-east-1", Now: e.clock.Now})
	e.eval = ev
	e.new = func() *evaluation.Online {
		return evaluation.NewOnline(evaluation.OnlineOptions{KV: st, Judge: ev, Runtimes: runtimes{},
			Sessions: obs, Concurrency: 8, Now: e.clock.Now})
	}
	e.online = e.new()
	return e
}

// storeSession writes a session of traces turns (invoke_agent > chat,
// execute_tool) with messages of about msgBytes, starting at start.
func (e *env) storeSession(tb testing.TB, sid string, traces, msgBytes int, start time.Time, extra map[string]any) {
	tb.Helper()
	msg := strings.Repeat("word ", msgBytes/5)
	var spans []observability.Span
	for t := range traces {
		tr := fmt.Sprintf("%032x", hash(sid)+uint64(t))
		root := fmt.Sprintf("%016x", hash(sid)+uint64(t)*3+1)
		at := start.Add(time.Duration(t) * time.Second)
		attrs := map[string]any{"session.id": sid, "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "agent"}
		for k, v := range extra {
			attrs[k] = v
		}
		spans = append(spans,
			observability.Span{Account: testAcct, TraceID: tr, SpanID: root, Name: "invoke_agent agent", Start: at, End: at.Add(500 * time.Millisecond),
				Attributes: attrs, Resource: map[string]any{"cloud.resource_id": rtARN, "service.name": "agent"}},
			observability.Span{Account: testAcct, TraceID: tr, SpanID: fmt.Sprintf("%016x", hash(sid)+uint64(t)*3+2), ParentSpanID: root, Name: "chat",
				Start: at.Add(10 * time.Millisecond), End: at.Add(300 * time.Millisecond), Resource: map[string]any{"cloud.resource_id": rtARN},
				Attributes: map[string]any{"session.id": sid, "gen_ai.operation.name": "chat",
					"gen_ai.input.messages":  `[{"role":"user","parts":[{"type":"text","content":"` + msg + `"}]}]`,
					"gen_ai.output.messages": `[{"role":"assistant","parts":[{"type":"text","content":"` + msg + `"}]}]`}},
			observability.Span{Account: testAcct, TraceID: tr, SpanID: fmt.Sprintf("%016x", hash(sid)+uint64(t)*3+3), ParentSpanID: root, Name: "execute_tool calc",
				Start: at.Add(310 * time.Millisecond), End: at.Add(400 * time.Millisecond), Resource: map[string]any{"cloud.resource_id": rtARN},
				Attributes: map[string]any{"session.id": sid, "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "calc"}})
	}
	if err := e.obs.StoreSpans(context.Background(), spans); err != nil {
		tb.Fatal(err)
	}
}

func hash(s string) uint64 {
	var h uint64 = 1469598103934665603
	for i := range len(s) {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h >> 8
}

func ptr[T any](v T) *T { return &v }

// config creates an online config over the test runtime.
func (e *env) config(tb testing.TB, o *evaluation.Online, enable bool, pct float64, evaluators ...string) *evaluation.OnlineConfig {
	tb.Helper()
	c, err := o.CreateConfig(tctx, evaluation.OnlineInput{Name: fmt.Sprintf("cfg_%d", hash(tb.Name())%100000), RoleArn: ptr("arn:aws:iam::" + testAcct + ":role/eval"),
		Rule:       &evaluation.Rule{SamplingPercentage: pct, SessionTimeoutMinutes: 1},
		DataSource: &evaluation.DataSource{LogGroupNames: []string{logGroup}, ServiceNames: []string{"agent.DEFAULT"}},
		Evaluators: evaluators, Enable: ptr(enable)})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
