package e2e

// BenchmarkEvaluateProcess measures what Evaluate costs besides the model
// call (span parsing, prompt building, answer parsing, result writing, the
// HTTP and AWS SDK layers) with the server running as its own process, as
// users run it (`agentcore server`), and an instant OpenAI-compatible judge
// server on loopback. Each iteration calls Evaluate through the AWS SDK for
// Go v2 three times over the same 200-span Strands session
// (strandsSession, 10 turns, with and without the conversation history in every
// chat span: sub-benchmarks history-<size> and no-history-<size>): a SESSION evaluator (Builtin.GoalSuccessRate, one
// judge call), a TRACE evaluator with one target trace (Builtin.Helpfulness,
// one judge call) and Builtin.TrajectoryExactOrderMatch (no model call);
// each also as the same request body posted by a plain net/http client
// (<case>-raw-*: the server's part, without the SDK's client-side
// serialization of the span documents). The
// judge server times each of its calls (request read → answer written):
// judge-p50-us is what the model call costs at least, to subtract.
// BenchmarkEvaluateInProcess is the same against an in-process server, for
// -cpuprofile (a process server's CPU is not in the test's profile).
//
//	go test -run '^$' -bench 'EvaluateProcess' -benchtime 300x ./internal/e2e/
//	AGENTCORE_BENCH_BINARIES=before=/tmp/agentcore-before,after=./bin/agentcore \
//	  go test -run '^$' -bench 'EvaluateProcess' -benchtime 300x ./internal/e2e/
//	go test -run '^$' -bench 'EvaluateInProcess' -benchtime 300x -cpuprofile cpu.out -o e2e.test ./internal/e2e/

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/document"
	dtypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// benchJudge is an instant OpenAI-compatible judge: it answers every chat
// completion at once with the first label of the prompt's scale it knows,
// and records how long each call took it.
type benchJudge struct {
	*httptest.Server
	mu    sync.Mutex
	took  latencies
	calls int
}

func startBenchJudge(b *testing.B) *benchJudge {
	j := &benchJudge{}
	j.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		var req struct {
			Messages []struct{ Role, Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req) //nolint:errcheck // a bad request gets the default label
		label := "Very helpful"
		if n := len(req.Messages); n > 0 && strings.Contains(req.Messages[n-1].Content, `"Yes"`) {
			label = "Yes"
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": "c1", "object": "chat.completion", "model": "judge", //nolint:errcheck // client gone
			"usage": map[string]any{"prompt_tokens": 3000, "completion_tokens": 30},
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant",
				"content": `{"explanation": "The agent answered every question with the tool results.", "label": "` + label + `"}`}}}})
		d := time.Since(t0)
		j.mu.Lock()
		j.took, j.calls = append(j.took, d), j.calls+1
		j.mu.Unlock()
	}))
	b.Cleanup(j.Close)
	return j
}

func (j *benchJudge) reset() {
	j.mu.Lock()
	j.took, j.calls = nil, 0
	j.mu.Unlock()
}

// evalCase is one Evaluate request of the benchmark: through the SDK, and
// the same request body sent by a plain net/http client, signed with a
// payload hash computed once (raw: the server's part without the SDK's
// ~1 µs/byte document serialization on the client).
type evalCase struct {
	name     string
	in       *dp.EvaluateInput
	body     []byte
	bodyHash string
	lat, raw latencies
}

