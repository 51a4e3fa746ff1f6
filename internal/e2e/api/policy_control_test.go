package api_test

import (
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

func cedarDef(s string) ctltypes.PolicyDefinition {
	return &ctltypes.PolicyDefinitionMemberCedar{Value: ctltypes.CedarPolicy{Statement: aws.String(s)}}
}

func createEngine(t testing.TB, e *testenv.Env, name string) *ctl.CreatePolicyEngineOutput {
	t.Helper()
	out, err := e.Control.CreatePolicyEngine(bg, &ctl.CreatePolicyEngineInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func createPolicy(t testing.TB, e *testenv.Env, engine, name, stmt string) *ctl.CreatePolicyOutput {
	t.Helper()
	out, err := e.Control.CreatePolicy(bg, &ctl.CreatePolicyInput{PolicyEngineId: aws.String(engine), Name: aws.String(name), Definition: cedarDef(stmt)})
	if err != nil {
		t.Fatalf("CreatePolicy %s: %v", name, err)
	}
	return out
}

// TestPolicyControlPlane drives every policy engine and policy operation
// through the AWS SDK for Go v2, including validation against the schema
// generated from the gateway's tools.
func TestPolicyControlPlane(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	c := e.Control
	ps := startPetstore(t)

	eng := createEngine(t, e, "shop_policies")
	if eng.Status != ctltypes.PolicyEngineStatusActive || !strings.Contains(*eng.PolicyEngineArn, ":policy-engine/"+*eng.PolicyEngineId) {
		t.Fatalf("engine: %+v", eng)
	}
	ge, err := c.GetPolicyEngine(bg, &ctl.GetPolicyEngineInput{PolicyEngineId: eng.PolicyEngineId})
	if err != nil || *ge.Name != "shop_policies" {
		t.Fatalf("get engine: %+v %v", ge, err)
	}
	ue, err := c.UpdatePolicyEngine(bg, &ctl.UpdatePolicyEngineInput{PolicyEngineId: eng.PolicyEngineId, Description: &ctltypes.UpdatedDescription{OptionalValue: aws.String("v2")}})
	if err != nil || aws.ToString(ue.Description) != "v2" {
		t.Fatalf("update engine: %+v %v", ue, err)
	}
	le, err := c.ListPolicyEngines(bg, &ctl.ListPolicyEnginesInput{})
	if err != nil || len(le.PolicyEngines) != 1 {
		t.Fatalf("list engines: %+v %v", le, err)
	}

	gw := createGateway(t, e, "shop", func(in *ctl.CreateGatewayInput) {
		in.PolicyEngineConfiguration = &ctltypes.GatewayPolicyEngineConfiguration{Arn: eng.PolicyEngineArn, Mode: ctltypes.GatewayPolicyEngineModeEnforce}
	})
	openAPITarget(t, e, *gw.GatewayId, "pets", petstoreSpec(ps.URL))
	res := `resource == AgentCore::Gateway::"` + *gw.GatewayArn + `"`

	p := createPolicy(t, e, *eng.PolicyEngineId, "small_refunds",
		`permit(principal, action == AgentCore::Action::"pets___refund", `+res+`) when { context.input.body.amount < 500 };`)
	if p.Status != ctltypes.PolicyStatusActive || !strings.HasPrefix(*p.PolicyArn, *eng.PolicyEngineArn+"/policy/") {
		t.Fatalf("policy: %+v", p)
	}
	gp, err := c.GetPolicy(bg, &ctl.GetPolicyInput{PolicyEngineId: eng.PolicyEngineId, PolicyId: p.PolicyId})
	if err != nil || *gp.Name != "small_refunds" {
		t.Fatalf("get policy: %+v %v", gp, err)
	}
	if d, ok := gp.Definition.(*ctltypes.PolicyDefinitionMemberCedar); !ok || !strings.Contains(*d.Value.Statement, "amount < 500") {
		t.Fatalf("definition %#v", gp.Definition)
	}
	up, err := c.UpdatePolicy(bg, &ctl.UpdatePolicyInput{PolicyEngineId: eng.PolicyEngineId, PolicyId: p.PolicyId,
		Definition:  cedarDef(`permit(principal, action == AgentCore::Action::"pets___refund", ` + res + `) when { context.input.body.amount < 100 };`),
		Description: &ctltypes.UpdatedDescription{OptionalValue: aws.String("tighter")}})
	if err != nil || aws.ToString(up.Description) != "tighter" {
		t.Fatalf("update policy: %+v %v", up, err)
	}
	lp, err := c.ListPolicies(bg, &ctl.ListPoliciesInput{PolicyEngineId: eng.PolicyEngineId})
	if err != nil || len(lp.Policies) != 1 {
		t.Fatalf("list policies: %+v %v", lp, err)
	}

	// Invalid policies are ValidationExceptions naming the problem.
	for name, tc := range map[string]struct{ stmt, want string }{
		"syntax":    {`permit(principal, action, resource) when { context.input.x < };`, "invalid Cedar"},
		"two":       {`permit(principal, action, resource); forbid(principal, action, resource);`, "exactly one"},
		"action":    {`permit(principal, action == AgentCore::Action::"pets___nope", ` + res + `);`, "pets___nope"},
		"attribute": {`permit(principal, action == AgentCore::Action::"pets___refund", ` + res + `) when { context.input.body.bogus < 5 };`, "bogus"},
		"type":      {`permit(principal, action == AgentCore::Action::"pets___refund", ` + res + `) when { context.input.body.orderId < 5 };`, ""},
		"gateway":   {`permit(principal, action, resource == AgentCore::Gateway::"arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/none-0123456789");`, "does not exist"},
	} {
		_, err := c.CreatePolicy(bg, &ctl.CreatePolicyInput{PolicyEngineId: eng.PolicyEngineId, Name: aws.String("bad_" + name), Definition: cedarDef(tc.stmt)})
		if !errorIs[*ctltypes.ValidationException](err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want ValidationException mentioning %q, got %v", name, tc.want, err)
		}
	}
	// IGNORE_ALL_FINDINGS skips schema checks (syntax still checked).
	if _, err := c.CreatePolicy(bg, &ctl.CreatePolicyInput{PolicyEngineId: eng.PolicyEngineId, Name: aws.String("lenient"),
		ValidationMode: ctltypes.PolicyValidationModeIgnoreAllFindings,
		Definition:     cedarDef(`permit(principal, action == AgentCore::Action::"future___tool", resource);`)}); err != nil {
		t.Fatalf("lenient: %v", err)
	}

	// Typed errors.
	if _, err := c.CreateGateway(bg, &ctl.CreateGatewayInput{Name: aws.String("noengine"), RoleArn: aws.String(testenv.RoleArn), AuthorizerType: ctltypes.AuthorizerTypeNone,
		PolicyEngineConfiguration: &ctltypes.GatewayPolicyEngineConfiguration{Arn: aws.String(strings.Replace(*eng.PolicyEngineArn, *eng.PolicyEngineId, "missing-0123456789", 1)),
			Mode: ctltypes.GatewayPolicyEngineModeEnforce}}); !errorIs[*ctltypes.ValidationException](err) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("gateway with a missing engine: %v", err)
	}
	if _, err := c.GetPolicyEngine(bg, &ctl.GetPolicyEngineInput{PolicyEngineId: aws.String("missing-0123456789")}); !errorIs[*ctltypes.ResourceNotFoundException](err) {
		t.Fatalf("missing engine: %v", err)
	}
	if _, err := c.GetPolicy(bg, &ctl.GetPolicyInput{PolicyEngineId: eng.PolicyEngineId, PolicyId: aws.String("missing-0123456789")}); !errorIs[*ctltypes.ResourceNotFoundException](err) {
		t.Fatalf("missing policy: %v", err)
	}
	if _, err := c.CreatePolicyEngine(bg, &ctl.CreatePolicyEngineInput{Name: aws.String("shop_policies")}); !errorIs[*ctltypes.ConflictException](err) {
		t.Fatalf("duplicate engine: %v", err)
	}
	if _, err := c.CreatePolicyEngine(bg, &ctl.CreatePolicyEngineInput{Name: aws.String("bad-name!")}); !errorIs[*ctltypes.ValidationException](err) {
		t.Fatalf("bad engine name: %v", err)
	}
	if _, err := c.DeletePolicyEngine(bg, &ctl.DeletePolicyEngineInput{PolicyEngineId: eng.PolicyEngineId}); !errorIs[*ctltypes.ConflictException](err) {
		t.Fatalf("delete engine with policies: %v", err)
	}
	lp, _ = c.ListPolicies(bg, &ctl.ListPoliciesInput{PolicyEngineId: eng.PolicyEngineId})
	for _, pol := range lp.Policies {
		if _, err := c.DeletePolicy(bg, &ctl.DeletePolicyInput{PolicyEngineId: eng.PolicyEngineId, PolicyId: pol.PolicyId}); err != nil {
			t.Fatal(err)
		}
	}
	de, err := c.DeletePolicyEngine(bg, &ctl.DeletePolicyEngineInput{PolicyEngineId: eng.PolicyEngineId})
	if err != nil || de.Status != ctltypes.PolicyEngineStatusDeleting {
		t.Fatalf("delete engine: %+v %v", de, err)
	}
}
