package api_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"github.com/agentcore-dev/agentcore/internal/sigv4"
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

// TestSessionQuotaPerRuntime: past --max-sessions-per-runtime a runtime's
// new session is a ServiceQuotaExceededException naming the setting, while
// another runtime of the account still starts sessions (issue 20 quotas).
func TestSessionQuotaPerRuntime(t *testing.T) {
	cfg := testenv.Fast()
	cfg.MaxSessionsPerRuntime = 1
	e := testenv.Start(t, cfg)
	a, b := *e.Deploy(t, "quota_rt_a", nil).AgentRuntimeArn, *e.Deploy(t, "quota_rt_b", nil).AgentRuntimeArn
	e.InvokeJSON(t, a, "quota-runtime-session-a1-0123456789abcdef", map[string]any{"action": "count"})
	_, _, err := e.Invoke(bg, a, "quota-runtime-session-a2-0123456789abcdef", map[string]any{"action": "count"}, "")
	var q *dptypes.ServiceQuotaExceededException
	if !errors.As(err, &q) || !strings.Contains(q.ErrorMessage(), "max-sessions-per-runtime") {
		t.Fatalf("second session of one runtime: %v, want ServiceQuotaExceededException", err)
	}
	e.InvokeJSON(t, b, "quota-runtime-session-b1-0123456789abcdef", map[string]any{"action": "count"})
}

// TestRequestRateQuotas: an account past --max-request-rate gets
// ThrottlingException (the SDKs' retryable error) while another account is
// served; past --max-invoke-rate one runtime's invocations are throttled
// while another runtime's are not; the SDK's standard retryer gets through
// (issue 20 quotas).
func TestRequestRateQuotas(t *testing.T) {
	cfg := testenv.Fast()
	cfg.MaxRequestRate, cfg.MaxInvokeRate = 20, 2
	cfg.Credentials = []sigv4.Credential{
		{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey, Account: "123456789012"},
		{AccessKeyID: "AKIDOTHERACCOUNT0001", SecretAccessKey: "other-secret", Account: "210987654321"},
	}
	e := testenv.Start(t, cfg)
	throttled := func(err error) bool {
		var th *ctltypes.ThrottlingException
		var dth *dptypes.ThrottlingException
		return errors.As(err, &th) || errors.As(err, &dth)
	}
	// Invocations: 2/s with bursts of 4, per runtime.
	a, b := *e.Deploy(t, "rate_rt_a", nil).AgentRuntimeArn, *e.Deploy(t, "rate_rt_b", nil).AgentRuntimeArn
	n := 0
	for i := 0; i < 8; i++ {
		if _, _, err := e.Invoke(bg, a, "rate-session-a-0123456789abcdefghijkl", map[string]any{"action": "count"}, ""); throttled(err) {
			n++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if n == 0 {
		t.Fatal("8 invocations at once past --max-invoke-rate 2: none throttled")
	}
	e.InvokeJSON(t, b, "rate-session-b-0123456789abcdefghijkl", map[string]any{"action": "count"}) // another runtime's bucket
	// Requests: 20/s with bursts of 40, per account.
	n = 0
	for i := 0; i < 80; i++ {
		if _, err := e.Control.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{}); throttled(err) {
			n++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if n == 0 {
		t.Fatal("80 requests at once past --max-request-rate 20: none throttled")
	}
	other, _ := testenv.ClientsWith(e.URL, "AKIDOTHERACCOUNT0001", "other-secret")
	if _, err := other.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{}); err != nil {
		t.Fatalf("another account: %v", err)
	}
	// The SDK's default retryer backs off and gets through.
	retrying := ctl.New(ctl.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.URL), HTTPClient: testenv.NewSDKHTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider(testenv.AccessKeyID, testenv.SecretAccessKey, ""),
		Retryer:     retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 10 })})
	for i := 0; i < 60; i++ {
		if _, err := retrying.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{}); err != nil {
			t.Fatalf("with the standard retryer, request %d: %v", i, err)
		}
	}
}

// TestPayloadSizeQuota: --max-payload-size bounds invocation payloads (a
// ValidationException before the body is read); one under it is relayed.
func TestPayloadSizeQuota(t *testing.T) {
	cfg := testenv.Fast()
	cfg.MaxPayloadSize = 4096
	e := testenv.Start(t, cfg)
	arn := *e.Deploy(t, "payload_quota", nil).AgentRuntimeArn
	e.InvokeJSON(t, arn, "payload-quota-session-0123456789abcdefg", map[string]any{"action": "echo", "pad": strings.Repeat("x", 3000)})
	_, _, err := e.Invoke(bg, arn, "payload-quota-session-0123456789abcdefg", map[string]any{"action": "echo", "pad": strings.Repeat("x", 5000)}, "")
	var v *dptypes.ValidationException
	if !errors.As(err, &v) || !strings.Contains(v.ErrorMessage(), "4096") {
		t.Fatalf("payload past --max-payload-size: %v, want ValidationException", err)
	}
}
