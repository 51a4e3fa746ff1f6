package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// rawMCPCall posts one tools/call; version "" sends no MCP-Protocol-Version
// (the SDK handles it), a 2025 version takes the gateway's fast path.
func rawMCPCall(t *testing.T, url, version, body string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if version != "" {
		req.Header.Set("Mcp-Protocol-Version", version)
	}
	if version >= "2026-07-28" { // the stateless revision repeats method and tool name in headers
		var m struct {
			Method string
			Params struct{ Name string }
		}
		json.Unmarshal([]byte(body), &m)
		req.Header.Set("Mcp-Method", m.Method)
		req.Header.Set("Mcp-Name", m.Params.Name)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return map[string]any{"httpStatus": resp.StatusCode, "body": string(b)}
	}
	s := string(b)
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		for _, line := range strings.Split(s, "\n") {
			if strings.HasPrefix(line, "data: ") {
				s = strings.TrimPrefix(line, "data: ")
			}
		}
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return m
}

// TestGatewayFastPathMatchesSDK: the gateway's own answer to a stateless
// tools/call is the same JSON-RPC response the SDK gives (a second server
// with the fast path off: server.Config.DisableGatewayFastPath), for the
// 2025 and the 2026-07-28 protocol.
func TestGatewayFastPathMatchesSDK(t *testing.T) {
	ps := startPetstore(t)
	mcpSrv, _, _ := startMCPBackend(t)
	gatewayURL := func(disable bool) string {
		cfg := testenv.Fast()
		cfg.DisableGatewayFastPath = disable
		e := testenv.Start(t, cfg)
		gw := createGateway(t, e, "fast", nil)
		openAPITarget(t, e, *gw.GatewayId, "pets", petstoreSpec(ps.URL))
		mcpServerTarget(t, e, *gw.GatewayId, "calc", mcpSrv.URL)
		return *gw.GatewayUrl
	}
	fastURL, sdkURL := gatewayURL(false), gatewayURL(true)
	meta := `"_meta":{"io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"x","version":"1"},"io.modelcontextprotocol/protocolVersion":"2026-07-28"},`
	calls := []string{
		`"name":"pets___getPet","arguments":{"id":"1"}`,
		`"name":"pets___getPet","arguments":{"id":"99"}`,
		`"name":"pets___getPet","arguments":{}`,
		`"name":"calc___add","arguments":{"a":1,"b":2}`,
		`"name":"calc___shout","arguments":{"text":"fail"}`,
		`"name":"pets___nope","arguments":{}`,
	}
	for _, version := range []string{"2025-06-18", "2026-07-28"} {
		for i, c := range calls {
			params := c
			if version == "2026-07-28" {
				params = meta + c
			}
			body := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{%s}}`, i+1, params)
			sdk := rawMCPCall(t, sdkURL, version, body)
			fast := rawMCPCall(t, fastURL, version, body)
			a, _ := json.Marshal(sdk)
			b, _ := json.Marshal(fast)
			if string(a) != string(b) {
				t.Errorf("%s %s:\n sdk  %s\n fast %s", version, body, a, b)
			}
		}
	}
}

// TestGatewaySupportedVersions: protocolConfiguration.mcp.supportedVersions
// limits the protocol versions; unknown versions are a ValidationException.
func TestGatewaySupportedVersions(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	ps := startPetstore(t)
	gw := createGateway(t, e, "versions", func(in *ctl.CreateGatewayInput) {
		in.ProtocolConfiguration = &ctltypes.GatewayProtocolConfigurationMemberMcp{Value: ctltypes.MCPGatewayConfiguration{SupportedVersions: []string{"2025-06-18"}}}
	})
	openAPITarget(t, e, *gw.GatewayId, "pets", petstoreSpec(ps.URL))
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pets___getPet","arguments":{"id":"1"}}}`
	if m := rawMCPCall(t, *gw.GatewayUrl, "2025-06-18", body); m["result"] == nil {
		t.Fatalf("allowed version: %v", m)
	}
	if m := rawMCPCall(t, *gw.GatewayUrl, "2025-11-25", body); m["httpStatus"] != 400 {
		t.Fatalf("other version: %v", m)
	}
	_, err := e.Control.CreateGateway(bg, &ctl.CreateGatewayInput{Name: aws.String("badversion"), RoleArn: aws.String(testenv.RoleArn), AuthorizerType: ctltypes.AuthorizerTypeNone,
		ProtocolConfiguration: &ctltypes.GatewayProtocolConfigurationMemberMcp{Value: ctltypes.MCPGatewayConfiguration{SupportedVersions: []string{"1999-01-01"}}}})
	if !errorIs[*ctltypes.ValidationException](err) {
		t.Fatalf("unknown version: %v", err)
	}
}
