package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// The route table: one entry per operation, AWS or agentcore's own, grouped
// by the service that serves it. A service's routes are in the table only
// when the service is enabled; its paths then answer with its off error (an
// AWS error, as before routes were conditional) instead of the generic
// unknown-operation answer.

// serviceRoutes is one service's part of the table.
type serviceRoutes struct {
	on     bool    // the service is enabled
	off    error   // what its paths answer when it is not (nil: unknown operation)
	routes []route // built with the service's handlers
}

// services lists every service's routes.
func (s *Server) services() []serviceRoutes {
	c := s.cfg
	notEnabled := func(what string) error {
		return errs.E(errs.UnknownOperation, "the %s is not enabled on this server", what)
	}
	return []serviceRoutes{
		{on: c.Runtime != nil, off: notEnabled("Runtime service"), routes: s.runtimeRoutes()},
		{on: c.Runtime != nil && c.Sessions != nil, off: notEnabled("Runtime service"), routes: s.runtimeDataRoutes()},
		{on: c.Runtime != nil && c.RuntimeData != nil, off: notEnabled("Runtime service"), routes: s.runtimeRelayRoutes()},
		{on: c.Tags != nil, off: notEnabled("tagging service"), routes: s.tagRoutes()},
		{on: c.Gateway != nil, off: notEnabled("gateway service"), routes: s.gatewayRoutes()},
		{on: c.Gateway != nil && c.GatewayMCP != nil, off: notEnabled("gateway service"), routes: s.gatewayDataRoutes()},
		{on: c.Gateway != nil, off: notEnabled("gateway service"), routes: s.gatewayToolRoutes()}, // console_gateway.go
		{on: c.Policy != nil, off: notEnabled("policy service"), routes: s.policyRoutes()},
		{on: c.Memory != nil, off: notEnabled("Memory service"), routes: s.memoryRoutes()},
		{on: c.CodeInterpreter != nil, off: notEnabled("Code Interpreter service"), routes: s.codeInterpreterRoutes()},
		{on: c.Browser != nil, off: notEnabled("Browser service"), routes: s.browserRoutes()},
		{on: c.Evaluation != nil, off: notEnabled("Evaluations service"), routes: s.evaluationRoutes()},
		{on: c.OnlineEvaluation != nil, off: notEnabled("online evaluation service"), routes: s.onlineEvaluationRoutes()},
		{on: c.Datasets != nil, off: notEnabled("evaluation service"), routes: s.evaluationDatasetRoutes()},
		{on: c.Batches != nil, off: notEnabled("evaluation service"), routes: s.evaluationBatchRoutes()},
		{on: c.Identity != nil, off: errs.E(errs.Unavailable, "the Identity service is not enabled on this server"), routes: s.identityRoutes()},
		{on: c.Console != nil, off: errs.E(errs.NotFound, "the console is not enabled on this server (--console=false)"), routes: s.consoleSessionRoutes()}, // console_session.go
		{on: c.Sessions != nil, off: notEnabled("Runtime service"), routes: s.sessionRoutes()},
		{on: c.Artifacts != nil, off: notEnabled("artifact store"), routes: s.artifactRoutes()},
		{on: c.Observability != nil, off: errs.E(errs.UnknownOperation, "observability is not enabled on this server"), routes: s.observabilityRoutes()},
		{on: c.OTLP != nil, routes: s.otlpRoutes()},
		{on: c.Telemetry != nil, routes: s.metricsRoutes()},
		{on: c.Runtime != nil && c.OpenAI != nil, routes: s.openAIRoutes()},
		{on: c.Console != nil, off: errs.E(errs.NotFound, "the console is not enabled on this server (--console=false)"), routes: s.consoleRoutes()},
	}
}

// routes is the table of the enabled services; offRoutes answers the paths
// of the others with their off error.
func (s *Server) routes() (on, offRoutes []route) {
	for _, svc := range s.services() {
		switch {
		case svc.on:
			on = append(on, svc.routes...)
		case svc.off != nil:
			off := svc.off
			for _, r := range svc.routes {
				r.H = func(context.Context, http.ResponseWriter, *http.Request, params) error { return off }
				offRoutes = append(offRoutes, r)
			}
		}
	}
	return on, offRoutes
}

