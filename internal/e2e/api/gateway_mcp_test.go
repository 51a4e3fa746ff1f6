package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestGatewayMCPEndToEnd puts a real OpenAPI backend and a real MCP server
// behind one gateway; the official Go MCP client lists and calls tools.
func TestGatewayMCPEndToEnd(t *testing.T) {
	cfg := testenv.Fast()
	cfg.GatewayCallTimeout = 2 * time.Second
	e := testenv.Start(t, cfg)
	ps := startPetstore(t)
	mcpSrv, _, _ := startMCPBackend(t)
	gw := createGateway(t, e, "shop", nil)
	openAPITarget(t, e, *gw.GatewayId, "pets", petstoreSpec(ps.URL))
	mt := mcpServerTarget(t, e, *gw.GatewayId, "calc", mcpSrv.URL)
	if mt.Status != ctltypes.TargetStatusReady {
		t.Fatalf("mcp target: %+v %v", mt.Status, mt.StatusReasons)
	}
	cs := mcpConnect(t, *gw.GatewayUrl, "")
	tools := listAllTools(t, cs)
	for _, n := range []string{"pets___getPet", "pets___listPets", "pets___addPet", "pets___refund", "calc___add", "calc___shout"} {
		if tools[n] == nil {
			t.Fatalf("tool %s missing from %v", n, keys(tools))
		}
	}
	if d := tools["pets___getPet"].Description; d != "Get a pet by its id" {
		t.Fatalf("description %q", d)
	}

	// OpenAPI call: path parameter, JSON answer.
	res := callTool(t, cs, "pets___getPet", map[string]any{"id": "1"})
	if res.IsError || !strings.Contains(resultText(res), `"name":"Rex"`) {
		t.Fatalf("getPet: %+v %s", res, resultText(res))
	}
	// Request body with a $ref schema.
	res = callTool(t, cs, "pets___addPet", map[string]any{"body": map[string]any{"name": "Tom", "species": "cat"}})
	if res.IsError || !strings.Contains(resultText(res), `"name":"Tom"`) {
		t.Fatalf("addPet: %s", resultText(res))
	}
	// Query parameter.
	res = callTool(t, cs, "pets___listPets", map[string]any{"limit": 5})
	if res.IsError || !strings.Contains(resultText(res), `"limit":"5"`) {
		t.Fatalf("listPets: %s", resultText(res))
	}
	// 404 from the backend is a tool error.
	res = callTool(t, cs, "pets___getPet", map[string]any{"id": "99"})
	if !res.IsError || !strings.Contains(resultText(res), "404") {
		t.Fatalf("missing pet: %+v %s", res, resultText(res))
	}
	// MCP target: structured result passes through.
	res = callTool(t, cs, "calc___add", map[string]any{"a": 2, "b": 40})
	if res.IsError || !strings.Contains(resultText(res), "42") {
		t.Fatalf("add: %s", resultText(res))
	}
	res = callTool(t, cs, "calc___shout", map[string]any{"text": "hi"})
	if resultText(res) != "HI" {
		t.Fatalf("shout: %s", resultText(res))
	}
	res = callTool(t, cs, "calc___shout", map[string]any{"text": "fail"})
	if !res.IsError {
		t.Fatalf("shout fail: %s", resultText(res))
	}

	// Arguments that fail the schema never reach the backend.
	before := ps.Calls()
	for _, bad := range []map[string]any{
		{},        // missing required id
		{"id": 7}, // wrong type
	} {
		res = callTool(t, cs, "pets___getPet", bad)
		if !res.IsError || !strings.Contains(resultText(res), "input schema") {
			t.Fatalf("bad args %v: %s", bad, resultText(res))
		}
	}
	res = callTool(t, cs, "pets___addPet", map[string]any{"body": map[string]any{"name": "x", "species": "lizard"}})
	if !res.IsError || !strings.Contains(resultText(res), "species") {
		t.Fatalf("enum: %s", resultText(res))
	}
	res = callTool(t, cs, "pets___listPets", map[string]any{"limit": 1000})
	if !res.IsError {
		t.Fatalf("maximum: %s", resultText(res))
	}
	if ps.Calls() != before {
		t.Fatalf("backend saw %d invalid calls", ps.Calls()-before)
	}
	// Unknown tool: a JSON-RPC error.
	if _, err := cs.CallTool(bg, &mcp.CallToolParams{Name: "pets___nope", Arguments: map[string]any{}}); err == nil {
		t.Fatal("unknown tool accepted")
	}

	// A hanging backend times out as a tool error; garbage is returned as text.
	start := time.Now()
	res = callTool(t, cs, "pets___slow", map[string]any{})
	if !res.IsError || !strings.Contains(resultText(res), "did not answer") || time.Since(start) > 5*time.Second {
		t.Fatalf("slow: %s after %s", resultText(res), time.Since(start))
	}
	res = callTool(t, cs, "pets___garbage", map[string]any{})
	if res.IsError || !strings.Contains(resultText(res), "not json") {
		t.Fatalf("garbage: %+v %q", res, resultText(res))
	}
	// The gateway keeps serving.
	if res := callTool(t, cs, "calc___add", map[string]any{"a": 1, "b": 1}); res.IsError {
		t.Fatal("gateway stopped serving")
	}

	// Records: every call was logged with its outcome.
	calls := gatewayCalls(t, e, *gw.GatewayId)
	if len(calls) < 10 {
		t.Fatalf("recorded calls: %d", len(calls))
	}
}

