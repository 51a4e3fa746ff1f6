package evaluation_test

import (
	"testing"

	"github.com/agentcore-dev/agentcore/internal/evaluation"
)

// TestAgentDocuments: the platform's own spans of a session (service.name
// agentcore, no cloud.resource_id) and the evaluation results written back
// are not the agent's telemetry; an agent's spans and log records stay, a
// runtime named "agentcore" included.
func TestAgentDocuments(t *testing.T) {
	res := func(kv ...string) map[string]any {
		a := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			a[kv[i]] = kv[i+1]
		}
		return map[string]any{"attributes": a}
	}
	docs := []map[string]any{
		{"name": "InvokeAgentRuntime", "spanId": "p1", "resource": res("service.name", "agentcore", "service.version", "dev"),
			"attributes": map[string]any{"gen_ai.operation.name": "invoke_agent"}},
		{"name": "sandbox.start", "spanId": "p2", "resource": res("service.name", "agentcore")},
		{"name": "evaluation Builtin.Helpfulness", "spanId": "r1", "resource": res("service.name", "agentcore.evaluation"),
			"attributes": map[string]any{evaluation.AttrEvalName: "Builtin.Helpfulness"}},
		{"name": "invoke_agent calc", "spanId": "a1", "resource": res("service.name", "calc", "cloud.resource_id", "arn:rt/calc")},
		{"name": "chat", "spanId": "a2", "resource": res("service.name", "agentcore", "cloud.resource_id", "arn:rt/agentcore")},
		{"body": map[string]any{"input": "x"}, "spanId": "a3", "resource": res("cloud.resource_id", "arn:rt/calc")},
		{"name": "no resource", "spanId": "a4"},
	}
	got := evaluation.AgentDocuments(docs)
	var ids []string
	for _, d := range got {
		ids = append(ids, d["spanId"].(string))
	}
	if len(ids) != 4 || ids[0] != "a1" || ids[1] != "a2" || ids[2] != "a3" || ids[3] != "a4" {
		t.Fatalf("AgentDocuments kept %v, want [a1 a2 a3 a4]", ids)
	}
}
