package e2e

import (
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

func TestSmokeDeployInvoke(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	rt := e.Deploy(t, "smoke", nil)
	got := e.InvokeJSON(t, *rt.AgentRuntimeArn, testenv.SessionID("smoke"), map[string]any{"hello": "world"})
	if got["sessionId"] != testenv.SessionID("smoke") || got["count"].(float64) != 1 {
		t.Fatalf("answer: %v", got)
	}
	got = e.InvokeJSON(t, *rt.AgentRuntimeArn, testenv.SessionID("smoke"), map[string]any{"hello": "again"})
	if got["count"].(float64) != 2 {
		t.Fatalf("second answer: %v", got)
	}
}
