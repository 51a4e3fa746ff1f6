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

		// bedrock-agentcore: Runtime
		{Method: "POST", Path: "/runtimes/{agentRuntimeArn}/invocations", Op: "InvokeAgentRuntime", H: s.jsonrpcErrors(s.invokeAgentRuntime)},
		{Method: "POST", Path: "/runtimes/{agentRuntimeArn}/stopruntimesession", Op: "StopRuntimeSession", H: s.idem("StopRuntimeSession", s.stopRuntimeSession)},

		// bedrock-agentcore: MCP streamable HTTP (GET listen stream, DELETE session) and A2A (runtime_mcp.go, runtime_a2a.go)
		{Method: "GET", Path: "/runtimes/{agentRuntimeArn}/invocations", Op: "InvokeAgentRuntime", H: s.jsonrpcErrors(s.invokeAgentRuntime)},
		{Method: "DELETE", Path: "/runtimes/{agentRuntimeArn}/invocations", Op: "InvokeAgentRuntime", H: s.jsonrpcErrors(s.invokeAgentRuntime)},
		{Method: "GET", Path: "/runtimes/{agentRuntimeArn}/invocations/.well-known/agent-card.json", Op: "GetAgentCard", H: s.getAgentCard},
	}
}
