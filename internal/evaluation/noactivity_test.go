package evaluation_test

import (
	"testing"

	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
)

// TestTraceWithoutAgentActivityIsNotJudged: a trace holding only the
// platform's own spans (the agent started a trace of its own) gets a
// NoAgentActivity result instead of a judge call and a made-up score; the
// agent's trace is judged as usual.
func TestTraceWithoutAgentActivityIsNotJudged(t *testing.T) {
	kv, err := sqlite.Open(acct(), t.TempDir()+"/db")
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	svc := evaluation.New(evaluation.Options{KV: kv, Model: fixedJudge{}})
	docs := strandsDocs("sess-noactivity", []turn{{User: "hi", Response: "hello"}})
	docs = append(docs, map[string]any{"traceId": "000000000000000000000000000000ff", "spanId": "00000000000000ff", "name": "InvokeAgentRuntime",
		"kind": "SERVER", "startTimeUnixNano": 1796622795000000000.0, "endTimeUnixNano": 1796622796000000000.0, "status": map[string]any{"code": "OK"},
		"scope":      map[string]any{"name": "agentcore"},
		"resource":   map[string]any{"attributes": map[string]any{"service.name": "agentcore"}},
		"attributes": map[string]any{"session.id": "sess-noactivity", "gen_ai.operation.name": "invoke_agent"}})
	res, err := svc.Evaluate(acct(), evaluation.EvaluateInput{EvaluatorID: "Builtin.Helpfulness", Documents: docs})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 {
		t.Fatalf("%d results, want one per trace: %+v", len(res), res)
	}
	var judged, empty int
	for _, r := range res {
		switch {
		case r.ErrorCode == evaluation.ErrCodeNoAgentActivity && r.Value == nil && r.InputTokens == 0:
			empty++
		case r.ErrorCode == "" && r.Value != nil:
			judged++
		}
	}
	if judged != 1 || empty != 1 {
		t.Fatalf("results %+v: want one judged trace and one NoAgentActivity", res)
	}
}