// Evaluations: evaluators (control plane) and Evaluate (data plane)
// (evaluation.go)
func (s *Server) evaluationRoutes() []route {
	return []route{
		{Method: "POST", Path: "/evaluators/create", Op: "CreateEvaluator", H: s.idem("CreateEvaluator", s.createEvaluator)},
		{Method: "GET", Path: "/evaluators/{evaluatorId}", Op: "GetEvaluator", H: s.getEvaluator},
		{Method: "PUT", Path: "/evaluators/{evaluatorId}", Op: "UpdateEvaluator", H: s.idem("UpdateEvaluator", s.updateEvaluator)},
		{Method: "DELETE", Path: "/evaluators/{evaluatorId}", Op: "DeleteEvaluator", H: s.deleteEvaluator},
		{Method: "POST", Path: "/evaluators", Op: "ListEvaluators", H: s.listEvaluators},
		{Method: "POST", Path: "/evaluations/evaluate/{evaluatorId}", Op: "Evaluate", H: s.evaluate},
	}
}

// bedrock-agentcore-control: Runtime
func (s *Server) runtimeRoutes() []route {
	return []route{
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
	}
}

// bedrock-agentcore: Runtime (invocations, sessions, commands, WebSocket,
// MCP/A2A on the invocation path: runtime_*.go)
func (s *Server) runtimeDataRoutes() []route {
	return []route{
		{Method: "POST", Path: "/runtimes/{agentRuntimeArn}/stopruntimesession", Op: "StopRuntimeSession", H: s.idem("StopRuntimeSession", s.stopRuntimeSession)},
		{Method: "POST", Path: "/runtimes/{agentRuntimeArn}/commands", Op: "InvokeAgentRuntimeCommand", H: s.invokeAgentRuntimeCommand},
	}
}

// bedrock-agentcore: Runtime data plane served by RuntimeData (the invoke
// relay with MCP and A2A, the WebSocket proxy).
func (s *Server) runtimeRelayRoutes() []route {
	return []route{
		{Method: "POST", Path: "/runtimes/{agentRuntimeArn}/invocations", Op: "InvokeAgentRuntime", H: s.invokeAgentRuntime, Auth: authInvoke},
		{Method: "GET", Path: "/runtimes/{agentRuntimeArn}/ws", Op: "InvokeAgentRuntimeWithWebSocketStream", H: s.invokeAgentRuntimeWebSocket, Auth: authInvoke},
		{Method: "GET", Path: "/runtimes/{agentRuntimeArn}/invocations/.well-known/oauth-protected-resource", Op: "GetRuntimeProtectedResourceMetadata", H: s.protectedResourceMetadata, Auth: authMetadata},
		{Method: "GET", Path: "/runtimes/{agentRuntimeArn}/invocations", Op: "InvokeAgentRuntime", H: s.invokeAgentRuntime, Auth: authInvoke},
		{Method: "DELETE", Path: "/runtimes/{agentRuntimeArn}/invocations", Op: "InvokeAgentRuntime", H: s.invokeAgentRuntime, Auth: authInvoke},
		{Method: "GET", Path: "/runtimes/{agentRuntimeArn}/invocations/.well-known/agent-card.json", Op: "GetAgentCard", H: s.getAgentCard},
	}
}

// bedrock-agentcore-control: Tagging
func (s *Server) tagRoutes() []route {
	return []route{
		{Method: "POST", Path: "/tags/{resourceArn}", Op: "TagResource", H: s.tagResource},
		{Method: "DELETE", Path: "/tags/{resourceArn}", Op: "UntagResource", H: s.untagResource},
		{Method: "GET", Path: "/tags/{resourceArn}", Op: "ListTagsForResource", H: s.listTagsForResource},
	}
}

// bedrock-agentcore-control: Gateway, and its documented extension
func (s *Server) gatewayRoutes() []route {
	return []route{
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
		{Method: "GET", Path: "/_agentcore/gateways/{gatewayId}/calls", Op: "ListGatewayCalls", H: s.listGatewayCalls, Auth: authLoopback},
	}
}

