package httpapi_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/aws/smithy-go"
)

var bg = context.Background()

// must fails the test on err.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantCode fails the test unless err is the AWS error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("error %v, want %s", err, code)
	}
}

// TestGoldenWire pins the wire form of one operation of each shape (create,
// get, list with pagination, update, delete, validation and not-found
// errors) for every service the typed adapter serves.
func TestGoldenWire(t *testing.T) {
	g := newGolden(t)
	t.Run("Runtime", func(t *testing.T) { goldenRuntime(t, g) })
	t.Run("Gateway", func(t *testing.T) { goldenGateway(t, g) })
	t.Run("Policy", func(t *testing.T) { goldenPolicy(t, g) })
	t.Run("Memory", func(t *testing.T) { goldenMemory(t, g) })
	t.Run("Identity", func(t *testing.T) { goldenIdentity(t, g) })
}

func goldenRuntime(t *testing.T, g *golden) {
	g.t = t
	c := g.Control
	loc := g.e.TestAgentZip(t)
	g.name(*loc.Prefix, "<zip>")
	var id string
	var created *ctl.CreateAgentRuntimeOutput
	g.check("Runtime", "CreateAgentRuntime", "ok", func() error {
		var err error
		created, err = c.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{
			AgentRuntimeName:     aws.String("golden_agent"),
			AgentRuntimeArtifact: testenv.CodeArtifact(loc, ctltypes.AgentManagedRuntimeTypePython312, "bootstrap"),
			RoleArn:              aws.String(testenv.RoleArn),
			NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
			Description:          aws.String("golden"),
			EnvironmentVariables: map[string]string{"MODE": "one"},
			Tags:                 map[string]string{"team": "core"},
		})
		must(t, "CreateAgentRuntime", err)
		id = *created.AgentRuntimeId
		g.name(id, "<runtimeId>")
		g.name(*created.WorkloadIdentityDetails.WorkloadIdentityArn, "<workloadArn>")
		return err
	})
	g.e.WaitReady(t, id, 3*time.Minute)
	g.check("Runtime", "GetAgentRuntime", "ok", func() error {
		_, err := c.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: &id})
		must(t, "GetAgentRuntime", err)
		return nil
	})
	g.check("Runtime", "GetAgentRuntime", "not_found", func() error {
		_, err := c.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String("nope-0123456789")})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("Runtime", "UpdateAgentRuntime", "ok", func() error {
		_, err := c.UpdateAgentRuntime(bg, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: &id,
			AgentRuntimeArtifact: testenv.CodeArtifact(loc, ctltypes.AgentManagedRuntimeTypePython312, "bootstrap"),
			RoleArn:              aws.String(testenv.RoleArn),
			NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
		})
		must(t, "UpdateAgentRuntime", err)
		return nil
	})
	g.e.WaitReady(t, id, 3*time.Minute)
	g.check("Runtime", "ListAgentRuntimeVersions", "page1", func() error {
		out, err := c.ListAgentRuntimeVersions(bg, &ctl.ListAgentRuntimeVersionsInput{AgentRuntimeId: &id, MaxResults: aws.Int32(1)})
		must(t, "ListAgentRuntimeVersions", err)
		if out.NextToken == nil {
			t.Fatal("no nextToken with two versions and maxResults 1")
		}
		g.name(*out.NextToken, "<nextToken>")
		return nil
	})
	g.check("Runtime", "ListAgentRuntimes", "ok", func() error {
		_, err := c.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{})
		must(t, "ListAgentRuntimes", err)
		return nil
	})
	g.check("Runtime", "ListAgentRuntimes", "bad_max_results", func() error {
		_, err := c.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{MaxResults: aws.Int32(1000)})
		wantCode(t, err, "ValidationException")
		return nil
	})
	arn := *created.AgentRuntimeArn
	session := "golden-session-0123456789-0123456789-0123456789"
	invoke := func(payload string) (*dp.InvokeAgentRuntimeOutput, error) {
		out, err := g.Data.InvokeAgentRuntime(bg, &dp.InvokeAgentRuntimeInput{AgentRuntimeArn: &arn, RuntimeSessionId: &session,
			Payload: []byte(payload), ContentType: aws.String("application/json")})
		if err == nil {
			_, err = io.ReadAll(out.Response)
			out.Response.Close()
		}
		return out, err
	}
	// Streaming and plain answers of the data plane (served by the runtime
	// side, pinned here so the edge keeps them).
	g.check("Runtime", "InvokeAgentRuntime", "json", func() error {
		_, err := invoke(`{"action":"sleep","ms":1}`)
		must(t, "InvokeAgentRuntime", err)
		return nil
	})
	g.scrubbing(`\\?"t\\?":\d+`, `"t":"<nanos>"`)
	g.check("Runtime", "InvokeAgentRuntime", "stream", func() error {
		_, err := invoke(`{"action":"stream","n":3,"delayMs":0}`)
		must(t, "InvokeAgentRuntime stream", err)
		return nil
	})
	g.check("Runtime", "InvokeAgentRuntime", "agent_error", func() error {
		_, err := invoke(`{"action":"error","status":400}`)
		if err == nil {
			t.Fatal("agent error answered as success")
		}
		return nil
	})
	g.check("Runtime", "StopRuntimeSession", "ok", func() error {
		_, err := g.Data.StopRuntimeSession(bg, &dp.StopRuntimeSessionInput{AgentRuntimeArn: &arn, RuntimeSessionId: &session})
		must(t, "StopRuntimeSession", err)
		return nil
	})
	g.check("Runtime", "CreateAgentRuntimeEndpoint", "ok", func() error {
		out, err := c.CreateAgentRuntimeEndpoint(bg, &ctl.CreateAgentRuntimeEndpointInput{AgentRuntimeId: &id, Name: aws.String("prod"),
			AgentRuntimeVersion: aws.String("1"), Description: aws.String("pinned"), Tags: map[string]string{"env": "prod"}})
		must(t, "CreateAgentRuntimeEndpoint", err)
		g.name(*out.AgentRuntimeEndpointArn, "<endpointArn>")
		return nil
	})
	g.check("Runtime", "GetAgentRuntimeEndpoint", "ok", func() error {
		out, err := c.GetAgentRuntimeEndpoint(bg, &ctl.GetAgentRuntimeEndpointInput{AgentRuntimeId: &id, EndpointName: aws.String("prod")})
		must(t, "GetAgentRuntimeEndpoint", err)
		g.name(*out.Id, "<endpointId>")
		return nil
	})
	g.check("Runtime", "UpdateAgentRuntimeEndpoint", "ok", func() error {
		_, err := c.UpdateAgentRuntimeEndpoint(bg, &ctl.UpdateAgentRuntimeEndpointInput{AgentRuntimeId: &id, EndpointName: aws.String("prod"),
			AgentRuntimeVersion: aws.String("2")})
		must(t, "UpdateAgentRuntimeEndpoint", err)
		return nil
	})
	g.check("Runtime", "ListAgentRuntimeEndpoints", "ok", func() error {
		_, err := c.ListAgentRuntimeEndpoints(bg, &ctl.ListAgentRuntimeEndpointsInput{AgentRuntimeId: &id})
		must(t, "ListAgentRuntimeEndpoints", err)
		return nil
	})
	g.check("Tagging", "TagResource", "ok", func() error {
		_, err := c.TagResource(bg, &ctl.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"owner": "me"}})
		must(t, "TagResource", err)
		return nil
	})
	g.check("Tagging", "UntagResource", "ok", func() error {
		_, err := c.UntagResource(bg, &ctl.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"team"}})
		must(t, "UntagResource", err)
		return nil
	})
	g.check("Tagging", "ListTagsForResource", "ok", func() error {
		_, err := c.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: &arn})
		must(t, "ListTagsForResource", err)
		return nil
	})
	g.check("Runtime", "DeleteAgentRuntimeEndpoint", "ok", func() error {
		_, err := c.DeleteAgentRuntimeEndpoint(bg, &ctl.DeleteAgentRuntimeEndpointInput{AgentRuntimeId: &id, EndpointName: aws.String("prod")})
		must(t, "DeleteAgentRuntimeEndpoint", err)
		return nil
	})
	g.check("Runtime", "DeleteAgentRuntime", "ok", func() error {
		_, err := c.DeleteAgentRuntime(bg, &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: &id})
		must(t, "DeleteAgentRuntime", err)
		return nil
	})
}

