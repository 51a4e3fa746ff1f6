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
		// Identity (identity_control.go, identity_data.go)
		{Method: "POST", Path: "/identities/CreateWorkloadIdentity", Op: "CreateWorkloadIdentity", H: s.createWorkloadIdentity},
		{Method: "POST", Path: "/identities/GetWorkloadIdentity", Op: "GetWorkloadIdentity", H: s.getWorkloadIdentity},
		{Method: "POST", Path: "/identities/UpdateWorkloadIdentity", Op: "UpdateWorkloadIdentity", H: s.updateWorkloadIdentity},
		{Method: "POST", Path: "/identities/DeleteWorkloadIdentity", Op: "DeleteWorkloadIdentity", H: s.deleteWorkloadIdentity},
		{Method: "POST", Path: "/identities/ListWorkloadIdentities", Op: "ListWorkloadIdentities", H: s.listWorkloadIdentities},
		{Method: "POST", Path: "/identities/CreateOauth2CredentialProvider", Op: "CreateOauth2CredentialProvider", H: s.createOauth2CredentialProvider},
		{Method: "POST", Path: "/identities/GetOauth2CredentialProvider", Op: "GetOauth2CredentialProvider", H: s.getOauth2CredentialProvider},
		{Method: "POST", Path: "/identities/UpdateOauth2CredentialProvider", Op: "UpdateOauth2CredentialProvider", H: s.updateOauth2CredentialProvider},
		{Method: "POST", Path: "/identities/DeleteOauth2CredentialProvider", Op: "DeleteOauth2CredentialProvider", H: s.deleteOauth2CredentialProvider},
		{Method: "POST", Path: "/identities/ListOauth2CredentialProviders", Op: "ListOauth2CredentialProviders", H: s.listOauth2CredentialProviders},
		{Method: "POST", Path: "/identities/CreateApiKeyCredentialProvider", Op: "CreateApiKeyCredentialProvider", H: s.createApiKeyCredentialProvider},
		{Method: "POST", Path: "/identities/GetApiKeyCredentialProvider", Op: "GetApiKeyCredentialProvider", H: s.getApiKeyCredentialProvider},
		{Method: "POST", Path: "/identities/UpdateApiKeyCredentialProvider", Op: "UpdateApiKeyCredentialProvider", H: s.updateApiKeyCredentialProvider},
		{Method: "POST", Path: "/identities/DeleteApiKeyCredentialProvider", Op: "DeleteApiKeyCredentialProvider", H: s.deleteApiKeyCredentialProvider},
		{Method: "POST", Path: "/identities/ListApiKeyCredentialProviders", Op: "ListApiKeyCredentialProviders", H: s.listApiKeyCredentialProviders},
		{Method: "POST", Path: "/identities/get-token-vault", Op: "GetTokenVault", H: s.getTokenVault},
		{Method: "POST", Path: "/identities/set-token-vault-cmk", Op: "SetTokenVaultCMK", H: s.setTokenVaultCMK},
		{Method: "POST", Path: "/identities/reset-token-vault-key-material", Op: "ResetTokenVaultKeyMaterial", H: s.resetTokenVaultKeyMaterial},
		{Method: "POST", Path: "/identities/GetWorkloadAccessToken", Op: "GetWorkloadAccessToken", H: s.getWorkloadAccessToken},
		{Method: "POST", Path: "/identities/GetWorkloadAccessTokenForJWT", Op: "GetWorkloadAccessTokenForJWT", H: s.getWorkloadAccessTokenForJWT},
		{Method: "POST", Path: "/identities/GetWorkloadAccessTokenForUserId", Op: "GetWorkloadAccessTokenForUserId", H: s.getWorkloadAccessTokenForUserId},
		{Method: "POST", Path: "/identities/oauth2/token", Op: "GetResourceOauth2Token", H: s.getResourceOauth2Token},
		{Method: "POST", Path: "/identities/api-key", Op: "GetResourceApiKey", H: s.getResourceApiKey},
		{Method: "POST", Path: "/identities/CompleteResourceTokenAuth", Op: "CompleteResourceTokenAuth", H: s.completeResourceTokenAuth},
		{Method: "GET", Path: "/identities/oauth2/callback", Op: "OAuth2Callback", H: s.oauth2Callback},
		{Method: "GET", Path: "/runtimes/{agentRuntimeArn}/invocations/.well-known/oauth-protected-resource", Op: "GetRuntimeProtectedResourceMetadata", H: s.protectedResourceMetadata},
	}
}
