package httpapi_test

import (
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

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
