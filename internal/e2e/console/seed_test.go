package console

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// localServer starts a server in local mode (no credentials: the console
// opens without signing in).
func localServer(t *testing.T) *testenv.Env {
	t.Helper()
	cfg := testenv.Fast()
	cfg.Credentials = []sigv4.Credential{} // not nil: testenv would configure its test key
	return testenv.Start(t, cfg)
}

// seeded is the data the page tests look at, created through the AWS SDK.
type seeded struct {
	e                    *testenv.Env
	runtimeID, arn, name string
	session, traceID     string
	otherSession         string
}

// seed deploys the Go test agent and invokes it through the SDK in two
// sessions, the first one traced (the agent's spans "agent.handle" and
// "llm.call" under the platform's InvokeAgentRuntime span), and waits until
// the trace is stored.
func seed(t *testing.T, e *testenv.Env) seeded {
	t.Helper()
	dep := e.Deploy(t, "console_agent", nil)
	s := seeded{e: e, runtimeID: *dep.AgentRuntimeId, arn: *dep.AgentRuntimeArn, name: "console_agent",
		session: testenv.SessionID("console-a"), otherSession: testenv.SessionID("console-b")}
	m := e.InvokeJSON(t, s.arn, s.session, map[string]any{"action": "trace"})
	if m["traced"] != true || m["flushError"] != nil {
		t.Fatalf("the agent did not export its spans: %v", m)
	}
	s.traceID, _ = m["traceId"].(string)
	e.InvokeJSON(t, s.arn, s.session, map[string]any{"action": "echo", "hello": "console"})
	e.InvokeJSON(t, s.arn, s.otherSession, map[string]any{})
	// The platform's span and the agent's are stored asynchronously.
	deadline := time.Now().Add(20 * time.Second)
	for {
		names := traceSpanNames(t, e.URL, s.traceID)
		if names["InvokeAgentRuntime"] && names["agent.handle"] && names["llm.call"] {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("trace %s not stored: spans %v", s.traceID, names)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func traceSpanNames(t *testing.T, url, traceID string) map[string]bool {
	t.Helper()
	resp, err := http.Get(url + "/_agentcore/observability/traces/" + traceID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		Spans []struct {
			Name string `json:"name"`
		} `json:"spans"`
	}
	json.Unmarshal(b, &out) //nolint:errcheck // a 404 (not stored yet) has no spans
	names := map[string]bool{}
	for _, sp := range out.Spans {
		names[sp.Name] = true
	}
	return names
}
