package api_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

func poolReady(t *testing.T, e *testenv.Env) int {
	resp, err := http.Get(e.URL + "/_agentcore/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		WarmPoolReady int `json:"warmPoolReady"`
	}
	json.NewDecoder(resp.Body).Decode(&h)
	return h.WarmPoolReady
}

func waitPool(t *testing.T, e *testenv.Env, n int) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); poolReady(t, e) < n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("warm pool never reached %d ready environments (has %d)", n, poolReady(t, e))
		}
	}
}

// TestWarmPool: pre-started environments serve new sessions, each exactly
// once, and the pool refills.
func TestWarmPool(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	arn := *e.Deploy(t, "pooled", func(in *ctl.CreateAgentRuntimeInput) {
		in.EnvironmentVariables = map[string]string{"AGENTCORE_WARM_POOL": "2"}
	}).AgentRuntimeArn
	waitPool(t, e, 2)
	seen := map[any]bool{}
	for i, s := range []string{"pool-a", "pool-b", "pool-c", "pool-d"} {
		start := time.Now()
		m := e.InvokeJSON(t, arn, testenv.SessionID(s), map[string]any{"action": "count"})
		t.Logf("session %d first byte after %s", i, time.Since(start))
		if m["count"].(float64) != 1 || seen[m["pid"]] {
			t.Fatalf("session %s got a used environment: %v", s, m)
		}
		seen[m["pid"]] = true
		waitPool(t, e, 2) // refilled
	}
	stop(t, e, arn, testenv.SessionID("pool-a"))
	if m := e.InvokeJSON(t, arn, testenv.SessionID("pool-a"), map[string]any{"action": "count"}); m["count"].(float64) != 1 || seen[m["pid"]] {
		t.Fatalf("a stopped session's environment was reused: %v", m)
	}
}