// Gateway data plane: each gateway's MCP server (Config.GatewayMCP; not an
// AWS API operation) and its RFC 9728 protected resource metadata.
func (s *Server) gatewayDataRoutes() []route {
	return []route{
		{Method: "POST", Path: "/gateways/{gatewayIdentifier}/mcp", Op: "GatewayMCP", H: s.gatewayMCP, Auth: authGateway},
		{Method: "GET", Path: "/gateways/{gatewayIdentifier}/mcp", Op: "GatewayMCP", H: s.gatewayMCP, Auth: authGateway},
		{Method: "DELETE", Path: "/gateways/{gatewayIdentifier}/mcp", Op: "GatewayMCP", H: s.gatewayMCP, Auth: authGateway},
		{Method: "GET", Path: "/gateways/{gatewayIdentifier}/.well-known/oauth-protected-resource", Op: "GatewayProtectedResource", H: s.gatewayProtectedResource, Auth: authGateway},
	}
}

// bedrock-agentcore-control: Policy
func (s *Server) policyRoutes() []route {
	return []route{
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
	}
}

// Memory (bedrock-agentcore-control and bedrock-agentcore)
func (s *Server) memoryRoutes() []route {
	return []route{
		{Method: "POST", Path: "/memories/create", Op: "CreateMemory", H: s.idem("CreateMemory", s.createMemory)},
		{Method: "GET", Path: "/memories/{memoryId}/details", Op: "GetMemory", H: s.getMemory},
		{Method: "PUT", Path: "/memories/{memoryId}/update", Op: "UpdateMemory", H: s.idem("UpdateMemory", s.updateMemory)},
		{Method: "DELETE", Path: "/memories/{memoryId}/delete", Op: "DeleteMemory", H: s.idem("DeleteMemory", s.deleteMemory)},
		{Method: "POST", Path: "/memories/", Op: "ListMemories", H: s.listMemories},
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
		{Method: "POST", Path: "/_agentcore/memories/{memoryId}/extractionJobs", Op: "ListAllExtractionJobs", H: s.listAllExtractionJobs, Auth: authLoopback},
		{Method: "POST", Path: "/_agentcore/memoryTopics/subscribe", Op: "SubscribeMemoryTopic", H: s.subscribeMemoryTopic, Auth: authLoopback},
		{Method: "POST", Path: "/_agentcore/memoryTopics/unsubscribe", Op: "UnsubscribeMemoryTopic", H: s.unsubscribeMemoryTopic, Auth: authLoopback},
		{Method: "POST", Path: "/_agentcore/memoryTopics/receive", Op: "ReceiveMemoryDeliveries", H: s.receiveMemoryDeliveries, Auth: authLoopback},
		{Method: "POST", Path: "/_agentcore/memoryTopics/delete", Op: "DeleteMemoryDelivery", H: s.deleteMemoryDelivery, Auth: authLoopback},
		{Method: "POST", Path: "/memories/{memoryId}/ingest", Op: "IngestData", H: s.idem("IngestData", s.ingestData)},
		{Method: "POST", Path: "/memories/{memoryId}/extractionJobs/start", Op: "StartMemoryExtractionJob", H: s.idem("StartMemoryExtractionJob", s.startMemoryExtractionJob)},
	}
}

// Code Interpreter (bedrock-agentcore-control and bedrock-agentcore;
// codeinterpreter.go, codeinterpreter_invoke.go)
func (s *Server) codeInterpreterRoutes() []route {
	return []route{
		{Method: "PUT", Path: "/code-interpreters", Op: "CreateCodeInterpreter", H: s.idem("CreateCodeInterpreter", s.createCodeInterpreter)},
		{Method: "GET", Path: "/code-interpreters/{codeInterpreterId}", Op: "GetCodeInterpreter", H: s.getCodeInterpreter},
		{Method: "DELETE", Path: "/code-interpreters/{codeInterpreterId}", Op: "DeleteCodeInterpreter", H: s.idem("DeleteCodeInterpreter", s.deleteCodeInterpreter)},
		{Method: "POST", Path: "/code-interpreters", Op: "ListCodeInterpreters", H: s.listCodeInterpreters},
		{Method: "PUT", Path: "/code-interpreters/{codeInterpreterIdentifier}/sessions/start", Op: "StartCodeInterpreterSession", H: s.idem("StartCodeInterpreterSession", s.startCodeInterpreterSession)},
		{Method: "GET", Path: "/code-interpreters/{codeInterpreterIdentifier}/sessions/get", Op: "GetCodeInterpreterSession", H: s.getCodeInterpreterSession},
		{Method: "POST", Path: "/code-interpreters/{codeInterpreterIdentifier}/sessions/list", Op: "ListCodeInterpreterSessions", H: s.listCodeInterpreterSessions},
		{Method: "PUT", Path: "/code-interpreters/{codeInterpreterIdentifier}/sessions/stop", Op: "StopCodeInterpreterSession", H: s.idem("StopCodeInterpreterSession", s.stopCodeInterpreterSession)},
		{Method: "POST", Path: "/code-interpreters/{codeInterpreterIdentifier}/tools/invoke", Op: "InvokeCodeInterpreter", H: s.invokeCodeInterpreter},
	}
}

