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
		// runtime commands and WebSocket
		"POST /runtimes/{agentRuntimeArn}/commands InvokeAgentRuntimeCommand",
		"GET /runtimes/{agentRuntimeArn}/ws InvokeAgentRuntimeWithWebSocketStream",
		// Memory
		"POST /memories/create CreateMemory",
		"GET /memories/{memoryId}/details GetMemory",
		"PUT /memories/{memoryId}/update UpdateMemory",
		"DELETE /memories/{memoryId}/delete DeleteMemory",
		"POST /memories/ ListMemories",
		"POST /memories/{memoryId}/events CreateEvent",
		"GET /memories/{memoryId}/actor/{actorId}/sessions/{sessionId}/events/{eventId} GetEvent",
		"DELETE /memories/{memoryId}/actor/{actorId}/sessions/{sessionId}/events/{eventId} DeleteEvent",
		"POST /memories/{memoryId}/actor/{actorId}/sessions/{sessionId} ListEvents",
		"POST /memories/{memoryId}/actor/{actorId}/sessions ListSessions",
		"POST /memories/{memoryId}/actors ListActors",
		"POST /memories/{memoryId}/retrieve RetrieveMemoryRecords",
		"POST /memories/{memoryId}/memoryRecords ListMemoryRecords",
		"GET /memories/{memoryId}/memoryRecord/{memoryRecordId} GetMemoryRecord",
		"DELETE /memories/{memoryId}/memoryRecords/{memoryRecordId} DeleteMemoryRecord",
		"POST /memories/{memoryId}/memoryRecords/batchCreate BatchCreateMemoryRecords",
		"POST /memories/{memoryId}/memoryRecords/batchUpdate BatchUpdateMemoryRecords",
		"POST /memories/{memoryId}/memoryRecords/batchDelete BatchDeleteMemoryRecords",
		"POST /memories/{memoryId}/extractionJobs ListMemoryExtractionJobs",
		"POST /memories/{memoryId}/extractionJobs/start StartMemoryExtractionJob",
		"POST /memories/{memoryId}/ingest IngestData",
		// Identity
		"POST /identities/CreateWorkloadIdentity CreateWorkloadIdentity",
		"POST /identities/GetWorkloadIdentity GetWorkloadIdentity",
		"POST /identities/UpdateWorkloadIdentity UpdateWorkloadIdentity",
		"POST /identities/DeleteWorkloadIdentity DeleteWorkloadIdentity",
		"POST /identities/ListWorkloadIdentities ListWorkloadIdentities",
		"POST /identities/CreateOauth2CredentialProvider CreateOauth2CredentialProvider",
		"POST /identities/GetOauth2CredentialProvider GetOauth2CredentialProvider",
		"POST /identities/UpdateOauth2CredentialProvider UpdateOauth2CredentialProvider",
		"POST /identities/DeleteOauth2CredentialProvider DeleteOauth2CredentialProvider",
		"POST /identities/ListOauth2CredentialProviders ListOauth2CredentialProviders",
		"POST /identities/CreateApiKeyCredentialProvider CreateApiKeyCredentialProvider",
		"POST /identities/GetApiKeyCredentialProvider GetApiKeyCredentialProvider",
		"POST /identities/UpdateApiKeyCredentialProvider UpdateApiKeyCredentialProvider",
		"POST /identities/DeleteApiKeyCredentialProvider DeleteApiKeyCredentialProvider",
		"POST /identities/ListApiKeyCredentialProviders ListApiKeyCredentialProviders",
		"POST /identities/get-token-vault GetTokenVault",
		"POST /identities/set-token-vault-cmk SetTokenVaultCMK",
		"POST /identities/reset-token-vault-key-material ResetTokenVaultKeyMaterial",
		"POST /identities/GetWorkloadAccessToken GetWorkloadAccessToken",
		"POST /identities/GetWorkloadAccessTokenForJWT GetWorkloadAccessTokenForJWT",
		"POST /identities/GetWorkloadAccessTokenForUserId GetWorkloadAccessTokenForUserId",
		"POST /identities/oauth2/token GetResourceOauth2Token",
		"POST /identities/api-key GetResourceApiKey",
		"POST /identities/CompleteResourceTokenAuth CompleteResourceTokenAuth",
		"GET /identities/oauth2/callback OAuth2Callback",
		"GET /runtimes/{agentRuntimeArn}/invocations/.well-known/oauth-protected-resource GetRuntimeProtectedResourceMetadata",
		"GET /runtimes/{agentRuntimeArn}/invocations InvokeAgentRuntime",
		"DELETE /runtimes/{agentRuntimeArn}/invocations InvokeAgentRuntime",
		"GET /runtimes/{agentRuntimeArn}/invocations/.well-known/agent-card.json GetAgentCard",
		"PUT /code-interpreters CreateCodeInterpreter",
		"GET /code-interpreters/{codeInterpreterId} GetCodeInterpreter",
		"DELETE /code-interpreters/{codeInterpreterId} DeleteCodeInterpreter",
		"POST /code-interpreters ListCodeInterpreters",
		"PUT /code-interpreters/{codeInterpreterIdentifier}/sessions/start StartCodeInterpreterSession",
		"GET /code-interpreters/{codeInterpreterIdentifier}/sessions/get GetCodeInterpreterSession",
		"POST /code-interpreters/{codeInterpreterIdentifier}/sessions/list ListCodeInterpreterSessions",
		"PUT /code-interpreters/{codeInterpreterIdentifier}/sessions/stop StopCodeInterpreterSession",
		"POST /code-interpreters/{codeInterpreterIdentifier}/tools/invoke InvokeCodeInterpreter",
		// Browser
		"PUT /browsers CreateBrowser",
		"GET /browsers/{browserId} GetBrowser",
		"DELETE /browsers/{browserId} DeleteBrowser",
		"POST /browsers ListBrowsers",
		"PUT /browser-profiles CreateBrowserProfile",
		"GET /browser-profiles/{profileId} GetBrowserProfile",
		"DELETE /browser-profiles/{profileId} DeleteBrowserProfile",
		"POST /browser-profiles ListBrowserProfiles",
		"PUT /browsers/{browserIdentifier}/sessions/start StartBrowserSession",
		"GET /browsers/{browserIdentifier}/sessions/get GetBrowserSession",
		"POST /browsers/{browserIdentifier}/sessions/list ListBrowserSessions",
		"PUT /browsers/{browserIdentifier}/sessions/stop StopBrowserSession",
		"PUT /browsers/{browserIdentifier}/sessions/streams/update UpdateBrowserStream",
		"POST /browsers/{browserIdentifier}/sessions/invoke InvokeBrowser",
		"PUT /browser-profiles/{profileIdentifier}/save SaveBrowserSessionProfile",
		"GET /browser-streams/{browserIdentifier}/sessions/{sessionId}/automation BrowserAutomationStream",
		"GET /browser-streams/{browserIdentifier}/sessions/{sessionId}/live-view BrowserLiveViewStream",
		"GET /browser-streams/{browserIdentifier}/sessions/{sessionId}/live-view/{rest+} BrowserLiveViewStream",
		// agentcore's own endpoints
		"GET /_agentcore/gateways/{gatewayId}/calls ListGatewayCalls",
		"POST /_agentcore/memories/{memoryId}/extractionJobs ListAllExtractionJobs",
		"POST /_agentcore/memoryTopics/subscribe SubscribeMemoryTopic",
		"POST /_agentcore/memoryTopics/unsubscribe UnsubscribeMemoryTopic",
		"POST /_agentcore/memoryTopics/receive ReceiveMemoryDeliveries",
		"POST /_agentcore/memoryTopics/delete DeleteMemoryDelivery",
		"GET /_agentcore/health GetHealth",
		"GET /_agentcore/sessions ListRunningSessions",
		"PUT /_agentcore/artifacts/{bucket}/{key+} PutArtifact",
		"GET /_agentcore/artifacts/{bucket}/{key+} GetArtifact",
		"GET /_agentcore/observability/sessions ListObservedSessions",
		"GET /_agentcore/observability/sessions/{sessionId} GetObservedSession",
		"GET /_agentcore/observability/traces/{traceId} GetTrace",
		"GET /_agentcore/observability/spans ListSpans",
		"GET /_agentcore/observability/logs ListLogs",
		"GET /_agentcore/observability/stats GetObservabilityStats",
		"GET /_agentcore/observability/series GetObservabilitySeries",
		"* /v1/traces ExportTraces",
		"* /v1/logs ExportLogs",
		"* /v1/metrics ExportMetrics",
		"GET /metrics GetMetrics",
		"HEAD /metrics GetMetrics",
		"* /v1/models ListModels",
		"* /v1/models/{model+} GetModel",
		"* /v1/chat/completions ChatCompletions",
		"POST /evaluators/create CreateEvaluator",
		"GET /evaluators/{evaluatorId} GetEvaluator",
		"PUT /evaluators/{evaluatorId} UpdateEvaluator",
		"DELETE /evaluators/{evaluatorId} DeleteEvaluator",
		"POST /evaluators ListEvaluators",
		"POST /evaluations/evaluate/{evaluatorId} Evaluate",
		"POST /online-evaluation-configs/create CreateOnlineEvaluationConfig",
		"GET /online-evaluation-configs/{onlineEvaluationConfigId} GetOnlineEvaluationConfig",
		"PUT /online-evaluation-configs/{onlineEvaluationConfigId} UpdateOnlineEvaluationConfig",
		"DELETE /online-evaluation-configs/{onlineEvaluationConfigId} DeleteOnlineEvaluationConfig",
		"POST /online-evaluation-configs ListOnlineEvaluationConfigs",
		"GET /_agentcore/evaluations ListSessionEvaluations",
		"GET /_agentcore/evaluations/session-documents GetSessionDocuments",
		"POST /datasets CreateDataset",
		"GET /datasets/{datasetId} GetDataset",
		"PUT /datasets/{datasetId} UpdateDataset",
		"DELETE /datasets/{datasetId} DeleteDataset",
		"GET /datasets ListDatasets",
		"POST /datasets/list ListDatasets",
		"POST /datasets/{datasetId}/versions CreateDatasetVersion",
		"GET /datasets/{datasetId}/versions ListDatasetVersions",
		"POST /datasets/{datasetId}/versions/list ListDatasetVersions",
		"POST /datasets/{datasetId}/examples/add AddDatasetExamples",
		"POST /datasets/{datasetId}/examples/update UpdateDatasetExamples",
		"POST /datasets/{datasetId}/examples/delete DeleteDatasetExamples",
		"GET /datasets/{datasetId}/examples ListDatasetExamples",
		"POST /datasets/{datasetId}/examples/list ListDatasetExamples",
		"POST /evaluations/batch-evaluate StartBatchEvaluation",
		"GET /evaluations/batch-evaluate/{batchEvaluationId} GetBatchEvaluation",
		"GET /evaluations/batch-evaluate ListBatchEvaluations",
		"POST /evaluations/batch-evaluate/{batchEvaluationId}/stop StopBatchEvaluation",
		"DELETE /evaluations/batch-evaluate/{batchEvaluationId} DeleteBatchEvaluation",
		"GET /_agentcore/batch-evaluations/{batchEvaluationId}/results ListBatchEvaluationResults",
		// the web console (console.go)
		"GET /console ConsolePage",
		"GET /console/ ConsolePage",
		"GET /console/{page+} ConsolePage",
		// console sign-in (console_session.go) and the gateway tools it calls (console_gateway.go)
		"GET /console/api/session GetConsoleSession",
		"POST /console/api/session ConsoleSignIn",
		"DELETE /console/api/session ConsoleSignOut",
		"GET /_agentcore/gateways/{gatewayId}/tools ListGatewayTools",
		"POST /_agentcore/gateways/{gatewayId}/calls CallGatewayTool",
	}
	s := New(Config{})
	var all []route
	for _, svc := range s.services() {
		all = append(all, svc.routes...)
	}
	got := newRouter(all).Ops() // one table: no two services' routes collide
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

