package e2e

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/a2aproject/a2a-go/v2/a2a"
	"github.com/a2aproject/a2a-go/v2/a2aclient"
	"github.com/a2aproject/a2a-go/v2/a2aclient/agentcard"
	"github.com/a2aproject/a2a-go/v2/a2acompat/a2av0"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

func replyText(t *testing.T, res a2a.SendMessageResult) string {
	t.Helper()
	switch v := res.(type) {
	case *a2a.Message:
		return text(v.Parts)
	case *a2a.Task:
		if v.Status.Message != nil {
			return text(v.Status.Message.Parts)
		}
	}
	t.Fatalf("unexpected result %T %+v", res, res)
	return ""
}

func text(parts []*a2a.Part) string {
	var out []string
	for _, p := range parts {
		out = append(out, p.Text())
	}
	return strings.Join(out, " ")
}

// TestA2AGoSDK deploys examples/a2a-go-agent (official A2A Go SDK) as an A2A
// runtime; GetAgentCard serves its card (AWS SDK and the A2A card resolver)
// and the A2A client sends and streams messages through the platform, in
// A2A v1.0 and v0.3.
func TestA2AGoSDK(t *testing.T) {
	t.Parallel()
	e := testenv.Start(t, testenv.Fast())
	arn := deployProtocol(t, e, "a2ago", goBinaryZip(t, "examples/a2a-go-agent"), "bootstrap", ctltypes.ServerProtocolA2a, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := e.URL + "/runtimes/" + url.QueryEscape(arn) + "/invocations"
	session := testenv.SessionID("a2a")
	sessionClient := &http.Client{Transport: headerTransport{h: http.Header{"X-Amzn-Bedrock-Agentcore-Runtime-Session-Id": {session}}}}

	t.Run("GetAgentCardAWSSDK", func(t *testing.T) {
		out, err := e.Data.GetAgentCard(ctx, &bedrockagentcore.GetAgentCardInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(session)})
		if err != nil {
			t.Fatalf("GetAgentCard: %v", err)
		}
		var card map[string]any
		if err := out.AgentCard.UnmarshalSmithyDocument(&card); err != nil {
			t.Fatal(err)
		}
		if card["name"] != "a2a-go-agent" || aws.ToString(out.RuntimeSessionId) != session {
			t.Fatalf("card %v, session %q", card, aws.ToString(out.RuntimeSessionId))
		}
		if card["url"] != base {
			t.Errorf("card url %v, want %s", card["url"], base)
		}
		for _, it := range card["supportedInterfaces"].([]any) {
			if u := it.(map[string]any)["url"]; u != base {
				t.Errorf("interface url %v, want %s", u, base)
			}
		}
		// With a qualifier, the URL keeps it.
		out, err = e.Data.GetAgentCard(ctx, &bedrockagentcore.GetAgentCardInput{AgentRuntimeArn: aws.String(arn), Qualifier: aws.String("DEFAULT")})
		if err != nil {
			t.Fatalf("GetAgentCard (qualifier): %v", err)
		}
		card = nil
		out.AgentCard.UnmarshalSmithyDocument(&card)
		if card["url"] != base+"?qualifier=DEFAULT" {
			t.Errorf("card url %v", card["url"])
		}
	})

	var card *a2a.AgentCard
	t.Run("resolveCard", func(t *testing.T) {
		var err error
		card, err = agentcard.NewResolver(sessionClient).Resolve(ctx, base)
		if err != nil {
			t.Fatalf("resolve card: %v", err)
		}
		if card.Name != "a2a-go-agent" || len(card.SupportedInterfaces) == 0 || card.SupportedInterfaces[0].URL != base {
			t.Fatalf("card %+v", card)
		}
	})

	t.Run("v1.0", func(t *testing.T) {
		if card == nil {
			t.Skip("no card")
		}
		client, err := a2aclient.NewFromCard(ctx, card, a2aclient.WithJSONRPCTransport(sessionClient))
		if err != nil {
			t.Fatal(err)
		}
		first, err := client.SendMessage(ctx, &a2a.SendMessageRequest{Message: a2a.NewMessage(a2a.MessageRoleUser, a2a.NewTextPart("hello"))})
		if err != nil {
			t.Fatalf("SendMessage: %v", err)
		}
		got := replyText(t, first)
		if !strings.HasPrefix(got, "You said: hello (session "+session+", message ") {
			t.Fatalf("reply %q", got)
		}
		streamA2A(t, ctx, client)
	})

	t.Run("v0.3", func(t *testing.T) {
		client, err := a2aclient.NewFromEndpoints(ctx,
			[]*a2a.AgentInterface{{URL: base, ProtocolBinding: a2a.TransportProtocolJSONRPC, ProtocolVersion: a2av0.Version}},
			a2av0.WithJSONRPCTransport(a2av0.JSONRPCTransportConfig{Client: sessionClient}))
		if err != nil {
			t.Fatal(err)
		}
		res, err := client.SendMessage(ctx, &a2a.SendMessageRequest{Message: a2a.NewMessage(a2a.MessageRoleUser, a2a.NewTextPart("old"))})
		if err != nil {
			t.Fatalf("SendMessage (v0.3): %v", err)
		}
		if got := replyText(t, res); !strings.HasPrefix(got, "You said: old (session "+session) {
			t.Fatalf("reply %q", got)
		}
		streamA2A(t, ctx, client)
	})

	t.Run("badInput", func(t *testing.T) {
		// GetAgentCard on a runtime that is not A2A: ValidationException.
		mcpARN := deployProtocol(t, e, "a2anotmcp", goBinaryZip(t, "examples/mcp-go-agent"), "bootstrap", ctltypes.ServerProtocolMcp, nil)
		_, err := e.Data.GetAgentCard(ctx, &bedrockagentcore.GetAgentCardInput{AgentRuntimeArn: aws.String(mcpARN)})
		var ve *types.ValidationException
		if !errors.As(err, &ve) || !strings.Contains(ve.ErrorMessage(), "only A2A runtimes") {
			t.Errorf("GetAgentCard on an MCP runtime: %v", err)
		}
		_, err = e.Data.GetAgentCard(ctx, &bedrockagentcore.GetAgentCardInput{AgentRuntimeArn: aws.String(arn[:strings.Index(arn, "runtime/")] + "runtime/nosuch-0123456789")})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Errorf("GetAgentCard on a missing runtime: %v", err)
		}
		// Malformed JSON-RPC: the agent's JSON-RPC error comes back.
		u := base + "?qualifier=DEFAULT"
		status, _, m := rawJSONRPC(t, "POST", u, `{"jsonrpc":"2.0","id":3,"method":"message/send","params":`, map[string]string{"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": session})
		if rpcErr, _ := m["error"].(map[string]any); rpcErr == nil || rpcErr["code"] == nil {
			t.Errorf("malformed JSON-RPC: %d %v", status, m)
		}
		status, _, m = rawJSONRPC(t, "POST", u, `{"jsonrpc":"2.0","id":4,"method":"no/such","params":{}}`, map[string]string{"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": session})
		if rpcErr, _ := m["error"].(map[string]any); m["id"] != float64(4) || rpcErr["code"] != float64(-32601) {
			t.Errorf("unknown method: %d %v", status, m)
		}
		// An MCP client at an A2A runtime: typed error.
		status, _, m = rawJSONRPC(t, "POST", u, `{"jsonrpc":"2.0","id":5,"method":"initialize","params":{}}`, map[string]string{"Mcp-Protocol-Version": "2025-06-18"})
		if status != 400 || m["__type"] != "ValidationException" || m["id"] != float64(5) {
			t.Errorf("MCP request to an A2A runtime: %d %v", status, m)
		}
		noneInFlight(t, e)
	})
}

