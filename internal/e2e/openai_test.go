package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// deployChat deploys examples/chat-go-agent as an HTTP runtime named name
// with an extra endpoint "prod"; it returns the runtime ARN.
func deployChat(t *testing.T, e *testenv.Env, name string, env map[string]string) string {
	t.Helper()
	arn := deployProtocol(t, e, name, goBinaryZip(t, "examples/chat-go-agent"), "bootstrap", ctltypes.ServerProtocolHttp, env)
	id := arn[strings.LastIndex(arn, "/")+1:]
	if _, err := e.Control.CreateAgentRuntimeEndpoint(context.Background(), &ctl.CreateAgentRuntimeEndpointInput{
		AgentRuntimeId: aws.String(id), Name: aws.String("prod"),
	}); err != nil {
		t.Fatalf("CreateAgentRuntimeEndpoint: %v", err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		ep, err := e.Control.GetAgentRuntimeEndpoint(context.Background(), &ctl.GetAgentRuntimeEndpointInput{AgentRuntimeId: aws.String(id), EndpointName: aws.String("prod")})
		if err == nil && ep.Status == ctltypes.AgentRuntimeEndpointStatusReady {
			return arn
		}
		if time.Now().After(deadline) {
			t.Fatalf("endpoint prod not READY: %v %v", err, ep)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestOpenAIGo drives the OpenAI-compatible front door with openai-go.
func TestOpenAIGo(t *testing.T) {
	t.Parallel()
	e := testenv.Start(t, testenv.Fast())
	arn := deployChat(t, e, "chatgo", nil)
	mcpARN := deployProtocol(t, e, "chatmcp", goBinaryZip(t, "examples/mcp-go-agent"), "bootstrap", ctltypes.ServerProtocolMcp, nil)
	client := openai.NewClient(option.WithBaseURL(e.URL+"/v1/"), option.WithAPIKey("unused"), option.WithMaxRetries(0))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	t.Run("models", func(t *testing.T) {
		page, err := client.Models.List(ctx)
		if err != nil {
			t.Fatalf("models.list: %v", err)
		}
		var ids []string
		for _, m := range page.Data {
			ids = append(ids, m.ID)
		}
		if got := strings.Join(ids, ","); got != "chatgo,chatgo:prod,chatmcp" {
			t.Fatalf("models %s", got)
		}
		m, err := client.Models.Get(ctx, "chatgo:prod")
		if err != nil || m.ID != "chatgo:prod" {
			t.Fatalf("models.retrieve: %v %+v", err, m)
		}
	})

	t.Run("conversation", func(t *testing.T) {
		// One conversation (same user) stays in one runtime session: the
		// agent's turn counter goes 1, 2, 3 across models naming it three ways.
		msgs := []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("be brief"), openai.UserMessage("hello there agent")}
		for i, model := range []string{"chatgo", "chatgo", arn} {
			res, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: model, Messages: msgs, User: openai.String("alice-conv-1")})
			if err != nil {
				t.Fatalf("turn %d: %v", i+1, err)
			}
			got := res.Choices[0].Message.Content
			want := "turn " + string(rune('1'+i)) + ": agent there hello [history " + string(rune('2'+2*i)) + "]"
			if got != want || res.Object != "chat.completion" || res.Choices[0].FinishReason != "stop" || res.Model != model {
				t.Fatalf("turn %d: %q (want %q) %+v", i+1, got, want, res)
			}
			msgs = append(msgs, openai.AssistantMessage(got), openai.UserMessage("hello there agent"))
		}
		// Another user is another session.
		res, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "chatgo", Messages: msgs[:2], User: openai.String("bob")})
		if err != nil || !strings.HasPrefix(res.Choices[0].Message.Content, "turn 1:") {
			t.Fatalf("other user: %v %+v", err, res)
		}
		// The endpoint qualifier is its own model; X-Conversation-Id also keys a session.
		for i := 1; i <= 2; i++ {
			res, err = client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "chatgo:prod", Messages: msgs[:2]},
				option.WithHeader("X-Conversation-Id", "conv-prod"))
			if err != nil || !strings.HasPrefix(res.Choices[0].Message.Content, "turn "+string(rune('0'+i))+":") {
				t.Fatalf("prod turn %d: %v %+v", i, err, res)
			}
		}
	})

	t.Run("stream", func(t *testing.T) {
		params := openai.ChatCompletionNewParams{Model: "chatgo", User: openai.String("carol"),
			Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage("one two three four five")},
			StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}}
		stream := client.Chat.Completions.NewStreaming(ctx, params)
		acc := openai.ChatCompletionAccumulator{}
		var deltas []string
		var arrived []time.Time
		for stream.Next() {
			ch := stream.Current()
			acc.AddChunk(ch)
			if len(ch.Choices) > 0 && ch.Choices[0].Delta.Content != "" {
				deltas = append(deltas, ch.Choices[0].Delta.Content)
				arrived = append(arrived, time.Now())
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatalf("stream: %v", err)
		}
		want := "turn 1: five four three two one [history 1]"
		if got := acc.Choices[0].Message.Content; got != want || len(deltas) != 9 {
			t.Fatalf("streamed %q in %d deltas, want %q", got, len(deltas), want)
		}
		if acc.Choices[0].FinishReason != "stop" || acc.Usage.PromptTokens != 5 || acc.Usage.CompletionTokens != 9 {
			t.Fatalf("finish %q usage %+v", acc.Choices[0].FinishReason, acc.Usage)
		}
		if spread := arrived[len(arrived)-1].Sub(arrived[0]); spread < 100*time.Millisecond {
			t.Fatalf("deltas arrived within %s: the stream was buffered", spread)
		}
	})

	t.Run("sseAgentGathered", func(t *testing.T) {
		// An agent that always streams: a non-streaming request gets one message.
		deployChat(t, e, "chatsse", map[string]string{"CHAT_STREAM": "always"})
		res, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "chatsse",
			Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x y z")}})
		if err != nil || res.Choices[0].Message.Content != "turn 1: z y x [history 1]" || res.Usage.PromptTokens != 3 || res.Usage.TotalTokens != 10 {
			t.Fatalf("gathered answer: %v %+v", err, res)
		}
	})

	t.Run("errors", func(t *testing.T) {
		check := func(err error, status int, code string) {
			t.Helper()
			var ae *openai.Error
			if !errors.As(err, &ae) || ae.StatusCode != status || ae.Code != code || ae.Message == "" || ae.Type == "" {
				t.Fatalf("want %d %s, got %v", status, code, err)
			}
		}
		msgs := []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")}
		_, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "nosuch", Messages: msgs})
		check(err, 404, "model_not_found")
		_, err = client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/nosuch-0123456789", Messages: msgs})
		check(err, 404, "model_not_found")
		_, err = client.Models.Get(ctx, "nosuch")
		check(err, 404, "model_not_found")
		_, err = client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "chatgo:noendpoint", Messages: msgs})
		check(err, 404, "model_not_found")
		_, err = client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "chatmcp", Messages: msgs})
		check(err, 400, "unsupported_model")
		_, err = client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "chatgo", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("fail")}})
		check(err, 424, "runtime_client_error")
		_, err = client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "chatgo", Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("x")}})
		check(err, 400, "invalid_value")
		_, err = client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "chatgo", Messages: msgs},
			option.WithHeader("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", "short"))
		check(err, 400, "validation")
		// Malformed body and wrong method: OpenAI-shaped errors.
		for _, tc := range []struct {
			method, path, body, code string
			status                   int
		}{
			{"POST", "/v1/chat/completions", `{"model":`, "invalid_json", 400},
			{"POST", "/v1/chat/completions", `{"model":"chatgo","messages":[1]}`, "invalid_value", 400},
			{"DELETE", "/v1/models", "", "method_not_allowed", 405},
		} {
			req, _ := http.NewRequest(tc.method, e.URL+tc.path, strings.NewReader(tc.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Error struct{ Message, Type, Code string }
			}
			json.NewDecoder(resp.Body).Decode(&m)
			resp.Body.Close()
			if resp.StatusCode != tc.status || m.Error.Code != tc.code || m.Error.Message == "" || m.Error.Type == "" {
				t.Errorf("%s %s %s: %d %+v", tc.method, tc.path, tc.body, resp.StatusCode, m)
			}
		}
		// The OTLP receiver on the same prefix still answers.
		resp, err := http.Post(e.URL+"/v1/traces", "application/json", strings.NewReader(`{"resourceSpans":[]}`))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("POST /v1/traces: %v %v", err, resp)
		}
		resp.Body.Close()
		_ = mcpARN
		noneInFlight(t, e)
	})
}

// TestOpenAIPython runs the official openai Python client against the front door.
func TestOpenAIPython(t *testing.T) {
	py := pythonWith(t, "openai, pytest")
	if _, err := exec.LookPath(py); err != nil {
		t.Skip(err)
	}
	t.Parallel()
	e := testenv.Start(t, testenv.Fast())
	deployChat(t, e, "chatpy", nil)
	env := append(clientEnv(e.URL), "OPENAI_TEST_MODEL=chatpy")
	runSuite(t, env, 3*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python/test_openai_front.py")
}
