package e2e

// BenchmarkOnlineEvalProcess measures online evaluation throughput with the
// server running as its own process (`agentcore server --eval-online-poll
// 100ms --eval-online-idle 1s --eval-online-concurrency 8`) and an instant
// judge server: 200 finished sessions (Strands, 3 turns of 20 spans with
// the conversation history in every chat span) are exported to the
// server's OTLP/HTTP receiver (protobuf, 4 concurrent exporters) under a
// deployed runtime's ARN; an online config at 100 % with Builtin.Helpfulness
// (TRACE: 3 judge calls a session) and Builtin.GoalSuccessRate (SESSION: 1)
// evaluates them. Measured: from the first export until every session's 4
// results are listed by GET /_agentcore/evaluations?sessionId= (sessions/s),
// and the export alone (ingest-ms). The span times lie just after the
// config's creation and end before the export, so sessions are idle at
// once; a result waits up to one poll (100 ms).
//
//	go test -run '^$' -bench 'OnlineEvalProcess' -benchtime 1x -count 3 ./internal/e2e/

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

func BenchmarkOnlineEvalProcess(b *testing.B) {
	const sessions, turns, exporters = 200, 3, 4
	const perSession = turns + 1 // Helpfulness per trace, GoalSuccessRate once
	j := startBenchJudge(b)
	p := startServerProc(b, "current", testenv.BuildGo(b, "cmd/agentcore"), "--model-endpoint", j.URL+"/v1", "--model", "judge",
		"--eval-online-poll", "100ms", "--eval-online-idle", "1s", "--eval-online-concurrency", "8", "--log-level", "warn")
	rt := p.env.Deploy(b, "bench_online_eval", nil)
	hc := keepAliveClient()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		cfg, err := p.env.Control.CreateOnlineEvaluationConfig(context.Background(), &ctl.CreateOnlineEvaluationConfigInput{
			OnlineEvaluationConfigName: aws.String(fmt.Sprintf("bench_online_%d", i)), EnableOnCreate: aws.Bool(true),
			EvaluationExecutionRoleArn: aws.String(testenv.RoleArn),
			Evaluators: []ctltypes.EvaluatorReference{&ctltypes.EvaluatorReferenceMemberEvaluatorId{Value: "Builtin.Helpfulness"},
				&ctltypes.EvaluatorReferenceMemberEvaluatorId{Value: "Builtin.GoalSuccessRate"}},
			DataSourceConfig: &ctltypes.DataSourceConfigMemberCloudWatchLogs{Value: ctltypes.CloudWatchLogsInputConfig{
				LogGroupNames: []string{"/aws/bedrock-agentcore/runtimes/" + *rt.AgentRuntimeId + "-DEFAULT"}, ServiceNames: []string{"weather-agent"}}},
			Rule: &ctltypes.Rule{SamplingConfig: &ctltypes.SamplingConfig{SamplingPercentage: aws.Float64(100)},
				SessionConfig: &ctltypes.SessionConfig{SessionTimeoutMinutes: aws.Int32(1)}},
		})
		if err != nil {
			b.Fatalf("CreateOnlineEvaluationConfig: %v", err)
		}
		start := time.Now().Add(100 * time.Millisecond)
		var bodies [][]byte
		var ids []string
		for s := range sessions {
			id := fmt.Sprintf("bench-online-%d-%04d-%s", i, s, "aaaaaaaaaaaaaaaaaaaaaaaa")
			ids = append(ids, id)
			bodies = append(bodies, otlpBody(b, strandsSession(id, start, turns, true), *rt.AgentRuntimeArn))
		}
		time.Sleep(time.Until(start.Add(time.Duration(turns)*2*time.Second + time.Second))) // the sessions' spans have ended
		j.reset()
		b.StartTimer()
		t0 := time.Now()
		exportAll(b, hc, p.env.URL+"/v1/traces", bodies, exporters)
		ingested := time.Since(t0)
		for { // no server traffic while the judge is still being called
			j.mu.Lock()
			n := j.calls
			j.mu.Unlock()
			if n >= sessions*perSession || time.Since(t0) > 2*time.Minute {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		for len(ids) > 0 && time.Since(t0) < 2*time.Minute {
			if n := sessionResultCount(b, hc, p.env.URL, ids[0]); n >= perSession {
				ids = ids[1:]
				continue
			}
			time.Sleep(10 * time.Millisecond)
		}
		took := time.Since(t0)
		b.StopTimer()
		if len(ids) > 0 {
			resp, err := http.Get(p.env.URL + "/_agentcore/observability/sessions?limit=3")
			var seen []byte
			if err == nil {
				seen, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			b.Fatalf("%d sessions without their %d results after %s (judge called %d times); sessions seen: %s\n%s",
				len(ids), perSession, took, j.calls, seen, p.logs.String())
		}
		b.ReportMetric(float64(sessions)/took.Seconds(), "sessions/s")
		b.ReportMetric(ms(ingested), "ingest-ms")
		b.ReportMetric(ms(took), "total-ms")
		j.mu.Lock()
		b.ReportMetric(us(j.took.pct(50)), "judge-p50-us")
		j.mu.Unlock()
		if _, err := p.env.Control.DeleteOnlineEvaluationConfig(context.Background(),
			&ctl.DeleteOnlineEvaluationConfigInput{OnlineEvaluationConfigId: cfg.OnlineEvaluationConfigId}); err != nil {
			b.Fatalf("DeleteOnlineEvaluationConfig: %v", err)
		}
		b.StartTimer()
	}
}

// exportAll posts the OTLP bodies with n concurrent exporters.
func exportAll(b *testing.B, hc *http.Client, url string, bodies [][]byte, n int) {
	next := make(chan []byte)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []string
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for body := range next {
				resp, err := hc.Post(url, "application/x-protobuf", bytes.NewReader(body))
				if err == nil {
					io.Copy(io.Discard, resp.Body) //nolint:errcheck // drained for reuse
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					mu.Lock()
					failed = append(failed, err.Error())
					mu.Unlock()
				}
			}
		}()
	}
	for _, body := range bodies {
		next <- body
	}
	close(next)
	wg.Wait()
	if len(failed) > 0 {
		b.Fatalf("%d of %d exports failed: %v", len(failed), len(bodies), failed[0])
	}
}

