package httpapi_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/aws/smithy-go"
)

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
	g.check("Memory", "UpdateMemory", "episodic_selfmanaged", func() error {
		out, err := c.UpdateMemory(bg, &ctl.UpdateMemoryInput{MemoryId: mem.Id, MemoryStrategies: &ctltypes.ModifyMemoryStrategies{
			AddMemoryStrategies: []ctltypes.MemoryStrategyInput{
				&ctltypes.MemoryStrategyInputMemberEpisodicMemoryStrategy{Value: ctltypes.EpisodicMemoryStrategyInput{Name: aws.String("journeys"),
					NamespaceTemplates:      []string{"/journeys/{actorId}/{sessionId}/"},
					ReflectionConfiguration: &ctltypes.EpisodicReflectionConfigurationInput{NamespaceTemplates: []string{"/journeys/{actorId}/"}}}},
				&ctltypes.MemoryStrategyInputMemberCustomMemoryStrategy{Value: ctltypes.CustomMemoryStrategyInput{Name: aws.String("pipeline"),
					Configuration: &ctltypes.CustomConfigurationInputMemberSelfManagedConfiguration{Value: ctltypes.SelfManagedConfigurationInput{
						InvocationConfiguration: &ctltypes.InvocationConfigurationInput{TopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:pipeline"),
							PayloadDeliveryBucketName: aws.String("payloads")},
						HistoricalContextWindowSize: aws.Int32(4),
						TriggerConditions: []ctltypes.TriggerConditionInput{&ctltypes.TriggerConditionInputMemberMessageBasedTrigger{
							Value: ctltypes.MessageBasedTriggerInput{MessageCount: aws.Int32(5)}}}}}}}}}})
		must(t, "UpdateMemory", err)
		g.name(*out.Memory.Strategies[1].StrategyId, "<episodicStrategyId>")
		g.name(*out.Memory.Strategies[2].StrategyId, "<selfManagedStrategyId>")
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
