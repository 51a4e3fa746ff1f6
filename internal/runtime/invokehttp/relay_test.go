package invokehttp

import (
	"context"
	"net/http"
	"testing"
)

// TestAgentHeaders: the agent gets the pass-through, custom and
// allow-listed headers, the session and a fresh request id, and nothing
// else of the caller's (agent contract §4.1); identity headers replace the
// caller's Authorization and user id unless a JWT authenticated the call.
func TestAgentHeaders(t *testing.T) {
	in := http.Header{
		"Content-Type": {"application/json"}, "Traceparent": {"00-abc-def-01"}, "Mcp-Session-Id": {"m1"},
		"X-Amzn-Bedrock-Agentcore-Runtime-Custom-Tenant": {"t1"}, "X-Allowed": {"a"}, "X-Other": {"o"},
		"Authorization": {"Bearer jwt"}, HeaderUserID: {"u1"}, "X-Amz-Date": {"20260101T000000Z"},
	}
	h := New(Config{WAT: func(_ context.Context, workload, user string) (string, error) { return workload + "/" + user, nil }})
	for _, tc := range []struct {
		who        Identity
		authz, wat string
	}{
		{Identity{Workload: "rt", UserID: "u1"}, "", "rt/u1"},
		{Identity{Workload: "rt", UserID: "sub", Bearer: true}, "Bearer jwt", "rt/sub"},
	} {
		out := http.Header{}
		AgentHeaders(out, in, "sess-1", []string{"x-allowed", "authorization"})
		if err := h.IdentityHeaders(context.Background(), out, &tc.who); err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]string{
			"Content-Type": "application/json", "Traceparent": "00-abc-def-01", "Mcp-Session-Id": "m1",
			"X-Amzn-Bedrock-Agentcore-Runtime-Custom-Tenant": "t1", "X-Allowed": "a", HeaderSession: "sess-1",
			"Authorization": tc.authz, hWAT: tc.wat, hWATOld: tc.wat, "X-Other": "", HeaderUserID: "", "X-Amz-Date": "",
		} {
			if got := out.Get(k); got != want {
				t.Errorf("bearer=%v %s = %q, want %q", tc.who.Bearer, k, got, want)
			}
		}
		if len(out.Get(HeaderRequest)) != 36 {
			t.Errorf("request id %q", out.Get(HeaderRequest))
		}
	}
}
