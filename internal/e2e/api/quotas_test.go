package api_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestSessionQuotaPerAccount: past --max-sessions-per-account a new session
// is a ServiceQuotaExceededException; running sessions keep answering and
// a stopped one frees its place (issue 20 point 8).
func TestSessionQuotaPerAccount(t *testing.T) {
	cfg := testenv.Fast()
	cfg.MaxSessionsPerAccount = 2
	e := testenv.Start(t, cfg)
	rt := e.Deploy(t, "quota_agent", nil)
	arn := *rt.AgentRuntimeArn
	s1, s2, s3 := "quota-session-one-0123456789abcdefghij", "quota-session-two-0123456789abcdefghij", "quota-session-three-0123456789abcdefghi"
	e.InvokeJSON(t, arn, s1, map[string]any{"action": "count"})
	e.InvokeJSON(t, arn, s2, map[string]any{"action": "count"})
	_, _, err := e.Invoke(bg, arn, s3, map[string]any{"action": "count"}, "")
	var q *dptypes.ServiceQuotaExceededException
	if !errors.As(err, &q) || !strings.Contains(q.ErrorMessage(), "max-sessions-per-account") {
		t.Fatalf("third session: %v, want ServiceQuotaExceededException", err)
	}
	e.InvokeJSON(t, arn, s1, map[string]any{"action": "count"}) // a running session still answers
	if _, err := e.Data.StopRuntimeSession(bg, &dp.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s2)}); err != nil {
		t.Fatal(err)
	}
	e.InvokeJSON(t, arn, s3, map[string]any{"action": "count"})
}

// TestOneShotChatCompletionStopsItsSession: a chat completion that names no
// conversation gets a session of its own, stopped once it has answered; a
// named conversation keeps its session (issue 20 point 8).
func TestOneShotChatCompletionStopsItsSession(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	e.Deploy(t, "chat_quota_agent", nil)
	post := func(conv string) {
		req, _ := http.NewRequest("POST", e.URL+"/v1/chat/completions", strings.NewReader(`{"model":"chat_quota_agent","messages":[{"role":"user","content":"hi"}]}`))
		req.Header.Set("Content-Type", "application/json")
		if conv != "" {
			req.Header.Set("X-Conversation-Id", conv)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("chat completion: %d", resp.StatusCode)
		}
	}
	for i := 0; i < 3; i++ {
		post("")
	}
	waitSessions(t, e, 0)
	post("kept-conversation")
	time.Sleep(500 * time.Millisecond)
	if n := e.Server.Sessions().Count(); n != 1 {
		t.Fatalf("a named conversation's session: %d running, want 1", n)
	}
}

func waitSessions(t *testing.T, e *testenv.Env, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for e.Server.Sessions().Count() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions running, want %d", e.Server.Sessions().Count(), want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
