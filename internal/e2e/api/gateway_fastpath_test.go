package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
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
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("HTTP %d: %s", resp.StatusCode, b)
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
// tools/call is the same JSON-RPC response the SDK path gives.
func TestGatewayFastPathMatchesSDK(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	ps := startPetstore(t)
	mcpSrv, _, _ := startMCPBackend(t)
	gw := createGateway(t, e, "fast", nil)
	openAPITarget(t, e, *gw.GatewayId, "pets", petstoreSpec(ps.URL))
	mcpServerTarget(t, e, *gw.GatewayId, "calc", mcpSrv.URL)
	for _, body := range []string{
		`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"pets___getPet","arguments":{"id":"1"}}}`,
		`{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"pets___getPet","arguments":{"id":"99"}}}`,
		`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"pets___getPet","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"calc___add","arguments":{"a":1,"b":2}}}`,
		`{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"pets___nope","arguments":{}}}`,
	} {
		sdk := rawMCPCall(t, *gw.GatewayUrl, "", body)
		fast := rawMCPCall(t, *gw.GatewayUrl, "2025-06-18", body)
		a, _ := json.Marshal(sdk)
		b, _ := json.Marshal(fast)
		if string(a) != string(b) {
			t.Errorf("%s:\n sdk  %s\n fast %s", body, a, b)
		}
	}
}
