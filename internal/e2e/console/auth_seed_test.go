package console

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// authSeeded is the data of the memory, gateway, policy and identity page
// tests, created through the AWS SDK in the test key's account.
type authSeeded struct {
	memory, record  string
	gateway, engine string
}

// startPetServer is the gateway target: a small OpenAPI service on
// loopback with one pet.
func startPetServer(t *testing.T) string {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pets", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode([]map[string]string{{"id": "7", "name": "Biscuit", "species": "dog"}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func petSpec(base string) string {
	return `{"openapi": "3.0.3", "info": {"title": "Pets", "version": "1.0.0"}, "servers": [{"url": "` + base + `"}],
  "paths": {"/pets": {"get": {"operationId": "listPets", "summary": "List the pets in the shelter",
    "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
    "responses": {"200": {"description": "pets"}}}}}}`
}

// authSeed creates a memory with an event and records, a gateway with an
// OpenAPI target on a local pet service, a policy engine with a policy,
// and an API key credential provider.
func authSeed(t *testing.T, e *testenv.Env) authSeeded {
	t.Helper()
	ctx := context.Background()
	var s authSeeded
	m, err := e.Control.CreateMemory(ctx, &ctl.CreateMemoryInput{Name: aws.String("console_memory"), EventExpiryDuration: aws.Int32(30),
		MemoryStrategies: []ctltypes.MemoryStrategyInput{&ctltypes.MemoryStrategyInputMemberSemanticMemoryStrategy{
			Value: ctltypes.SemanticMemoryStrategyInput{Name: aws.String("facts"), NamespaceTemplates: []string{"/facts/{actorId}/"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	s.memory = *m.Memory.Id
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		g, err := e.Control.GetMemory(ctx, &ctl.GetMemoryInput{MemoryId: m.Memory.Id})
		if err == nil && g.Memory.Status == ctltypes.MemoryStatusActive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("memory not active: %v", err)
		}
	}
	if _, err := e.Data.CreateEvent(ctx, &dp.CreateEventInput{MemoryId: m.Memory.Id, ActorId: aws.String("alice"), SessionId: aws.String("s-1"),
		EventTimestamp: aws.Time(time.Now()), Payload: []dptypes.PayloadType{&dptypes.PayloadTypeMemberConversational{
			Value: dptypes.Conversational{Role: dptypes.RoleUser, Content: &dptypes.ContentMemberText{Value: "I am allergic to peanuts"}}}}}); err != nil {
		t.Fatal(err)
	}
	s.record = "Alice is allergic to peanuts"
	var recs []dptypes.MemoryRecordCreateInput
	for i, text := range []string{s.record, "Alice lives in Lisbon", "Alice prefers window seats on flights"} {
		recs = append(recs, dptypes.MemoryRecordCreateInput{RequestIdentifier: aws.String(string(rune('a' + i))),
			Content: &dptypes.MemoryContentMemberText{Value: text}, Namespaces: []string{"/facts/alice/"}, Timestamp: aws.Time(time.Now())})
	}
	if _, err := e.Data.BatchCreateMemoryRecords(ctx, &dp.BatchCreateMemoryRecordsInput{MemoryId: m.Memory.Id, Records: recs}); err != nil {
		t.Fatal(err)
	}

	gw, err := e.Control.CreateGateway(ctx, &ctl.CreateGatewayInput{Name: aws.String("console-gateway"), RoleArn: aws.String(testenv.RoleArn),
		AuthorizerType: ctltypes.AuthorizerTypeNone, ProtocolType: ctltypes.GatewayProtocolTypeMcp})
	if err != nil {
		t.Fatal(err)
	}
	s.gateway = *gw.GatewayId
	if _, err := e.Control.CreateGatewayTarget(ctx, &ctl.CreateGatewayTargetInput{GatewayIdentifier: gw.GatewayId, Name: aws.String("shelter"),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberOpenApiSchema{
			Value: &ctltypes.ApiSchemaConfigurationMemberInlinePayload{Value: petSpec(startPetServer(t))}}}}); err != nil {
		t.Fatal(err)
	}

	pe, err := e.Control.CreatePolicyEngine(ctx, &ctl.CreatePolicyEngineInput{Name: aws.String("console_engine")})
	if err != nil {
		t.Fatal(err)
	}
	s.engine = *pe.PolicyEngineId
	if _, err := e.Control.CreatePolicy(ctx, &ctl.CreatePolicyInput{PolicyEngineId: pe.PolicyEngineId, Name: aws.String("allow_all"),
		Definition: &ctltypes.PolicyDefinitionMemberCedar{Value: ctltypes.CedarPolicy{Statement: aws.String("permit(principal, action, resource);")}}}); err != nil {
		t.Fatal(err)
	}
	// The gateway enforces the engine: its tool calls are decisions.
	if _, err := e.Control.UpdateGateway(ctx, &ctl.UpdateGatewayInput{GatewayIdentifier: gw.GatewayId, Name: aws.String("console-gateway"),
		RoleArn: aws.String(testenv.RoleArn), AuthorizerType: ctltypes.AuthorizerTypeNone, ProtocolType: ctltypes.GatewayProtocolTypeMcp,
		PolicyEngineConfiguration: &ctltypes.GatewayPolicyEngineConfiguration{Arn: pe.PolicyEngineArn, Mode: ctltypes.GatewayPolicyEngineModeEnforce}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Control.CreateApiKeyCredentialProvider(ctx, &ctl.CreateApiKeyCredentialProviderInput{Name: aws.String("shelter-key"),
		ApiKey: aws.String("shelter-api-key-K3Y")}); err != nil {
		t.Fatal(err)
	}
	return s
}
