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
		"POST /gateways/ CreateGateway",
		"GET /gateways/{gatewayIdentifier}/ GetGateway",
		"PUT /gateways/{gatewayIdentifier}/ UpdateGateway",
		"DELETE /gateways/{gatewayIdentifier}/ DeleteGateway",
		"GET /gateways/ ListGateways",
		"POST /gateways/{gatewayIdentifier}/targets/ CreateGatewayTarget",
		"GET /gateways/{gatewayIdentifier}/targets/{targetId}/ GetGatewayTarget",
		"PUT /gateways/{gatewayIdentifier}/targets/{targetId}/ UpdateGatewayTarget",
		"DELETE /gateways/{gatewayIdentifier}/targets/{targetId}/ DeleteGatewayTarget",
		"GET /gateways/{gatewayIdentifier}/targets/ ListGatewayTargets",
		"PUT /gateways/{gatewayIdentifier}/synchronizeTargets SynchronizeGatewayTargets",
		"POST /gateways/{gatewayIdentifier}/mcp GatewayMCP",
		"GET /gateways/{gatewayIdentifier}/mcp GatewayMCP",
		"DELETE /gateways/{gatewayIdentifier}/mcp GatewayMCP",
		"GET /gateways/{gatewayIdentifier}/.well-known/oauth-protected-resource GatewayProtectedResource",
		"POST /policy-engines CreatePolicyEngine",
		"GET /policy-engines/{policyEngineId} GetPolicyEngine",
		"PATCH /policy-engines/{policyEngineId} UpdatePolicyEngine",
		"DELETE /policy-engines/{policyEngineId} DeletePolicyEngine",
		"GET /policy-engines ListPolicyEngines",
		"POST /policy-engines/{policyEngineId}/policies CreatePolicy",
		"GET /policy-engines/{policyEngineId}/policies/{policyId} GetPolicy",
		"PATCH /policy-engines/{policyEngineId}/policies/{policyId} UpdatePolicy",
		"DELETE /policy-engines/{policyEngineId}/policies/{policyId} DeletePolicy",
		"GET /policy-engines/{policyEngineId}/policies ListPolicies",
		"POST /policy-engines/{policyEngineId}/policy-generations StartPolicyGeneration",
		"GET /policy-engines/{policyEngineId}/policy-generations/{policyGenerationId} GetPolicyGeneration",
		"GET /policy-engines/{policyEngineId}/policy-generations ListPolicyGenerations",
		"GET /policy-engines/{policyEngineId}/policy-generations/{policyGenerationId}/assets ListPolicyGenerationAssets",
		"GET /policy-engine-summaries/{policyEngineId} GetPolicyEngineSummary",
		"GET /policy-engine-summaries ListPolicyEngineSummaries",
		"GET /policy-engines/{policyEngineId}/policy-summaries/{policyId} GetPolicySummary",
		"GET /policy-engines/{policyEngineId}/policy-summaries ListPolicySummaries",
		"GET /policy-engines/{policyEngineId}/policy-generation-summaries/{policyGenerationId} GetPolicyGenerationSummary",
		"GET /policy-engines/{policyEngineId}/policy-generation-summaries ListPolicyGenerationSummaries",
		"POST /runtimes/{agentRuntimeArn}/stopruntimesession StopRuntimeSession",
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