func TestRouterGreedyAndAnyMethod(t *testing.T) {
	rt := newRouter([]route{
		{Method: "PUT", Path: "/a/{bucket}/{key+}", Op: "Put"},
		{Method: "PUT", Path: "/a/{bucket}/exact", Op: "Exact"},
		{Method: anyMethod, Path: "/v1/x", Op: "Any"},
	})
	r, p, _ := rt.match("PUT", "/a/b/dir/sub%2Fname.zip")
	if r == nil || r.Op != "Put" || p["bucket"] != "b" || p["key"] != "dir/sub/name.zip" {
		t.Fatalf("greedy: %v %v", r, p)
	}
	if r, _, _ := rt.match("PUT", "/a/b/exact"); r == nil || r.Op != "Exact" {
		t.Fatalf("an exact route wins over a greedy one: %v", r)
	}
	if r, _, _ := rt.match("PUT", "/a/b/"); r != nil {
		t.Fatal("a greedy label is not empty")
	}
	if r, _, pathOnly := rt.match("GET", "/a/b/k"); r != nil || !pathOnly {
		t.Fatal("greedy route: method mismatch must be reported")
	}
	for _, m := range []string{"GET", "POST", "DELETE"} {
		if r, _, _ := rt.match(m, "/v1/x"); r == nil || r.Op != "Any" {
			t.Fatalf("%s /v1/x: %v", m, r)
		}
	}
	for _, bad := range [][]route{
		{{Method: "GET", Path: "/a/{k+}/b", Op: "NotLast"}},
		{{Method: "GET", Path: "/v1/x", Op: "A"}, {Method: anyMethod, Path: "/v1/x", Op: "B"}},
		{{Method: anyMethod, Path: "/v1/x", Op: "A"}, {Method: "POST", Path: "/v1/x", Op: "B"}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%v must panic", bad)
				}
			}()
			newRouter(bad)
		}()
	}
}

