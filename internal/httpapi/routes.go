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

		// Memory (bedrock-agentcore-control)
		{Method: "POST", Path: "/memories/create", Op: "CreateMemory", H: s.idem("CreateMemory", s.createMemory)},
		{Method: "GET", Path: "/memories/{memoryId}/details", Op: "GetMemory", H: s.getMemory},
		{Method: "PUT", Path: "/memories/{memoryId}/update", Op: "UpdateMemory", H: s.idem("UpdateMemory", s.updateMemory)},
		{Method: "DELETE", Path: "/memories/{memoryId}/delete", Op: "DeleteMemory", H: s.idem("DeleteMemory", s.deleteMemory)},
		{Method: "POST", Path: "/memories/", Op: "ListMemories", H: s.listMemories},
		// Memory (bedrock-agentcore)
		{Method: "POST", Path: "/memories/{memoryId}/events", Op: "CreateEvent", H: s.idem("CreateEvent", s.createEvent)},
		{Method: "GET", Path: "/memories/{memoryId}/actor/{actorId}/sessions/{sessionId}/events/{eventId}", Op: "GetEvent", H: s.getEvent},
		{Method: "DELETE", Path: "/memories/{memoryId}/actor/{actorId}/sessions/{sessionId}/events/{eventId}", Op: "DeleteEvent", H: s.deleteEvent},
		{Method: "POST", Path: "/memories/{memoryId}/actor/{actorId}/sessions/{sessionId}", Op: "ListEvents", H: s.listEvents},
		{Method: "POST", Path: "/memories/{memoryId}/actor/{actorId}/sessions", Op: "ListSessions", H: s.listSessions},
		{Method: "POST", Path: "/memories/{memoryId}/actors", Op: "ListActors", H: s.listActors},
		{Method: "POST", Path: "/memories/{memoryId}/retrieve", Op: "RetrieveMemoryRecords", H: s.retrieveMemoryRecords},
		{Method: "POST", Path: "/memories/{memoryId}/memoryRecords", Op: "ListMemoryRecords", H: s.listMemoryRecords},
		{Method: "GET", Path: "/memories/{memoryId}/memoryRecord/{memoryRecordId}", Op: "GetMemoryRecord", H: s.getMemoryRecord},
		{Method: "DELETE", Path: "/memories/{memoryId}/memoryRecords/{memoryRecordId}", Op: "DeleteMemoryRecord", H: s.deleteMemoryRecord},
		{Method: "POST", Path: "/memories/{memoryId}/memoryRecords/batchCreate", Op: "BatchCreateMemoryRecords", H: s.idem("BatchCreateMemoryRecords", s.batchCreateMemoryRecords)},
		{Method: "POST", Path: "/memories/{memoryId}/memoryRecords/batchUpdate", Op: "BatchUpdateMemoryRecords", H: s.batchUpdateMemoryRecords},
		{Method: "POST", Path: "/memories/{memoryId}/memoryRecords/batchDelete", Op: "BatchDeleteMemoryRecords", H: s.batchDeleteMemoryRecords},
		{Method: "POST", Path: "/memories/{memoryId}/extractionJobs", Op: "ListMemoryExtractionJobs", H: s.listMemoryExtractionJobs},
		{Method: "POST", Path: "/memories/{memoryId}/ingest", Op: "IngestData", H: s.idem("IngestData", s.ingestData)},
		{Method: "POST", Path: "/memories/{memoryId}/extractionJobs/start", Op: "StartMemoryExtractionJob", H: s.idem("StartMemoryExtractionJob", s.startMemoryExtractionJob)},
	}
}
