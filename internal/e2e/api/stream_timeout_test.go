package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestStreamCutByInvokeTimeoutEndsWithErrorEvent: an SSE answer still
// streaming when --invoke-timeout passes ends with an error event and a
// well-formed body (issue 20 point 10: it used to end as a broken chunked
// body), and the session keeps working.
func TestStreamCutByInvokeTimeoutEndsWithErrorEvent(t *testing.T) {
	cfg := testenv.Fast()
	cfg.InvokeTimeout = 1500 * time.Millisecond
	e := testenv.Start(t, cfg)
	arn := *e.Deploy(t, "slow_stream", nil).AgentRuntimeArn
	sid := "stream-timeout-session-0123456789abcdefgh"
	e.InvokeJSON(t, arn, sid, map[string]any{"action": "count"}) // started outside the timed call
	_, body, err := e.Invoke(bg, arn, sid, map[string]any{"action": "stream", "n": 20, "delayMs": 300}, "")
	if err != nil {
		t.Fatalf("the stream broke instead of ending: %v (%q)", err, body)
	}
	s := string(body)
	if !strings.Contains(s, `"i":`) || !strings.HasSuffix(s, "\n\n") || !strings.Contains(s, "event: error") || !strings.Contains(s, "RuntimeTimeoutException") {
		t.Fatalf("stream: %q", s)
	}
	if n := strings.Count(s, `"i":`); n >= 20 {
		t.Fatalf("all %d events arrived; the timeout did not cut the stream", n)
	}
	if got := e.InvokeJSON(t, arn, sid, map[string]any{"action": "count"}); got["count"] == nil {
		t.Fatalf("session after the timeout: %v", got)
	}
}