const goldenSpec = `{"openapi":"3.0.0","info":{"title":"pets","version":"1"},"servers":[{"url":"http://127.0.0.1:9"}],
"paths":{"/pets":{"get":{"operationId":"listPets","responses":{"200":{"description":"ok"}}}}}}`

func goldenGateway(t *testing.T, g *golden) {
	g.t = t
	c := g.Control
	var gw *ctl.CreateGatewayOutput
	g.check("Gateway", "CreateGateway", "ok", func() error {
		var err error
		gw, err = c.CreateGateway(bg, &ctl.CreateGatewayInput{Name: aws.String("golden-gw"), RoleArn: aws.String(testenv.RoleArn),
			AuthorizerType: ctltypes.AuthorizerTypeNone, ProtocolType: ctltypes.GatewayProtocolTypeMcp, Description: aws.String("d"),
			Tags: map[string]string{"team": "gw"}})
		must(t, "CreateGateway", err)
		g.name(*gw.GatewayId, "<gatewayId>")
		g.name(*gw.WorkloadIdentityDetails.WorkloadIdentityArn, "<gatewayWorkloadArn>")
		return nil
	})
	g.check("Gateway", "GetGateway", "ok", func() error {
		_, err := c.GetGateway(bg, &ctl.GetGatewayInput{GatewayIdentifier: gw.GatewayId})
		must(t, "GetGateway", err)
		return nil
	})
	g.check("Gateway", "GetGateway", "not_found", func() error {
		_, err := c.GetGateway(bg, &ctl.GetGatewayInput{GatewayIdentifier: aws.String("nope-0123456789")})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("Gateway", "UpdateGateway", "ok", func() error {
		_, err := c.UpdateGateway(bg, &ctl.UpdateGatewayInput{GatewayIdentifier: gw.GatewayId, Name: aws.String("golden-gw"),
			RoleArn: aws.String(testenv.RoleArn), AuthorizerType: ctltypes.AuthorizerTypeNone, ProtocolType: ctltypes.GatewayProtocolTypeMcp,
			Description: aws.String("d2")})
		must(t, "UpdateGateway", err)
		return nil
	})
	var tid string
	g.check("Gateway", "CreateGatewayTarget", "ok", func() error {
		out, err := c.CreateGatewayTarget(bg, &ctl.CreateGatewayTargetInput{GatewayIdentifier: gw.GatewayId, Name: aws.String("pets"),
			TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberOpenApiSchema{
				Value: &ctltypes.ApiSchemaConfigurationMemberInlinePayload{Value: goldenSpec}}}})
		must(t, "CreateGatewayTarget", err)
		tid = *out.TargetId
		g.name(tid, "<targetId>")
		return nil
	})
	g.check("Gateway", "GetGatewayTarget", "ok", func() error {
		_, err := c.GetGatewayTarget(bg, &ctl.GetGatewayTargetInput{GatewayIdentifier: gw.GatewayId, TargetId: &tid})
		must(t, "GetGatewayTarget", err)
		return nil
	})
	g.check("Gateway", "ListGatewayTargets", "ok", func() error {
		_, err := c.ListGatewayTargets(bg, &ctl.ListGatewayTargetsInput{GatewayIdentifier: gw.GatewayId})
		must(t, "ListGatewayTargets", err)
		return nil
	})
	g.check("Gateway", "ListGateways", "bad_max_results", func() error {
		_, err := c.ListGateways(bg, &ctl.ListGatewaysInput{MaxResults: aws.Int32(5000)})
		wantCode(t, err, "ValidationException")
		return nil
	})
	g.check("Gateway", "ListGateways", "ok", func() error {
		_, err := c.ListGateways(bg, &ctl.ListGatewaysInput{})
		must(t, "ListGateways", err)
		return nil
	})
	g.check("Gateway", "DeleteGatewayTarget", "ok", func() error {
		_, err := c.DeleteGatewayTarget(bg, &ctl.DeleteGatewayTargetInput{GatewayIdentifier: gw.GatewayId, TargetId: &tid})
		must(t, "DeleteGatewayTarget", err)
		return nil
	})
	g.check("Gateway", "DeleteGateway", "ok", func() error {
		_, err := c.DeleteGateway(bg, &ctl.DeleteGatewayInput{GatewayIdentifier: gw.GatewayId})
		must(t, "DeleteGateway", err)
		return nil
	})
}

func goldenPolicy(t *testing.T, g *golden) {
	g.t = t
	c := g.Control
	var eng *ctl.CreatePolicyEngineOutput
	g.check("Policy", "CreatePolicyEngine", "ok", func() error {
		var err error
		eng, err = c.CreatePolicyEngine(bg, &ctl.CreatePolicyEngineInput{Name: aws.String("golden_engine"), Description: aws.String("d")})
		must(t, "CreatePolicyEngine", err)
		g.name(*eng.PolicyEngineId, "<engineId>")
		return nil
	})
	for _, name := range []string{"golden_engine_b", "golden_engine_c"} {
		out, err := c.CreatePolicyEngine(bg, &ctl.CreatePolicyEngineInput{Name: aws.String(name)})
		must(t, "CreatePolicyEngine", err)
		g.name(*out.PolicyEngineId, "<engineId_"+name[len(name)-1:]+">")
	}
	g.check("Policy", "GetPolicyEngine", "ok", func() error {
		_, err := c.GetPolicyEngine(bg, &ctl.GetPolicyEngineInput{PolicyEngineId: eng.PolicyEngineId})
		must(t, "GetPolicyEngine", err)
		return nil
	})
	g.check("Policy", "UpdatePolicyEngine", "ok", func() error {
		_, err := c.UpdatePolicyEngine(bg, &ctl.UpdatePolicyEngineInput{PolicyEngineId: eng.PolicyEngineId,
			Description: &ctltypes.UpdatedDescription{OptionalValue: aws.String("v2")}})
		must(t, "UpdatePolicyEngine", err)
		return nil
	})
	var next string
	g.check("Policy", "ListPolicyEngines", "page1", func() error {
		out, err := c.ListPolicyEngines(bg, &ctl.ListPolicyEnginesInput{MaxResults: aws.Int32(2)})
		must(t, "ListPolicyEngines", err)
		if out.NextToken == nil {
			t.Fatal("no nextToken")
		}
		next = *out.NextToken
		g.name(next, "<nextToken>")
		return nil
	})
	g.check("Policy", "ListPolicyEngines", "page2", func() error {
		_, err := c.ListPolicyEngines(bg, &ctl.ListPolicyEnginesInput{MaxResults: aws.Int32(2), NextToken: &next})
		must(t, "ListPolicyEngines", err)
		return nil
	})
	var pid string
	g.check("Policy", "CreatePolicy", "ok", func() error {
		out, err := c.CreatePolicy(bg, &ctl.CreatePolicyInput{PolicyEngineId: eng.PolicyEngineId, Name: aws.String("allow_all"),
			Definition: &ctltypes.PolicyDefinitionMemberCedar{Value: ctltypes.CedarPolicy{Statement: aws.String(`permit(principal, action, resource);`)}}})
		must(t, "CreatePolicy", err)
		pid = *out.PolicyId
		g.name(pid, "<policyId>")
		return nil
	})
	g.check("Policy", "GetPolicy", "ok", func() error {
		_, err := c.GetPolicy(bg, &ctl.GetPolicyInput{PolicyEngineId: eng.PolicyEngineId, PolicyId: &pid})
		must(t, "GetPolicy", err)
		return nil
	})
	g.check("Policy", "GetPolicy", "not_found", func() error {
		_, err := c.GetPolicy(bg, &ctl.GetPolicyInput{PolicyEngineId: eng.PolicyEngineId, PolicyId: aws.String("nope-0123456789")})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("Policy", "ListPolicies", "ok", func() error {
		_, err := c.ListPolicies(bg, &ctl.ListPoliciesInput{PolicyEngineId: eng.PolicyEngineId})
		must(t, "ListPolicies", err)
		return nil
	})
	g.check("Policy", "DeletePolicy", "ok", func() error {
		_, err := c.DeletePolicy(bg, &ctl.DeletePolicyInput{PolicyEngineId: eng.PolicyEngineId, PolicyId: &pid})
		must(t, "DeletePolicy", err)
		return nil
	})
}

func goldenMemory(t *testing.T, g *golden) {
	g.t = t
	c, d := g.Control, g.Data
	var mem *ctltypes.Memory
	g.check("Memory", "CreateMemory", "ok", func() error {
		out, err := c.CreateMemory(bg, &ctl.CreateMemoryInput{Name: aws.String("golden_mem"), Description: aws.String("d"),
			EventExpiryDuration: aws.Int32(7), Tags: map[string]string{"team": "mem"},
			MemoryStrategies: []ctltypes.MemoryStrategyInput{&ctltypes.MemoryStrategyInputMemberSemanticMemoryStrategy{
				Value: ctltypes.SemanticMemoryStrategyInput{Name: aws.String("facts"), NamespaceTemplates: []string{"/facts/{actorId}/"}}}}})
		must(t, "CreateMemory", err)
		mem = out.Memory
		g.name(*mem.Id, "<memoryId>")
		g.name(*mem.Strategies[0].StrategyId, "<strategyId>")
		return nil
	})
	for {
		out, err := g.e.Control.GetMemory(bg, &ctl.GetMemoryInput{MemoryId: mem.Id})
		must(t, "GetMemory", err)
		if out.Memory.Status == ctltypes.MemoryStatusActive {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	g.check("Memory", "GetMemory", "ok", func() error {
		_, err := c.GetMemory(bg, &ctl.GetMemoryInput{MemoryId: mem.Id})
		must(t, "GetMemory", err)
		return nil
	})
	g.check("Memory", "GetMemory", "not_found", func() error {
		_, err := c.GetMemory(bg, &ctl.GetMemoryInput{MemoryId: aws.String("nope-0123456789")})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("Memory", "UpdateMemory", "ok", func() error {
		_, err := c.UpdateMemory(bg, &ctl.UpdateMemoryInput{MemoryId: mem.Id, Description: aws.String("d2")})
		must(t, "UpdateMemory", err)
		return nil
	})
	g.check("Memory", "ListMemories", "ok", func() error {
		_, err := c.ListMemories(bg, &ctl.ListMemoriesInput{})
		must(t, "ListMemories", err)
		return nil
	})
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	text := func(role dptypes.Role, s string) dptypes.PayloadType {
		return &dptypes.PayloadTypeMemberConversational{Value: dptypes.Conversational{Role: role, Content: &dptypes.ContentMemberText{Value: s}}}
	}
	var events []string
	for i, s := range []string{"first", "second", "third"} {
		kase := "ok"
		if i > 0 {
			kase = "ok_" + s
		}
		g.check("Memory", "CreateEvent", kase, func() error {
			out, err := d.CreateEvent(bg, &dp.CreateEventInput{MemoryId: mem.Id, ActorId: aws.String("alice"), SessionId: aws.String("s1"),
				EventTimestamp: aws.Time(base.Add(time.Duration(i) * time.Second)), Payload: []dptypes.PayloadType{text(dptypes.RoleUser, s)},
				Metadata: map[string]dptypes.MetadataValue{"kind": &dptypes.MetadataValueMemberStringValue{Value: "chat"}}})
			must(t, "CreateEvent", err)
			events = append(events, *out.Event.EventId)
			g.name(*out.Event.EventId, "<event_"+s+">")
			return nil
		})
	}
	g.check("Memory", "GetEvent", "ok", func() error {
		_, err := d.GetEvent(bg, &dp.GetEventInput{MemoryId: mem.Id, ActorId: aws.String("alice"), SessionId: aws.String("s1"), EventId: &events[1]})
		must(t, "GetEvent", err)
		return nil
	})
	g.check("Memory", "GetEvent", "not_found", func() error {
		_, err := d.GetEvent(bg, &dp.GetEventInput{MemoryId: mem.Id, ActorId: aws.String("alice"), SessionId: aws.String("s1"), EventId: aws.String("0000000000000#abcdef01")})
		var ae smithy.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("GetEvent unknown: %v", err)
		}
		return nil
	})
	var next string
	g.check("Memory", "ListEvents", "page1", func() error {
		out, err := d.ListEvents(bg, &dp.ListEventsInput{MemoryId: mem.Id, ActorId: aws.String("alice"), SessionId: aws.String("s1"), MaxResults: aws.Int32(2)})
		must(t, "ListEvents", err)
		if out.NextToken == nil {
			t.Fatal("no nextToken")
		}
		next = *out.NextToken
		g.name(next, "<nextToken>")
		return nil
	})
	g.check("Memory", "ListEvents", "page2", func() error {
		_, err := d.ListEvents(bg, &dp.ListEventsInput{MemoryId: mem.Id, ActorId: aws.String("alice"), SessionId: aws.String("s1"), MaxResults: aws.Int32(2), NextToken: &next})
		must(t, "ListEvents", err)
		return nil
	})
	g.check("Memory", "ListSessions", "ok", func() error {
		_, err := d.ListSessions(bg, &dp.ListSessionsInput{MemoryId: mem.Id, ActorId: aws.String("alice")})
		must(t, "ListSessions", err)
		return nil
	})
	g.check("Memory", "ListActors", "ok", func() error {
		_, err := d.ListActors(bg, &dp.ListActorsInput{MemoryId: mem.Id})
		must(t, "ListActors", err)
		return nil
	})
	var rid string
	g.check("Memory", "BatchCreateMemoryRecords", "ok", func() error {
		out, err := d.BatchCreateMemoryRecords(bg, &dp.BatchCreateMemoryRecordsInput{MemoryId: mem.Id, Records: []dptypes.MemoryRecordCreateInput{
			{RequestIdentifier: aws.String("r1"), Content: &dptypes.MemoryContentMemberText{Value: "alice likes tea"}, Namespaces: []string{"/facts/alice/"}, Timestamp: aws.Time(base)},
			{RequestIdentifier: aws.String("bad"), Content: &dptypes.MemoryContentMemberText{Value: ""}, Namespaces: []string{"/facts/alice/"}, Timestamp: aws.Time(base)},
		}})
		must(t, "BatchCreateMemoryRecords", err)
		rid = *out.SuccessfulRecords[0].MemoryRecordId
		g.name(rid, "<recordId>")
		return nil
	})
	g.check("Memory", "GetMemoryRecord", "ok", func() error {
		_, err := d.GetMemoryRecord(bg, &dp.GetMemoryRecordInput{MemoryId: mem.Id, MemoryRecordId: &rid})
		must(t, "GetMemoryRecord", err)
		return nil
	})
	g.check("Memory", "ListMemoryRecords", "ok", func() error {
		_, err := d.ListMemoryRecords(bg, &dp.ListMemoryRecordsInput{MemoryId: mem.Id, Namespace: aws.String("/facts/")})
		must(t, "ListMemoryRecords", err)
		return nil
	})
	g.check("Memory", "DeleteEvent", "ok", func() error {
		_, err := d.DeleteEvent(bg, &dp.DeleteEventInput{MemoryId: mem.Id, ActorId: aws.String("alice"), SessionId: aws.String("s1"), EventId: &events[0]})
		must(t, "DeleteEvent", err)
		return nil
	})
	g.check("Memory", "DeleteMemory", "ok", func() error {
		_, err := c.DeleteMemory(bg, &ctl.DeleteMemoryInput{MemoryId: mem.Id})
		must(t, "DeleteMemory", err)
		return nil
	})
}

func goldenIdentity(t *testing.T, g *golden) {
	g.t = t
	c, d := g.Control, g.Data
	g.check("Identity", "CreateWorkloadIdentity", "ok", func() error {
		_, err := c.CreateWorkloadIdentity(bg, &ctl.CreateWorkloadIdentityInput{Name: aws.String("golden-wl"), Tags: map[string]string{"team": "id"},
			AllowedResourceOauth2ReturnUrls: []string{"http://127.0.0.1/cb"}})
		must(t, "CreateWorkloadIdentity", err)
		return nil
	})
	g.check("Identity", "GetWorkloadIdentity", "ok", func() error {
		_, err := c.GetWorkloadIdentity(bg, &ctl.GetWorkloadIdentityInput{Name: aws.String("golden-wl")})
		must(t, "GetWorkloadIdentity", err)
		return nil
	})
	g.check("Identity", "GetWorkloadIdentity", "not_found", func() error {
		_, err := c.GetWorkloadIdentity(bg, &ctl.GetWorkloadIdentityInput{Name: aws.String("nope")})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("Identity", "ListWorkloadIdentities", "ok", func() error {
		_, err := c.ListWorkloadIdentities(bg, &ctl.ListWorkloadIdentitiesInput{MaxResults: aws.Int32(1)})
		must(t, "ListWorkloadIdentities", err)
		return nil
	})
	g.check("Identity", "CreateApiKeyCredentialProvider", "ok", func() error {
		_, err := c.CreateApiKeyCredentialProvider(bg, &ctl.CreateApiKeyCredentialProviderInput{Name: aws.String("golden-key"), ApiKey: aws.String("sk-golden")})
		must(t, "CreateApiKeyCredentialProvider", err)
		return nil
	})
	g.check("Identity", "GetApiKeyCredentialProvider", "ok", func() error {
		_, err := c.GetApiKeyCredentialProvider(bg, &ctl.GetApiKeyCredentialProviderInput{Name: aws.String("golden-key")})
		must(t, "GetApiKeyCredentialProvider", err)
		return nil
	})
	g.check("Identity", "ListApiKeyCredentialProviders", "ok", func() error {
		_, err := c.ListApiKeyCredentialProviders(bg, &ctl.ListApiKeyCredentialProvidersInput{})
		must(t, "ListApiKeyCredentialProviders", err)
		return nil
	})
	g.check("Identity", "CreateOauth2CredentialProvider", "ok", func() error {
		_, err := c.CreateOauth2CredentialProvider(bg, &ctl.CreateOauth2CredentialProviderInput{Name: aws.String("golden-oauth"),
			CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
			Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
				ClientId: aws.String("cid"), ClientSecret: aws.String("csecret"),
				OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberAuthorizationServerMetadata{Value: ctltypes.Oauth2AuthorizationServerMetadata{
					Issuer: aws.String("http://127.0.0.1:9"), AuthorizationEndpoint: aws.String("http://127.0.0.1:9/authorize"),
					TokenEndpoint: aws.String("http://127.0.0.1:9/token")}}}}})
		must(t, "CreateOauth2CredentialProvider", err)
		return nil
	})
	g.check("Identity", "GetOauth2CredentialProvider", "ok", func() error {
		_, err := c.GetOauth2CredentialProvider(bg, &ctl.GetOauth2CredentialProviderInput{Name: aws.String("golden-oauth")})
		must(t, "GetOauth2CredentialProvider", err)
		return nil
	})
	g.check("Identity", "GetTokenVault", "ok", func() error {
		_, err := c.GetTokenVault(bg, &ctl.GetTokenVaultInput{})
		must(t, "GetTokenVault", err)
		return nil
	})
	var wat string
	g.check("Identity", "GetWorkloadAccessToken", "ok", func() error {
		out, err := d.GetWorkloadAccessToken(bg, &dp.GetWorkloadAccessTokenInput{WorkloadName: aws.String("golden-wl")})
		must(t, "GetWorkloadAccessToken", err)
		wat = *out.WorkloadAccessToken
		g.name(wat, "<wat>")
		return nil
	})
	g.check("Identity", "GetResourceApiKey", "ok", func() error {
		_, err := d.GetResourceApiKey(bg, &dp.GetResourceApiKeyInput{ResourceCredentialProviderName: aws.String("golden-key"), WorkloadIdentityToken: &wat})
		must(t, "GetResourceApiKey", err)
		return nil
	})
	g.check("Identity", "GetResourceApiKey", "forged_token", func() error {
		_, err := d.GetResourceApiKey(bg, &dp.GetResourceApiKeyInput{ResourceCredentialProviderName: aws.String("golden-key"), WorkloadIdentityToken: aws.String("wat1.forged.sig")})
		wantCode(t, err, "AccessDeniedException")
		return nil
	})
	g.check("Identity", "DeleteApiKeyCredentialProvider", "ok", func() error {
		_, err := c.DeleteApiKeyCredentialProvider(bg, &ctl.DeleteApiKeyCredentialProviderInput{Name: aws.String("golden-key")})
		must(t, "DeleteApiKeyCredentialProvider", err)
		return nil
	})
	g.check("Identity", "DeleteWorkloadIdentity", "ok", func() error {
		_, err := c.DeleteWorkloadIdentity(bg, &ctl.DeleteWorkloadIdentityInput{Name: aws.String("golden-wl")})
		must(t, "DeleteWorkloadIdentity", err)
		return nil
	})
}
