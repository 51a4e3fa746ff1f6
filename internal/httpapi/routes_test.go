package httpapi

import (
	"sort"
	"strings"
	"testing"
)

// TestRouteTable checks the table against the Runtime operations of both
// AWS services (method and path exactly as the SDK sends them).
func TestRouteTable(t *testing.T) {
	want := []string{
		"PUT /runtimes/ CreateAgentRuntime",
		"GET /runtimes/{agentRuntimeId}/ GetAgentRuntime",
		"PUT /runtimes/{agentRuntimeId}/ UpdateAgentRuntime",
		"DELETE /runtimes/{agentRuntimeId}/ DeleteAgentRuntime",
		"POST /runtimes/ ListAgentRuntimes",
		"POST /runtimes/{agentRuntimeId}/versions/ ListAgentRuntimeVersions",
		"PUT /runtimes/{agentRuntimeId}/runtime-endpoints/ CreateAgentRuntimeEndpoint",
		"GET /runtimes/{agentRuntimeId}/runtime-endpoints/{endpointName}/ GetAgentRuntimeEndpoint",
		"PUT /runtimes/{agentRuntimeId}/runtime-endpoints/{endpointName}/ UpdateAgentRuntimeEndpoint",
		"DELETE /runtimes/{agentRuntimeId}/runtime-endpoints/{endpointName}/ DeleteAgentRuntimeEndpoint",
		"POST /runtimes/{agentRuntimeId}/runtime-endpoints/ ListAgentRuntimeEndpoints",
		"POST /tags/{resourceArn} TagResource",
		"DELETE /tags/{resourceArn} UntagResource",
		"GET /tags/{resourceArn} ListTagsForResource",
		"POST /runtimes/{agentRuntimeArn}/invocations InvokeAgentRuntime",
		"POST /runtimes/{agentRuntimeArn}/stopruntimesession StopRuntimeSession",
		// runtime commands and WebSocket
		"POST /runtimes/{agentRuntimeArn}/commands InvokeAgentRuntimeCommand",
		"GET /runtimes/{agentRuntimeArn}/ws InvokeAgentRuntimeWithWebSocketStream",
	}
	got := New(Config{}).Ops()
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("route table:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRouterEscapedLabels(t *testing.T) {
	rt := newRouter([]route{{Method: "POST", Path: "/runtimes/{agentRuntimeArn}/invocations", Op: "Invoke"}, {Method: "GET", Path: "/runtimes/{id}/", Op: "Get"}})
	r, p, _ := rt.match("POST", "/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A123456789012%3Aruntime%2Fa-0123456789/invocations")
	if r == nil || r.Op != "Invoke" || p["agentRuntimeArn"] != "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/a-0123456789" {
		t.Fatalf("match: %v %v", r, p)
	}
	if r, _, _ := rt.match("GET", "/runtimes/x"); r != nil {
		t.Fatal("trailing slash must be significant")
	}
	if r, _, pathOnly := rt.match("DELETE", "/runtimes/x/"); r != nil || !pathOnly {
		t.Fatal("method mismatch must be reported")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("duplicate routes must panic")
		}
	}()
	newRouter([]route{{Method: "GET", Path: "/a/{x}", Op: "A"}, {Method: "GET", Path: "/a/{y}", Op: "B"}})
}