// TestGatewayUnreachableMCPTarget: the target is FAILED with a reason, the
// other targets keep working, and SynchronizeGatewayTargets recovers it.
func TestGatewayUnreachableMCPTarget(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	ps := startPetstore(t)
	gw := createGateway(t, e, "flaky", nil)
	openAPITarget(t, e, *gw.GatewayId, "pets", petstoreSpec(ps.URL))

	// A listener that accepts nothing: start a server and close it.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	mt := mcpServerTarget(t, e, *gw.GatewayId, "dead", deadURL+"/mcp")
	if mt.Status != ctltypes.TargetStatusFailed || len(mt.StatusReasons) == 0 {
		t.Fatalf("unreachable target: %s %v", mt.Status, mt.StatusReasons)
	}
	cs := mcpConnect(t, *gw.GatewayUrl, "")
	tools := listAllTools(t, cs)
	if tools["pets___getPet"] == nil || len(tools) != 6 {
		t.Fatalf("tools: %v", keys(tools))
	}
	if res := callTool(t, cs, "pets___getPet", map[string]any{"id": "1"}); res.IsError {
		t.Fatal(resultText(res))
	}
	// Bring a server up and point the target at it, then synchronize.
	srv, _, _ := startMCPBackend(t)
	_, err := e.Control.UpdateGatewayTarget(bg, &ctl.UpdateGatewayTargetInput{GatewayIdentifier: gw.GatewayId, TargetId: mt.TargetId, Name: aws.String("dead"),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberMcpServer{Value: ctltypes.McpServerTargetConfiguration{Endpoint: aws.String(srv.URL)}}}})
	if err != nil {
		t.Fatal(err)
	}
	sy, err := e.Control.SynchronizeGatewayTargets(bg, &ctl.SynchronizeGatewayTargetsInput{GatewayIdentifier: gw.GatewayId, TargetIdList: []string{*mt.TargetId}})
	if err != nil || sy.Targets[0].Status != ctltypes.TargetStatusReady {
		t.Fatalf("sync: %+v %v", sy, err)
	}
	if res := callTool(t, cs, "dead___add", map[string]any{"a": 1, "b": 2}); res.IsError || !strings.Contains(resultText(res), "3") {
		t.Fatalf("after sync: %s", resultText(res))
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// gatewayCalls reads the gateway's call records (documented extension).
func gatewayCalls(t testing.TB, e *testenv.Env, id string) []map[string]any {
	t.Helper()
	resp, err := http.Get(e.URL + "/_agentcore/gateways/" + id + "/calls")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Calls []map[string]any `json:"calls"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("calls: %v (HTTP %d)", err, resp.StatusCode)
	}
	return out.Calls
}

// TestGatewayCallsAreTraced: each tool call's request span carries the tool,
// gateway, policy decision and outcome (read back from the span store).
func TestGatewayCallsAreTraced(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	ps := startPetstore(t)
	gw := createGateway(t, e, "traced", nil)
	openAPITarget(t, e, *gw.GatewayId, "pets", petstoreSpec(ps.URL))
	cs := mcpConnect(t, *gw.GatewayUrl, "")
	callTool(t, cs, "pets___getPet", map[string]any{"id": "1"})
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(e.URL + "/_agentcore/observability/spans?limit=1000")
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Spans []struct {
				Name       string         `json:"name"`
				Attributes map[string]any `json:"attributes"`
			} `json:"spans"`
		}
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		for _, s := range out.Spans {
			if s.Attributes["gen_ai.tool.name"] == "pets___getPet" {
				if s.Attributes["gateway.id"] != *gw.GatewayId || s.Attributes["gateway.policy.decision"] != "NONE" || s.Attributes["gateway.outcome"] != "ok" {
					t.Fatalf("span %s: %v", s.Name, s.Attributes)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			b, _ := json.Marshal(out.Spans)
			t.Fatalf("no span with the tool call among %d spans: %s", len(out.Spans), b)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
