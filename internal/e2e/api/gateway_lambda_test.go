package api_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// lambdaEmulator speaks the Lambda Invoke API
// (POST /2015-03-31/functions/{name}/invocations) for a few functions.
type lambdaEmulator struct {
	*httptest.Server
	mu      sync.Mutex
	context []map[string]any // decoded X-Amz-Client-Context per target call
	events  []map[string]any
}

func startLambda(t testing.TB) *lambdaEmulator {
	l := &lambdaEmulator{}
	l.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const prefix = "/2015-03-31/functions/"
		if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, prefix) || !strings.HasSuffix(r.URL.Path, "/invocations") {
			http.Error(w, `{"message":"unknown operation"}`, http.StatusNotFound)
			return
		}
		fn := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, prefix), "/invocations")
		if i := strings.LastIndex(fn, ":function:"); i >= 0 {
			fn = fn[i+len(":function:"):]
		}
		if r.Header.Get("X-Amz-Invocation-Type") != "RequestResponse" {
			http.Error(w, `{"message":"want RequestResponse"}`, http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var event map[string]any
		json.Unmarshal(body, &event)
		var cc map[string]any
		if h := r.Header.Get("X-Amz-Client-Context"); h != "" {
			raw, _ := base64.StdEncoding.DecodeString(h)
			json.Unmarshal(raw, &cc)
		}
		switch fn {
		case "weather":
			l.mu.Lock()
			l.context = append(l.context, cc)
			l.events = append(l.events, event)
			l.mu.Unlock()
			custom, _ := cc["custom"].(map[string]any)
			json.NewEncoder(w).Encode(map[string]any{"city": event["city"], "tempC": 21, "tool": custom["bedrockAgentCoreToolName"]})
		case "boom":
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			w.Write([]byte(`{"errorMessage":"boom","errorType":"RuntimeError"}`))
		case "guard": // REQUEST interceptor
			var in struct {
				MCP struct {
					GatewayRequest struct {
						Headers map[string]string `json:"headers"`
						Body    struct {
							Params struct {
								Name      string         `json:"name"`
								Arguments map[string]any `json:"arguments"`
							} `json:"params"`
						} `json:"body"`
					} `json:"gatewayRequest"`
				} `json:"mcp"`
			}
			json.Unmarshal(body, &in)
			req := in.MCP.GatewayRequest.Body
			switch req.Params.Arguments["city"] {
			case "Mordor":
				json.NewEncoder(w).Encode(map[string]any{"interceptorOutputVersion": "1.0", "mcp": map[string]any{
					"transformedGatewayResponse": map[string]any{"statusCode": 403, "body": map[string]any{"jsonrpc": "2.0", "id": 1,
						"error": map[string]any{"code": -32002, "message": "one does not simply walk into Mordor"}}}}})
			case "nyc":
				req.Params.Arguments["city"] = "New York"
				json.NewEncoder(w).Encode(map[string]any{"interceptorOutputVersion": "1.0", "mcp": map[string]any{
					"transformedGatewayRequest": map[string]any{"body": map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call",
						"params": map[string]any{"name": req.Params.Name, "arguments": req.Params.Arguments}}}}})
			default:
				if in.MCP.GatewayRequest.Headers["X-Tenant"] == "" {
					http.Error(w, "headers not passed", 500)
					return
				}
				json.NewEncoder(w).Encode(map[string]any{"interceptorOutputVersion": "1.0", "mcp": map[string]any{}})
			}
		case "redact": // RESPONSE interceptor
			var in struct {
				MCP struct {
					GatewayResponse struct {
						Body struct {
							Result map[string]any `json:"result"`
						} `json:"body"`
					} `json:"gatewayResponse"`
				} `json:"mcp"`
			}
			json.Unmarshal(body, &in)
			b, _ := json.Marshal(in.MCP.GatewayResponse.Body.Result)
			text := strings.ReplaceAll(string(b), "Rome", "[redacted]")
			var result map[string]any
			json.Unmarshal([]byte(text), &result)
			json.NewEncoder(w).Encode(map[string]any{"interceptorOutputVersion": "1.0", "mcp": map[string]any{
				"transformedGatewayResponse": map[string]any{"statusCode": 200, "body": map[string]any{"jsonrpc": "2.0", "id": 1, "result": result}}}})
		default:
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"Type":"User","message":"Function not found: ` + fn + `"}`))
		}
	}))
	t.Cleanup(l.Close)
	return l
}

func lambdaArn(fn string) string { return "arn:aws:lambda:us-east-1:123456789012:function:" + fn }

func lambdaTarget(t testing.TB, e *testenv.Env, gw, name, fn string) {
	t.Helper()
	_, err := e.Control.CreateGatewayTarget(bg, &ctl.CreateGatewayTargetInput{GatewayIdentifier: aws.String(gw), Name: aws.String(name),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberLambda{Value: ctltypes.McpLambdaTargetConfiguration{
			LambdaArn: aws.String(lambdaArn(fn)),
			ToolSchema: &ctltypes.ToolSchemaMemberInlinePayload{Value: []ctltypes.ToolDefinition{{
				Name: aws.String("get_weather"), Description: aws.String("Current weather for a city"),
				InputSchema: &ctltypes.SchemaDefinition{Type: ctltypes.SchemaTypeObject, Required: []string{"city"},
					Properties: map[string]ctltypes.SchemaDefinition{"city": {Type: ctltypes.SchemaTypeString}}}}}}}}},
		CredentialProviderConfigurations: []ctltypes.CredentialProviderConfiguration{{CredentialProviderType: ctltypes.CredentialProviderTypeGatewayIamRole}}})
	if err != nil {
		t.Fatalf("lambda target: %v", err)
	}
}

// TestGatewayLambdaTargetAndInterceptors: Lambda targets are invoked
// through the Invoke API with AgentCore's event and client context; REQUEST
// interceptors can deny or rewrite, RESPONSE interceptors can rewrite.
func TestGatewayLambdaTargetAndInterceptors(t *testing.T) {
	l := startLambda(t)
	cfg := testenv.Fast()
	cfg.LambdaEndpoint = l.URL
	e := testenv.Start(t, cfg)
	gw := createGateway(t, e, "lambdas", func(in *ctl.CreateGatewayInput) { in.ExceptionLevel = ctltypes.ExceptionLevelDebug })
	lambdaTarget(t, e, *gw.GatewayId, "wx", "weather")
	lambdaTarget(t, e, *gw.GatewayId, "bad", "boom")
	lambdaTarget(t, e, *gw.GatewayId, "gone", "missing")
	cs := mcpConnect(t, *gw.GatewayUrl, "")

	res := callTool(t, cs, "wx___get_weather", map[string]any{"city": "Paris"})
	if res.IsError || !strings.Contains(resultText(res), `"tempC":21`) || !strings.Contains(resultText(res), `wx___get_weather`) {
		t.Fatalf("weather: %s", resultText(res))
	}
	l.mu.Lock()
	cc, ev := l.context[0], l.events[0]
	l.mu.Unlock()
	custom, _ := cc["custom"].(map[string]any)
	if ev["city"] != "Paris" || custom["bedrockAgentCoreToolName"] != "wx___get_weather" || custom["bedrockAgentCoreGatewayId"] != *gw.GatewayId ||
		custom["bedrockAgentCoreTargetId"] == "" || custom["bedrockAgentCoreMessageVersion"] != "1.0" {
		t.Fatalf("event %v context %v", ev, cc)
	}
	if res := callTool(t, cs, "bad___get_weather", map[string]any{"city": "x"}); !res.IsError || !strings.Contains(resultText(res), "boom") {
		t.Fatalf("function error: %s", resultText(res))
	}
	if res := callTool(t, cs, "gone___get_weather", map[string]any{"city": "x"}); !res.IsError || !strings.Contains(resultText(res), "Function not found") {
		t.Fatalf("missing function: %s", resultText(res))
	}
	if res := callTool(t, cs, "wx___get_weather", map[string]any{}); !res.IsError {
		t.Fatalf("schema: %s", resultText(res))
	}
	// Without exceptionLevel DEBUG the caller gets no transport details.
	quiet := createGateway(t, e, "quiet", nil)
	lambdaTarget(t, e, *quiet.GatewayId, "gone", "missing")
	qs := mcpConnect(t, *quiet.GatewayUrl, "")
	if res := callTool(t, qs, "gone___get_weather", map[string]any{"city": "x"}); !res.IsError || strings.Contains(resultText(res), "Function not found") || !strings.Contains(resultText(res), "could not be reached") {
		t.Fatalf("quiet error: %s", resultText(res))
	}

	// Interceptors.
	ic := createGateway(t, e, "guarded", func(in *ctl.CreateGatewayInput) {
		in.InterceptorConfigurations = []ctltypes.GatewayInterceptorConfiguration{
			{Interceptor: &ctltypes.InterceptorConfigurationMemberLambda{Value: ctltypes.LambdaInterceptorConfiguration{Arn: aws.String(lambdaArn("guard"))}},
				InterceptionPoints: []ctltypes.GatewayInterceptionPoint{ctltypes.GatewayInterceptionPointRequest},
				InputConfiguration: &ctltypes.InterceptorInputConfiguration{PassRequestHeaders: aws.Bool(true)}},
			{Interceptor: &ctltypes.InterceptorConfigurationMemberLambda{Value: ctltypes.LambdaInterceptorConfiguration{Arn: aws.String(lambdaArn("redact"))}},
				InterceptionPoints: []ctltypes.GatewayInterceptionPoint{ctltypes.GatewayInterceptionPointResponse}},
		}
	})
	lambdaTarget(t, e, *ic.GatewayId, "wx", "weather")
	c := mcpConnectHeaders(t, *ic.GatewayUrl, map[string]string{"X-Tenant": "acme"})
	res = callTool(t, c, "wx___get_weather", map[string]any{"city": "Rome"})
	if res.IsError || !strings.Contains(resultText(res), `[redacted]`) {
		t.Fatalf("redacted: %s", resultText(res))
	}
	res = callTool(t, c, "wx___get_weather", map[string]any{"city": "nyc"})
	if !strings.Contains(resultText(res), "New York") {
		t.Fatalf("rewritten: %s", resultText(res))
	}
	n := len(l.events)
	if _, err := callRaw(c, "wx___get_weather", map[string]any{"city": "Mordor"}); err == nil || !strings.Contains(err.Error(), "Mordor") {
		t.Fatalf("denied by interceptor: %v", err)
	}
	if len(l.events) != n {
		t.Fatal("the target saw a call the interceptor denied")
	}
}
