package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestInvokeHeadersAndSession(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	arn := *e.Deploy(t, "headers", func(in *ctl.CreateAgentRuntimeInput) {
		in.RequestHeaderConfiguration = &ctltypes.RequestHeaderConfigurationMemberRequestHeaderAllowlist{Value: []string{"X-Tenant-Tier"}}
		in.EnvironmentVariables = map[string]string{"CUSTOM_ENV": "yes"}
	}).AgentRuntimeArn
	out, err := e.Data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{
		AgentRuntimeArn: aws.String(arn), Payload: []byte(`{"envKeys":["CUSTOM_ENV","AWS_REGION","DOCKER_CONTAINER","AWS_ENDPOINT_URL_BEDROCK_AGENTCORE"]}`),
		ContentType: aws.String("application/json"), Accept: aws.String("application/json"),
		TraceId: aws.String("Root=1-5759e988-bd862e3fe1be46a994272793"), TraceParent: aws.String("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
	}, func(o *bedrockagentcore.Options) {
		o.APIOptions = append(o.APIOptions,
			smithyhttp.AddHeaderValue("X-Tenant-Tier", "gold"),
			smithyhttp.AddHeaderValue("X-Not-Allowed", "dropped"),
			smithyhttp.AddHeaderValue("X-Amzn-Bedrock-AgentCore-Runtime-Custom-Flavor", "mint"))
	})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(out.Response)
	out.Response.Close()
	m := decode(t, body)
	// The SDK generated a session id; the platform used it and echoed it.
	if out.RuntimeSessionId == nil || len(*out.RuntimeSessionId) < 33 || m["sessionId"] != *out.RuntimeSessionId {
		t.Fatalf("session id: header %v, agent saw %v", out.RuntimeSessionId, m["sessionId"])
	}
	if !strings.HasPrefix(aws.ToString(out.ContentType), "application/json") || *out.StatusCode != 200 {
		t.Fatalf("content type %v status %v", out.ContentType, out.StatusCode)
	}
	if m["requestId"] == "" || m["requestId"] == nil {
		t.Fatalf("no request id reached the agent: %v", m)
	}
	h, _ := m["headers"].(map[string]any)
	if h["x-tenant-tier"] != "gold" || h["x-amzn-bedrock-agentcore-runtime-custom-flavor"] != "mint" || h["x-not-allowed"] != nil {
		t.Fatalf("forwarded headers: %v", h)
	}
	if h["traceparent"] == nil {
		t.Fatalf("traceparent not forwarded: %v", h)
	}
	env, _ := m["env"].(map[string]any)
	if env["CUSTOM_ENV"] != "yes" || env["AWS_REGION"] != "us-east-1" || env["DOCKER_CONTAINER"] != "1" || env["AWS_ENDPOINT_URL_BEDROCK_AGENTCORE"] != e.URL {
		t.Fatalf("agent env: %v", env)
	}
}

// TestStreamingFirstEventEarly proves SSE is relayed as produced: the first
// event reaches the client long before the agent finishes.
func TestStreamingFirstEventEarly(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	arn := *e.Deploy(t, "streamer", nil).AgentRuntimeArn
	s := testenv.SessionID("stream")
	e.InvokeJSON(t, arn, s, map[string]any{"action": "count"}) // warm
	start := time.Now()
	out, err := e.Data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{
		AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s), ContentType: aws.String("application/json"),
		Payload: []byte(`{"action":"stream","n":5,"delayMs":400}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Response.Close()
	if !strings.HasPrefix(*out.ContentType, "text/event-stream") {
		t.Fatalf("content type %s", *out.ContentType)
	}
	sc := bufio.NewScanner(out.Response)
	var arrivals []time.Duration
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "data: ") {
			continue
		}
		var ev struct {
			I int   `json:"i"`
			T int64 `json:"t"`
		}
		json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev)
		now := time.Now()
		arrivals = append(arrivals, now.Sub(start))
		if lag := now.Sub(time.Unix(0, ev.T)); lag > 250*time.Millisecond {
			t.Errorf("event %d arrived %s after it was produced", ev.I, lag)
		}
	}
	if len(arrivals) != 5 {
		t.Fatalf("got %d events", len(arrivals))
	}
	t.Logf("arrivals: %v", arrivals)
	if arrivals[0] > 400*time.Millisecond || arrivals[4]-arrivals[0] < 1200*time.Millisecond {
		t.Fatalf("events were not streamed as produced: %v", arrivals)
	}
}

func TestPayloads(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	arn := *e.Deploy(t, "payloads", nil).AgentRuntimeArn
	s := testenv.SessionID("pay")
	// A 20 MB answer streams through intact.
	_, body, err := e.Invoke(bg, arn, s, map[string]any{"action": "big", "bytes": 20 << 20}, "")
	if err != nil || len(body) != 20<<20 {
		t.Fatalf("big answer: %d bytes, %v", len(body), err)
	}
	// A 10 MB payload goes through.
	big := bytes.Repeat([]byte("a"), 10<<20)
	payload := append(append([]byte(`{"action":"count","pad":"`), big...), '"', '}')
	out, err := e.Data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s), Payload: payload})
	if err != nil {
		t.Fatalf("10 MB payload: %v", err)
	}
	out.Response.Close()
	// Over 100 MB is rejected before reaching the agent.
	huge := make([]byte, 100_000_001)
	_, err = e.Data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s), Payload: huge})
	if !isValidation(err) {
		t.Fatalf("101 MB payload: want ValidationException, got %v", err)
	}
}

func TestInvokeBadTargets(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	arn := *e.Deploy(t, "targets", nil).AgentRuntimeArn
	s := testenv.SessionID("tgt")
	cases := []struct {
		name, arn, qualifier, session string
		check                         func(error) bool
	}{
		{"unknown runtime", strings.Replace(arn, "targets-", "nothere-", 1), "", s, isNotFound},
		{"other account", strings.Replace(arn, "123456789012", "999999999999", 1), "", s, isNotFound},
		{"not an ARN", "not-an-arn", "", s, isValidation},
		{"wrong service ARN", "arn:aws:s3:::bucket/key", "", s, isValidation},
		{"unknown qualifier", arn, "nosuch", s, isNotFound},
		{"missing version", arn, "42", s, isNotFound},
		{"bad qualifier", arn, "no/such!", s, isValidation},
		{"short session id", arn, "", "too-short", isValidation},
	}
	for _, c := range cases {
		_, _, err := e.Invoke(bg, c.arn, c.session, map[string]any{}, c.qualifier)
		if !c.check(err) {
			t.Errorf("%s: got %v", c.name, err)
		}
	}
	// A bare runtime id with accountId works too.
	id := arn[strings.LastIndex(arn, "/")+1:]
	out, err := e.Data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: aws.String(id), AccountId: aws.String("123456789012"), RuntimeSessionId: aws.String(s), Payload: []byte(`{}`)})
	if err != nil {
		t.Fatalf("runtime id + accountId: %v", err)
	}
	out.Response.Close()
}
