package api_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestTagsStoredWithResource: tags given at create are stored in the
// resource's own transaction for every taggable resource (both credential
// provider kinds included) and listed by ListTagsForResource; a create that
// fails stores none; deletes drop them with the resource, leaving the tags
// table empty.
func TestTagsStoredWithResource(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	c := e.Control
	o := startOP(t)
	tags := func(kind string) map[string]string { return map[string]string{"kind": kind, "team": "core"} }

	rt := e.Deploy(t, "tagged_rt", func(in *ctl.CreateAgentRuntimeInput) { in.Tags = tags("runtime") })
	ep, err := c.CreateAgentRuntimeEndpoint(bg, &ctl.CreateAgentRuntimeEndpointInput{AgentRuntimeId: rt.AgentRuntimeId, Name: aws.String("tagged_ep"), Tags: tags("endpoint")})
	if err != nil {
		t.Fatal(err)
	}
	gw := createGateway(t, e, "tagged-gw", func(in *ctl.CreateGatewayInput) { in.Tags = tags("gateway") })
	eng, err := c.CreatePolicyEngine(bg, &ctl.CreatePolicyEngineInput{Name: aws.String("tagged_engine"), Tags: tags("engine")})
	if err != nil {
		t.Fatal(err)
	}
	mem, err := c.CreateMemory(bg, &ctl.CreateMemoryInput{Name: aws.String("tagged_mem"), EventExpiryDuration: aws.Int32(7), Tags: tags("memory")})
	if err != nil {
		t.Fatal(err)
	}
	wl, err := c.CreateWorkloadIdentity(bg, &ctl.CreateWorkloadIdentityInput{Name: aws.String("tagged-wl"), Tags: tags("workload")})
	if err != nil {
		t.Fatal(err)
	}
	oauth := &ctl.CreateOauth2CredentialProviderInput{Name: aws.String("tagged-oauth"),
		CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
			ClientId: aws.String("sid1"), ClientSecret: aws.String("verysecret"),
			OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: o.Discovery()}}},
		Tags: tags("oauth2")}
	op, err := c.CreateOauth2CredentialProvider(bg, oauth)
	if err != nil {
		t.Fatal(err)
	}
	kp, err := c.CreateApiKeyCredentialProvider(bg, &ctl.CreateApiKeyCredentialProviderInput{Name: aws.String("tagged-key"), ApiKey: aws.String("k-1"), Tags: tags("apikey")})
	if err != nil {
		t.Fatal(err)
	}
	arns := map[string]string{
		"runtime": *rt.AgentRuntimeArn, "endpoint": *ep.AgentRuntimeEndpointArn, "gateway": *gw.GatewayArn,
		"engine": *eng.PolicyEngineArn, "memory": *mem.Memory.Arn, "workload": *wl.WorkloadIdentityArn,
		"oauth2": *op.CredentialProviderArn, "apikey": *kp.CredentialProviderArn,
	}
	for kind, arn := range arns {
		got, err := c.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil || len(got.Tags) != 2 || got.Tags["kind"] != kind || got.Tags["team"] != "core" {
			t.Fatalf("%s %s: tags after create = %v, %v", kind, arn, got, err)
		}
	}
	// The provider ARNs are taggable resources like the others.
	if _, err := c.TagResource(bg, &ctl.TagResourceInput{ResourceArn: op.CredentialProviderArn, Tags: map[string]string{"extra": "1"}}); err != nil {
		t.Fatal(err)
	}

	// A create that fails (duplicate name) stores no tags: the existing
	// resources' tags are unchanged and nothing else appears.
	if _, err := c.CreateWorkloadIdentity(bg, &ctl.CreateWorkloadIdentityInput{Name: aws.String("tagged-wl"), Tags: map[string]string{"dup": "x"}}); !isConflict(err) {
		t.Fatalf("duplicate workload identity: %v", err)
	}
	if _, err := c.CreateApiKeyCredentialProvider(bg, &ctl.CreateApiKeyCredentialProviderInput{Name: aws.String("tagged-key"), ApiKey: aws.String("k-2"), Tags: map[string]string{"dup": "x"}}); !isConflict(err) {
		t.Fatalf("duplicate API-key provider: %v", err)
	}
	oauth.Tags = map[string]string{"dup": "x"}
	if _, err := c.CreateOauth2CredentialProvider(bg, oauth); !isConflict(err) {
		t.Fatalf("duplicate OAuth2 provider: %v", err)
	}
	if _, err := c.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{AgentRuntimeName: aws.String("tagged_rt"), RoleArn: aws.String(testenv.RoleArn),
		AgentRuntimeArtifact: testenv.CodeArtifact(e.TestAgentZip(t), ctltypes.AgentManagedRuntimeTypePython312, "bootstrap"),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic}, Tags: map[string]string{"dup": "x"}}); !isConflict(err) {
		t.Fatalf("duplicate runtime: %v", err)
	}
	for _, kind := range []string{"workload", "apikey", "oauth2", "runtime"} {
		got, err := c.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: aws.String(arns[kind])})
		if err != nil || got.Tags["dup"] != "" {
			t.Fatalf("%s: a failed create changed the tags: %v %v", kind, got, err)
		}
	}
	if n := len(tagRows(t, e)); n != len(arns) {
		t.Fatalf("tags table has %d rows, want %d (one per resource): %v", n, len(arns), tagRows(t, e))
	}

	// Deletes drop the tags in the same transaction.
	steps := []func() error{
		func() error {
			_, err := c.DeleteAgentRuntimeEndpoint(bg, &ctl.DeleteAgentRuntimeEndpointInput{AgentRuntimeId: rt.AgentRuntimeId, EndpointName: aws.String("tagged_ep")})
			return err
		},
		func() error {
			_, err := c.DeleteAgentRuntime(bg, &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: rt.AgentRuntimeId})
			return err
		},
		func() error {
			_, err := c.DeleteGateway(bg, &ctl.DeleteGatewayInput{GatewayIdentifier: gw.GatewayId})
			return err
		},
		func() error {
			_, err := c.DeletePolicyEngine(bg, &ctl.DeletePolicyEngineInput{PolicyEngineId: eng.PolicyEngineId})
			return err
		},
		func() error {
			_, err := c.DeleteMemory(bg, &ctl.DeleteMemoryInput{MemoryId: mem.Memory.Id})
			return err
		},
		func() error {
			_, err := c.DeleteWorkloadIdentity(bg, &ctl.DeleteWorkloadIdentityInput{Name: aws.String("tagged-wl")})
			return err
		},
		func() error {
			_, err := c.DeleteOauth2CredentialProvider(bg, &ctl.DeleteOauth2CredentialProviderInput{Name: aws.String("tagged-oauth")})
			return err
		},
		func() error {
			_, err := c.DeleteApiKeyCredentialProvider(bg, &ctl.DeleteApiKeyCredentialProviderInput{Name: aws.String("tagged-key")})
			return err
		},
	}
	for i, del := range steps {
		if err := del(); err != nil {
			t.Fatalf("delete %d: %v", i, err)
		}
	}
	if rows := tagRows(t, e); len(rows) != 0 {
		t.Fatalf("tags left after the deletes: %v", rows)
	}
	// Re-created under the same ARN without tags: none come back.
	wl2, err := c.CreateWorkloadIdentity(bg, &ctl.CreateWorkloadIdentityInput{Name: aws.String("tagged-wl")})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: wl2.WorkloadIdentityArn}); err != nil || len(got.Tags) != 0 {
		t.Fatalf("tags of a re-created workload identity: %v %v", got, err)
	}
}

// tagRows reads the tags table of the server's SQLite store directly.
func tagRows(t *testing.T, e *testenv.Env) []string {
	t.Helper()
	kv, err := sqlite.Open(context.Background(), filepath.Join(e.DataDir, "agentcore.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	items, err := kv.List(context.Background(), "tags", "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		out = append(out, it.Key+"="+string(it.Value))
	}
	return out
}
