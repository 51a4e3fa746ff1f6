package httpapi

// routes is the route table: one line per AWS operation.
func (s *Server) routes() []route {
	return []route{
		// bedrock-agentcore-control: Runtime
		{Method: "PUT", Path: "/runtimes/", Op: "CreateAgentRuntime", H: s.idem("CreateAgentRuntime", s.createAgentRuntime)},
		{Method: "GET", Path: "/runtimes/{agentRuntimeId}/", Op: "GetAgentRuntime", H: s.getAgentRuntime},
		{Method: "PUT", Path: "/runtimes/{agentRuntimeId}/", Op: "UpdateAgentRuntime", H: s.idem("UpdateAgentRuntime", s.updateAgentRuntime)},
		{Method: "DELETE", Path: "/runtimes/{agentRuntimeId}/", Op: "DeleteAgentRuntime", H: s.idem("DeleteAgentRuntime", s.deleteAgentRuntime)},
		{Method: "POST", Path: "/runtimes/", Op: "ListAgentRuntimes", H: s.listAgentRuntimes},
		{Method: "POST", Path: "/runtimes/{agentRuntimeId}/versions/", Op: "ListAgentRuntimeVersions", H: s.listAgentRuntimeVersions},
		{Method: "PUT", Path: "/runtimes/{agentRuntimeId}/runtime-endpoints/", Op: "CreateAgentRuntimeEndpoint", H: s.idem("CreateAgentRuntimeEndpoint", s.createAgentRuntimeEndpoint)},
		{Method: "GET", Path: "/runtimes/{agentRuntimeId}/runtime-endpoints/{endpointName}/", Op: "GetAgentRuntimeEndpoint", H: s.getAgentRuntimeEndpoint},
		{Method: "PUT", Path: "/runtimes/{agentRuntimeId}/runtime-endpoints/{endpointName}/", Op: "UpdateAgentRuntimeEndpoint", H: s.idem("UpdateAgentRuntimeEndpoint", s.updateAgentRuntimeEndpoint)},
		{Method: "DELETE", Path: "/runtimes/{agentRuntimeId}/runtime-endpoints/{endpointName}/", Op: "DeleteAgentRuntimeEndpoint", H: s.idem("DeleteAgentRuntimeEndpoint", s.deleteAgentRuntimeEndpoint)},
		{Method: "POST", Path: "/runtimes/{agentRuntimeId}/runtime-endpoints/", Op: "ListAgentRuntimeEndpoints", H: s.listAgentRuntimeEndpoints},

		// bedrock-agentcore-control: Tagging
		{Method: "POST", Path: "/tags/{resourceArn}", Op: "TagResource", H: s.tagResource},
		{Method: "DELETE", Path: "/tags/{resourceArn}", Op: "UntagResource", H: s.untagResource},
		{Method: "GET", Path: "/tags/{resourceArn}", Op: "ListTagsForResource", H: s.listTagsForResource},

		// Gateway
		{Method: "POST", Path: "/gateways/", Op: "CreateGateway", H: s.idem("CreateGateway", s.createGateway)},
		{Method: "GET", Path: "/gateways/{gatewayIdentifier}/", Op: "GetGateway", H: s.getGateway},
		{Method: "PUT", Path: "/gateways/{gatewayIdentifier}/", Op: "UpdateGateway", H: s.updateGateway},
		{Method: "DELETE", Path: "/gateways/{gatewayIdentifier}/", Op: "DeleteGateway", H: s.deleteGateway},
		{Method: "GET", Path: "/gateways/", Op: "ListGateways", H: s.listGateways},
		{Method: "POST", Path: "/gateways/{gatewayIdentifier}/targets/", Op: "CreateGatewayTarget", H: s.idem("CreateGatewayTarget", s.createGatewayTarget)},
		{Method: "GET", Path: "/gateways/{gatewayIdentifier}/targets/{targetId}/", Op: "GetGatewayTarget", H: s.getGatewayTarget},
		{Method: "PUT", Path: "/gateways/{gatewayIdentifier}/targets/{targetId}/", Op: "UpdateGatewayTarget", H: s.updateGatewayTarget},
		{Method: "DELETE", Path: "/gateways/{gatewayIdentifier}/targets/{targetId}/", Op: "DeleteGatewayTarget", H: s.deleteGatewayTarget},
		{Method: "GET", Path: "/gateways/{gatewayIdentifier}/targets/", Op: "ListGatewayTargets", H: s.listGatewayTargets},
		{Method: "PUT", Path: "/gateways/{gatewayIdentifier}/synchronizeTargets", Op: "SynchronizeGatewayTargets", H: s.synchronizeGatewayTargets},
		// Gateway data plane (MCP streamable HTTP; not an AWS API operation)
		{Method: "POST", Path: "/gateways/{gatewayIdentifier}/mcp", Op: "GatewayMCP", H: s.gatewayMCP},
		{Method: "GET", Path: "/gateways/{gatewayIdentifier}/mcp", Op: "GatewayMCP", H: s.gatewayMCP},
		{Method: "DELETE", Path: "/gateways/{gatewayIdentifier}/mcp", Op: "GatewayMCP", H: s.gatewayMCP},
		{Method: "GET", Path: "/gateways/{gatewayIdentifier}/.well-known/oauth-protected-resource", Op: "GatewayProtectedResource", H: s.gatewayProtectedResource},

		// Policy
		{Method: "POST", Path: "/policy-engines", Op: "CreatePolicyEngine", H: s.idem("CreatePolicyEngine", s.createPolicyEngine)},
		{Method: "GET", Path: "/policy-engines/{policyEngineId}", Op: "GetPolicyEngine", H: s.getPolicyEngine},
		{Method: "PATCH", Path: "/policy-engines/{policyEngineId}", Op: "UpdatePolicyEngine", H: s.updatePolicyEngine},
		{Method: "DELETE", Path: "/policy-engines/{policyEngineId}", Op: "DeletePolicyEngine", H: s.deletePolicyEngine},
		{Method: "GET", Path: "/policy-engines", Op: "ListPolicyEngines", H: s.listPolicyEngines},
		{Method: "POST", Path: "/policy-engines/{policyEngineId}/policies", Op: "CreatePolicy", H: s.idem("CreatePolicy", s.createPolicy)},
		{Method: "GET", Path: "/policy-engines/{policyEngineId}/policies/{policyId}", Op: "GetPolicy", H: s.getPolicy},
		{Method: "PATCH", Path: "/policy-engines/{policyEngineId}/policies/{policyId}", Op: "UpdatePolicy", H: s.updatePolicy},
		{Method: "DELETE", Path: "/policy-engines/{policyEngineId}/policies/{policyId}", Op: "DeletePolicy", H: s.deletePolicy},
		{Method: "GET", Path: "/policy-engines/{policyEngineId}/policies", Op: "ListPolicies", H: s.listPolicies},
		{Method: "POST", Path: "/policy-engines/{policyEngineId}/policy-generations", Op: "StartPolicyGeneration", H: s.idem("StartPolicyGeneration", s.startPolicyGeneration)},
		{Method: "GET", Path: "/policy-engines/{policyEngineId}/policy-generations/{policyGenerationId}", Op: "GetPolicyGeneration", H: s.getPolicyGeneration},
		{Method: "GET", Path: "/policy-engines/{policyEngineId}/policy-generations", Op: "ListPolicyGenerations", H: s.listPolicyGenerations},
		{Method: "GET", Path: "/policy-engines/{policyEngineId}/policy-generations/{policyGenerationId}/assets", Op: "ListPolicyGenerationAssets", H: s.listPolicyGenerationAssets},
		{Method: "GET", Path: "/policy-engine-summaries/{policyEngineId}", Op: "GetPolicyEngineSummary", H: s.getPolicyEngineSummary},
		{Method: "GET", Path: "/policy-engine-summaries", Op: "ListPolicyEngineSummaries", H: s.listPolicyEngineSummaries},
		{Method: "GET", Path: "/policy-engines/{policyEngineId}/policy-summaries/{policyId}", Op: "GetPolicySummary", H: s.getPolicySummary},
		{Method: "GET", Path: "/policy-engines/{policyEngineId}/policy-summaries", Op: "ListPolicySummaries", H: s.listPolicySummaries},
		{Method: "GET", Path: "/policy-engines/{policyEngineId}/policy-generation-summaries/{policyGenerationId}", Op: "GetPolicyGenerationSummary", H: s.getPolicyGenerationSummary},
		{Method: "GET", Path: "/policy-engines/{policyEngineId}/policy-generation-summaries", Op: "ListPolicyGenerationSummaries", H: s.listPolicyGenerationSummaries},

		// bedrock-agentcore: Runtime
		{Method: "POST", Path: "/runtimes/{agentRuntimeArn}/invocations", Op: "InvokeAgentRuntime", H: s.invokeAgentRuntime},
		{Method: "POST", Path: "/runtimes/{agentRuntimeArn}/stopruntimesession", Op: "StopRuntimeSession", H: s.idem("StopRuntimeSession", s.stopRuntimeSession)},
	}
}
