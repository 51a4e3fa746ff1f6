package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// petstore is a small real HTTP API with an OpenAPI 3 description. It
// records the Authorization header and api_key query parameter it sees.
type petstore struct {
	*httptest.Server
	mu    sync.Mutex
	seen  []http.Header
	query []string
	calls int
	pets  map[string]map[string]any
}

func (p *petstore) Calls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls
}

func (p *petstore) LastHeader(name string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.seen) == 0 {
		return ""
	}
	return p.seen[len(p.seen)-1].Get(name)
}

func (p *petstore) LastQuery() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.query) == 0 {
		return ""
	}
	return p.query[len(p.query)-1]
}

func startPetstore(t testing.TB) *petstore {
	p := &petstore{pets: map[string]map[string]any{"1": {"id": "1", "name": "Rex", "species": "dog"}}}
	mux := http.NewServeMux()
	record := func(r *http.Request) {
		p.mu.Lock()
		p.calls++
		p.seen = append(p.seen, r.Header.Clone())
		p.query = append(p.query, r.URL.RawQuery)
		p.mu.Unlock()
	}
	mux.HandleFunc("GET /pets/{id}", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		p.mu.Lock()
		pet, ok := p.pets[r.PathValue("id")]
		p.mu.Unlock()
		if !ok {
			http.Error(w, `{"message":"no such pet"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(pet)
	})
	mux.HandleFunc("GET /pets", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"pets":[{"id":"1","name":"Rex"}],"limit":%q}`, r.URL.Query().Get("limit"))
	})
	mux.HandleFunc("POST /pets", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		p.mu.Lock()
		id := fmt.Sprint(len(p.pets) + 1)
		in["id"] = id
		p.pets[id] = in
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(in)
	})
	mux.HandleFunc("POST /refunds", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"refunded":%s}`, b)
	})
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		<-r.Context().Done()
	})
	mux.HandleFunc("GET /garbage", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("\x00\x01{not json"))
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

// petstoreSpec is the OpenAPI 3 document of the petstore at base.
func petstoreSpec(base string) string {
	return `{
  "openapi": "3.0.3",
  "info": {"title": "Petstore", "version": "1.0.0"},
  "servers": [{"url": "` + base + `"}],
  "paths": {
    "/pets/{id}": {"get": {"operationId": "getPet", "summary": "Get a pet by its id",
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
      "responses": {"200": {"description": "the pet"}}}},
    "/pets": {
      "get": {"operationId": "listPets", "summary": "List all pets in the store",
        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
        "responses": {"200": {"description": "pets"}}},
      "post": {"operationId": "addPet", "summary": "Add a new pet to the store",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}}},
        "responses": {"201": {"description": "created"}}}},
    "/refunds": {"post": {"operationId": "refund", "summary": "Refund a customer for an order",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
          "properties": {"orderId": {"type": "string"}, "amount": {"type": "integer"}}, "required": ["orderId", "amount"]}}}},
        "responses": {"200": {"description": "ok"}}}},
    "/slow": {"get": {"operationId": "slow", "summary": "Never answers", "responses": {"200": {"description": "never"}}}},
    "/garbage": {"get": {"operationId": "garbage", "summary": "Answers garbage", "responses": {"200": {"description": "bytes"}}}}
  },
  "components": {"schemas": {"NewPet": {"type": "object", "required": ["name"],
    "properties": {"name": {"type": "string", "minLength": 1}, "species": {"type": "string", "enum": ["dog", "cat", "bird"]}}}}}
}`
}

// startMCPBackend runs a real MCP server (official Go SDK, streamable HTTP)
// with tools add and shout. It records the Authorization header it sees.
func startMCPBackend(t testing.TB) (*httptest.Server, *mcp.Server, func() string) {
	srv := mcp.NewServer(&mcp.Implementation{Name: "calc", Version: "1.0.0"}, nil)
	type addIn struct {
		A int `json:"a" jsonschema:"first addend"`
		B int `json:"b" jsonschema:"second addend"`
	}
	type addOut struct {
		Sum int `json:"sum"`
	}
	mcp.AddTool(srv, &mcp.Tool{Name: "add", Description: "Add two integers and return their sum"},
		func(ctx context.Context, req *mcp.CallToolRequest, in addIn) (*mcp.CallToolResult, addOut, error) {
			return nil, addOut{Sum: in.A + in.B}, nil
		})
	type shoutIn struct {
		Text string `json:"text" jsonschema:"text to shout"`
	}
	mcp.AddTool(srv, &mcp.Tool{Name: "shout", Description: "Return the text in upper case"},
		func(ctx context.Context, req *mcp.CallToolRequest, in shoutIn) (*mcp.CallToolResult, any, error) {
			if in.Text == "fail" {
				return nil, nil, errors.New("shouting failed")
			}
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: strings.ToUpper(in.Text)}}}, nil, nil
		})
	var mu sync.Mutex
	last := ""
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, &mcp.StreamableHTTPOptions{Stateless: true})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		last = r.Header.Get("Authorization")
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs, srv, func() string { mu.Lock(); defer mu.Unlock(); return last }
}

// mcpConnect connects the official Go MCP client to a gateway URL.
func mcpConnect(t testing.TB, url, token string) *mcp.ClientSession {
	t.Helper()
	cs, err := mcpConnectErr(url, token)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

type bearerRT struct{ token string }

func (b bearerRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if b.token != "" {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+b.token)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func mcpConnectErr(url, token string) (*mcp.ClientSession, error) {
	c := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1.0.0"}, nil)
	return c.Connect(bg, &mcp.StreamableClientTransport{Endpoint: url, MaxRetries: -1, DisableStandaloneSSE: true,
		HTTPClient: &http.Client{Transport: bearerRT{token}}}, nil)
}

func listAllTools(t testing.TB, cs *mcp.ClientSession) map[string]*mcp.Tool {
	t.Helper()
	out := map[string]*mcp.Tool{}
	for tl, err := range cs.Tools(bg, nil) {
		if err != nil {
			t.Fatal(err)
		}
		out[tl.Name] = tl
	}
	return out
}

func callTool(t testing.TB, cs *mcp.ClientSession, name string, args any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(bg, &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("call %s: %v", name, err)
	}
	return res
}

func resultText(r *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range r.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// createGateway makes a gateway with NONE auth unless mod changes it.
func createGateway(t testing.TB, e *testenv.Env, name string, mod func(*ctl.CreateGatewayInput)) *ctl.CreateGatewayOutput {
	t.Helper()
	in := &ctl.CreateGatewayInput{Name: aws.String(name), RoleArn: aws.String(testenv.RoleArn),
		AuthorizerType: ctltypes.AuthorizerTypeNone, ProtocolType: ctltypes.GatewayProtocolTypeMcp}
	if mod != nil {
		mod(in)
	}
	out, err := e.Control.CreateGateway(bg, in)
	if err != nil {
		t.Fatalf("CreateGateway: %v", err)
	}
	return out
}

func openAPITarget(t testing.TB, e *testenv.Env, gw, name, spec string, creds ...ctltypes.CredentialProviderConfiguration) *ctl.CreateGatewayTargetOutput {
	t.Helper()
	out, err := e.Control.CreateGatewayTarget(bg, &ctl.CreateGatewayTargetInput{GatewayIdentifier: aws.String(gw), Name: aws.String(name),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberOpenApiSchema{
			Value: &ctltypes.ApiSchemaConfigurationMemberInlinePayload{Value: spec}}},
		CredentialProviderConfigurations: creds})
	if err != nil {
		t.Fatalf("CreateGatewayTarget %s: %v", name, err)
	}
	return out
}

func mcpServerTarget(t testing.TB, e *testenv.Env, gw, name, endpoint string, creds ...ctltypes.CredentialProviderConfiguration) *ctl.CreateGatewayTargetOutput {
	t.Helper()
	out, err := e.Control.CreateGatewayTarget(bg, &ctl.CreateGatewayTargetInput{GatewayIdentifier: aws.String(gw), Name: aws.String(name),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberMcpServer{
			Value: ctltypes.McpServerTargetConfiguration{Endpoint: aws.String(endpoint)}}},
		CredentialProviderConfigurations: creds})
	if err != nil {
		t.Fatalf("CreateGatewayTarget %s: %v", name, err)
	}
	return out
}

func errorIs[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func mcpParams(name string, args any) *mcp.CallToolParams {
	return &mcp.CallToolParams{Name: name, Arguments: args}
}

func callRaw(cs any, name string, args map[string]any) (*mcp.CallToolResult, error) {
	return cs.(*mcp.ClientSession).CallTool(bg, &mcp.CallToolParams{Name: name, Arguments: args})
}

func mcpTextOf(r *mcp.CallToolResult) string {
	if r == nil {
		return ""
	}
	return resultText(r)
}

type headersRT map[string]string

func (h headersRT) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range h {
		r.Header.Set(k, v)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func mcpConnectHeaders(t testing.TB, url string, hdr map[string]string) *mcp.ClientSession {
	t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1.0.0"}, nil)
	cs, err := c.Connect(bg, &mcp.StreamableClientTransport{Endpoint: url, MaxRetries: -1, DisableStandaloneSSE: true,
		HTTPClient: &http.Client{Transport: headersRT(hdr)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}