// sessionResultCount is the number of online evaluation results of a session.
func sessionResultCount(b *testing.B, hc *http.Client, url, sessionID string) int {
	resp, err := hc.Get(url + "/_agentcore/evaluations?sessionId=" + sessionID)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Evaluations []json.RawMessage `json:"evaluations"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET /_agentcore/evaluations: %d %v", resp.StatusCode, err)
	}
	return len(out.Evaluations)
}

// otlpBody encodes span documents (as strandsSession renders them) as one
// OTLP/HTTP protobuf export of the resource runtimeARN names.
func otlpBody(b *testing.B, docs []map[string]any, runtimeARN string) []byte {
	res := &resourcepb.Resource{Attributes: otlpAttrs(map[string]any{"cloud.resource_id": runtimeARN})}
	var spans []*tracepb.Span
	for _, d := range docs {
		if r, ok := d["resource"].(map[string]any); ok && len(res.Attributes) == 1 {
			a, _ := r["attributes"].(map[string]any)
			res.Attributes = append(res.Attributes, otlpAttrs(a)...)
		}
		id := func(k string) []byte {
			s, _ := d[k].(string)
			v, err := hex.DecodeString(s)
			if err != nil {
				b.Fatalf("%s %q: %v", k, s, err)
			}
			return v
		}
		sp := &tracepb.Span{TraceId: id("traceId"), SpanId: id("spanId"), Name: d["name"].(string), Kind: tracepb.Span_SPAN_KIND_INTERNAL,
			StartTimeUnixNano: uint64(d["startTimeUnixNano"].(float64)), EndTimeUnixNano: uint64(d["endTimeUnixNano"].(float64)),
			Attributes: otlpAttrs(d["attributes"].(map[string]any)), Status: &tracepb.Status{Code: tracepb.Status_STATUS_CODE_OK}}
		if _, ok := d["parentSpanId"].(string); ok {
			sp.ParentSpanId = id("parentSpanId")
		}
		spans = append(spans, sp)
	}
	body, err := proto.Marshal(&coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{Resource: res,
		ScopeSpans: []*tracepb.ScopeSpans{{Scope: &commonpb.InstrumentationScope{Name: "strands.telemetry.tracer"}, Spans: spans}}}}})
	if err != nil {
		b.Fatal(err)
	}
	return body
}

func otlpAttrs(m map[string]any) []*commonpb.KeyValue {
	var out []*commonpb.KeyValue
	for k, v := range m {
		var av *commonpb.AnyValue
		switch x := v.(type) {
		case string:
			av = &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: x}}
		case float64:
			if x == math.Trunc(x) {
				av = &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: int64(x)}}
			} else {
				av = &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: x}}
			}
		default:
			continue
		}
		out = append(out, &commonpb.KeyValue{Key: k, Value: av})
	}
	return out
}
