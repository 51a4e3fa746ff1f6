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
		{Method: "POST", Path: "/runtimes/{agentRuntimeArn}/invocations", Op: "InvokeAgentRuntime", H: s.invokeAgentRuntime},
		{Method: "POST", Path: "/runtimes/{agentRuntimeArn}/stopruntimesession", Op: "StopRuntimeSession", H: s.idem("StopRuntimeSession", s.stopRuntimeSession)},

		// bedrock-agentcore: Runtime commands and WebSocket (runtime_command.go, runtime_ws.go)
		{Method: "POST", Path: "/runtimes/{agentRuntimeArn}/commands", Op: "InvokeAgentRuntimeCommand", H: s.invokeAgentRuntimeCommand},
		{Method: "GET", Path: "/runtimes/{agentRuntimeArn}/ws", Op: "InvokeAgentRuntimeWithWebSocketStream", H: s.invokeAgentRuntimeWebSocket},
	}
}