// streamA2A streams "stream …" and checks the words arrive one by one.
func streamA2A(t *testing.T, ctx context.Context, client *a2aclient.Client) {
	t.Helper()
	words := []string{"alpha", "beta", "gamma", "delta"}
	msg := a2a.NewMessage(a2a.MessageRoleUser, a2a.NewTextPart("stream "+strings.Join(words, " ")))
	var got []string
	var arrived []time.Time
	var final a2a.TaskState
	for ev, err := range client.SendStreamingMessage(ctx, &a2a.SendMessageRequest{Message: msg}) {
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		switch v := ev.(type) {
		case *a2a.TaskArtifactUpdateEvent:
			got = append(got, text(v.Artifact.Parts))
			arrived = append(arrived, time.Now())
		case *a2a.TaskStatusUpdateEvent:
			final = v.Status.State
		}
	}
	if strings.Join(got, " ") != strings.Join(words, " ") || final != a2a.TaskStateCompleted {
		t.Fatalf("streamed %v, final state %v", got, final)
	}
	if spread := arrived[len(arrived)-1].Sub(arrived[0]); spread < 200*time.Millisecond {
		t.Fatalf("artifact events arrived within %s: the stream was buffered", spread)
	}
}

// TestA2APython runs the official A2A Python SDK client and boto3's
// GetAgentCard against the A2A Go SDK agent (tests/python/test_a2a_client.py).
func TestA2APython(t *testing.T) {
	py := pythonWith(t, "a2a.client, boto3, pytest")
	t.Parallel()
	e := testenv.Start(t, testenv.Fast())
	arn := deployProtocol(t, e, "a2apy", goBinaryZip(t, "examples/a2a-go-agent"), "bootstrap", ctltypes.ServerProtocolA2a, nil)
	runSuite(t, append(clientEnv(e.URL), "A2A_AGENT_ARN="+arn), 3*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python/test_a2a_client.py")
}