// Browser (bedrock-agentcore-control and bedrock-agentcore; browser.go,
// browser_sessions.go) and its sessions' streams (browser_streams.go,
// served by the injected BrowserStreams)
func (s *Server) browserRoutes() []route {
	const sess, streams = "/browsers/{browserIdentifier}/sessions", "/browser-streams/{browserIdentifier}/sessions/{sessionId}"
	return []route{
		{Method: "PUT", Path: "/browsers", Op: "CreateBrowser", H: s.idem("CreateBrowser", s.createBrowser)},
		{Method: "GET", Path: "/browsers/{browserId}", Op: "GetBrowser", H: s.getBrowser},
		{Method: "DELETE", Path: "/browsers/{browserId}", Op: "DeleteBrowser", H: s.idem("DeleteBrowser", s.deleteBrowser)},
		{Method: "POST", Path: "/browsers", Op: "ListBrowsers", H: s.listBrowsers},
		{Method: "PUT", Path: "/browser-profiles", Op: "CreateBrowserProfile", H: s.idem("CreateBrowserProfile", s.createBrowserProfile)},
		{Method: "GET", Path: "/browser-profiles/{profileId}", Op: "GetBrowserProfile", H: s.getBrowserProfile},
		{Method: "DELETE", Path: "/browser-profiles/{profileId}", Op: "DeleteBrowserProfile", H: s.idem("DeleteBrowserProfile", s.deleteBrowserProfile)},
		{Method: "POST", Path: "/browser-profiles", Op: "ListBrowserProfiles", H: s.listBrowserProfiles},
		{Method: "PUT", Path: sess + "/start", Op: "StartBrowserSession", H: s.idem("StartBrowserSession", s.startBrowserSession)},
		{Method: "GET", Path: sess + "/get", Op: "GetBrowserSession", H: s.getBrowserSession},
		{Method: "POST", Path: sess + "/list", Op: "ListBrowserSessions", H: s.listBrowserSessions},
		{Method: "PUT", Path: sess + "/stop", Op: "StopBrowserSession", H: s.idem("StopBrowserSession", s.stopBrowserSession)},
		{Method: "PUT", Path: sess + "/streams/update", Op: "UpdateBrowserStream", H: s.idem("UpdateBrowserStream", s.updateBrowserStream)},
		{Method: "POST", Path: sess + "/invoke", Op: "InvokeBrowser", H: s.invokeBrowser},
		{Method: "PUT", Path: "/browser-profiles/{profileIdentifier}/save", Op: "SaveBrowserSessionProfile", H: s.idem("SaveBrowserSessionProfile", s.saveBrowserSessionProfile)},
		{Method: "GET", Path: streams + "/automation", Op: "BrowserAutomationStream", H: s.browserAutomation},
		{Method: "GET", Path: streams + "/live-view", Op: "BrowserLiveViewStream", H: s.browserLiveView, Auth: authStream},
		{Method: "GET", Path: streams + "/live-view/{rest+}", Op: "BrowserLiveViewStream", H: s.browserLiveView, Auth: authStream},
	}
}

// Identity (identity_control.go, identity_data.go)
func (s *Server) identityRoutes() []route {
	return []route{
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
		{Method: "GET", Path: "/identities/oauth2/callback", Op: "OAuth2Callback", H: s.oauth2Callback, Auth: authUnsigned},
	}
}

// OpenAI-compatible front door (openai_front.go): the handler answers the
// methods it does not serve in the OpenAI error format.
func (s *Server) openAIRoutes() []route {
	h := func(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
		s.cfg.OpenAI.Serve(ctx, w, r)
		return nil
	}
	return []route{
		{Method: anyMethod, Path: "/v1/models", Op: "ListModels", H: h, Auth: authOpenAI},
		{Method: anyMethod, Path: "/v1/models/{model+}", Op: "GetModel", H: h, Auth: authOpenAI},
		{Method: anyMethod, Path: "/v1/chat/completions", Op: "ChatCompletions", H: h, Auth: authOpenAI},
	}
}