// rawEvaluate posts c.body to the server signed as the SDK would.
func rawEvaluate(e *testenv.Env, hc *http.Client, c *evalCase) (int, error) {
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/evaluations/evaluate/"+*c.in.EvaluatorId, bytes.NewReader(c.body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Content-Sha256", c.bodyHash)
	creds := aws.Credentials{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, c.bodyHash, "bedrock-agentcore", "us-east-1", time.Now()); err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var out struct {
		EvaluationResults []struct{ Value *float64 } `json:"evaluationResults"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d: %v", resp.StatusCode, err)
	}
	if len(out.EvaluationResults) != 1 || out.EvaluationResults[0].Value == nil {
		return 0, fmt.Errorf("results %+v", out.EvaluationResults)
	}
	return 1, nil
}

func evalCases(docs []map[string]any) []*evalCase {
	v := make([]document.Interface, len(docs))
	for i, d := range docs {
		v[i] = document.NewLazyDocument(d)
	}
	spans := &dtypes.EvaluationInputMemberSessionSpans{Value: v}
	sid, _ := docs[0]["attributes"].(map[string]any)["session.id"].(string)
	traces := sessionTraceIDs(docs)
	var traj []string
	for range 10 {
		traj = append(traj, "get_weather", "get_weather", "get_weather", "get_weather", "get_weather", "get_weather", "get_weather")
	}
	ref := map[string]any{"context": map[string]any{"spanContext": map[string]any{"sessionId": sid}}, "expectedTrajectory": map[string]any{"toolNames": traj}}
	cases := []*evalCase{
		{name: "session", in: &dp.EvaluateInput{EvaluatorId: aws.String("Builtin.GoalSuccessRate"), EvaluationInput: spans}},
		{name: "trace", in: &dp.EvaluateInput{EvaluatorId: aws.String("Builtin.Helpfulness"), EvaluationInput: spans,
			EvaluationTarget: &dtypes.EvaluationTargetMemberTraceIds{Value: traces[len(traces)-1:]}}},
		{name: "trajectory", in: &dp.EvaluateInput{EvaluatorId: aws.String("Builtin.TrajectoryExactOrderMatch"), EvaluationInput: spans,
			EvaluationReferenceInputs: []dtypes.EvaluationReferenceInput{{
				Context:            &dtypes.ContextMemberSpanContext{Value: dtypes.SpanContext{SessionId: aws.String(sid)}},
				ExpectedTrajectory: &dtypes.EvaluationExpectedTrajectory{ToolNames: traj}}}}},
	}
	for _, c := range cases {
		body := map[string]any{"evaluationInput": map[string]any{"sessionSpans": docs}}
		switch c.name {
		case "trace":
			body["evaluationTarget"] = map[string]any{"traceIds": traces[len(traces)-1:]}
		case "trajectory":
			body["evaluationReferenceInputs"] = []any{ref}
		}
		c.body, _ = json.Marshal(body)
		sum := sha256.Sum256(c.body)
		c.bodyHash = hex.EncodeToString(sum[:])
	}
	return cases
}

func BenchmarkEvaluateProcess(b *testing.B) {
	j := startBenchJudge(b)
	for _, nb := range benchBinaries(b) { // AGENTCORE_BENCH_BINARIES=before=...,after=... compares binaries
		b.Run(nb[0], func(b *testing.B) {
			p := startServerProc(b, nb[0], nb[1], "--model-endpoint", j.URL+"/v1", "--model", "judge")
			benchEvaluateSizes(b, p.env, j)
		})
	}
}

func BenchmarkEvaluateInProcess(b *testing.B) {
	j := startBenchJudge(b)
	cfg := testenv.Fast()
	cfg.ModelEndpoint, cfg.Model = j.URL+"/v1", "judge"
	benchEvaluateSizes(b, testenv.Start(b, cfg), j)
}

// benchEvaluateSizes runs the benchmark over the session with the whole
// conversation in every chat span (as Strands records it) and without.
func benchEvaluateSizes(b *testing.B, e *testenv.Env, j *benchJudge) {
	for _, history := range []bool{true, false} {
		docs := strandsSession("bench-eval-session-0001-aaaaaaaaaaaa", time.Now().Add(-time.Hour), 10, history)
		body, _ := json.Marshal(docs)
		name := map[bool]string{true: "history", false: "no-history"}[history]
		b.Run(fmt.Sprintf("%s-%dKB", name, len(body)>>10), func(b *testing.B) { benchEvaluate(b, e, j, docs) })
	}
}

func benchEvaluate(b *testing.B, e *testenv.Env, j *benchJudge, docs []map[string]any) {
	if len(docs) != 200 {
		b.Fatalf("%d spans", len(docs))
	}
	cases := evalCases(docs)
	call := func(c *evalCase) {
		out, err := e.Data.Evaluate(context.Background(), c.in)
		if err != nil {
			b.Fatalf("%s: %v", c.name, err)
		}
		if len(out.EvaluationResults) != 1 || out.EvaluationResults[0].Value == nil {
			r, _ := json.Marshal(out.EvaluationResults)
			b.Fatalf("%s: results %s", c.name, r)
		}
	}
	hc := keepAliveClient()
	raw := func(c *evalCase) {
		if _, err := rawEvaluate(e, hc, c); err != nil {
			b.Fatalf("%s (raw): %v", c.name, err)
		}
	}
	for range 20 { // warm-up: connections, caches, SQLite pages
		for _, c := range cases {
			call(c)
			raw(c)
		}
	}
	j.reset()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, c := range cases {
			t0 := time.Now()
			call(c)
			t1 := time.Now()
			raw(c)
			c.lat, c.raw = append(c.lat, t1.Sub(t0)), append(c.raw, time.Since(t1))
		}
	}
	b.StopTimer()
	for _, c := range cases {
		b.ReportMetric(us(c.lat.pct(50)), c.name+"-p50-us")
		b.ReportMetric(us(c.lat.pct(99)), c.name+"-p99-us")
		b.ReportMetric(us(c.raw.pct(50)), c.name+"-raw-p50-us")
		b.ReportMetric(us(c.raw.pct(99)), c.name+"-raw-p99-us")
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.calls != 4*b.N {
		b.Errorf("judge called %d times for %d iterations; want 4 per iteration", j.calls, b.N)
	}
	b.ReportMetric(us(j.took.pct(50)), "judge-p50-us")
	b.ReportMetric(us(j.took.pct(99)), "judge-p99-us")
}