// TestRouteAuthKinds: every route declares how its callers authenticate;
// only the documented exceptions are not SigV4 (auth.go).
func TestRouteAuthKinds(t *testing.T) {
	want := map[string]authKind{
		"InvokeAgentRuntime": authInvoke, "InvokeAgentRuntimeWithWebSocketStream": authInvoke,
		"GetRuntimeProtectedResourceMetadata": authMetadata,
		"GatewayMCP":                          authGateway, "GatewayProtectedResource": authGateway,
		"OAuth2Callback": authUnsigned, "GetHealth": authUnsigned,
		"ListModels": authOpenAI, "GetModel": authOpenAI, "ChatCompletions": authOpenAI,
		"BrowserLiveViewStream": authStream,
		"ConsolePage":           authUnsigned,
		"GetConsoleSession":     authUnsigned, "ConsoleSignIn": authUnsigned, "ConsoleSignOut": authUnsigned,
	}
	s := &Server{}
	for _, svc := range s.services() {
		for _, r := range svc.routes {
			k, ok := want[r.Op]
			switch {
			case ok:
			case strings.HasPrefix(r.Path, "/_agentcore/"), strings.HasPrefix(r.Path, "/v1/"), r.Path == "/metrics":
				k = authLoopback // agentcore's own endpoints: unsigned from loopback peers
			default:
				k = authSigV4
			}
			if r.Auth != k {
				t.Errorf("%s %s (%s): auth kind %d, want %d", r.Method, r.Path, r.Op, r.Auth, k)
			}
		}
	}
}
