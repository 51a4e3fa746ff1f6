package api_test

import (
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestPolicyCedarEnforcement: permit/forbid by tool, by argument value and
// by JWT claim; ENFORCE denies before the backend sees the request;
// LOG_ONLY lets the call through and records the would-deny.
func TestPolicyCedarEnforcement(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	o := startOP(t)
	ps := startPetstore(t)
	eng := createEngine(t, e, "shop")
	gw := createGateway(t, e, "cedar", func(in *ctl.CreateGatewayInput) {
		jwtGateway(o, []string{"sid1"}, nil)(in)
		in.PolicyEngineConfiguration = &ctltypes.GatewayPolicyEngineConfiguration{Arn: eng.PolicyEngineArn, Mode: ctltypes.GatewayPolicyEngineModeEnforce}
	})
	openAPITarget(t, e, *gw.GatewayId, "pets", petstoreSpec(ps.URL))
	res := `resource == AgentCore::Gateway::"` + *gw.GatewayArn + `"`
	for name, stmt := range map[string]string{
		"get_pet":       `permit(principal, action == AgentCore::Action::"pets___getPet", ` + res + `);`,
		"small_refunds": `permit(principal, action == AgentCore::Action::"pets___refund", ` + res + `) when { context.input.body.amount < 500 };`,
		"admins_add":    `permit(principal is AgentCore::OAuthUser, action == AgentCore::Action::"pets___addPet", ` + res + `) when { principal.hasTag("role") && principal.getTag("role") == "admin" };`,
		"list_all":      `permit(principal, action == AgentCore::Action::"pets___listPets", ` + res + `);`,
		"no_blocked":    `forbid(principal, action, ` + res + `) when { principal.hasTag("dept") && principal.getTag("dept") == "blocked" };`,
	} {
		createPolicy(t, e, *eng.PolicyEngineId, name, stmt)
	}
	viewer := mcpConnect(t, *gw.GatewayUrl, o.Token(t))
	admin := mcpConnect(t, *gw.GatewayUrl, o.Token(t, "admin"))
	blocked := mcpConnect(t, *gw.GatewayUrl, o.Token(t, "admin", "dept:blocked"))

	expect := func(who string, ok bool, name string, args map[string]any) {
		t.Helper()
		cs := map[string]any{"viewer": viewer, "admin": admin, "blocked": blocked}[who]
		before := ps.Calls()
		r, callErr := callRaw(cs, name, args)
		if ok && (callErr != nil || r.IsError) {
			t.Errorf("%s %s %v: want allowed, got %v %s", who, name, args, callErr, mcpTextOf(r))
		}
		if !ok {
			if callErr == nil || !strings.Contains(callErr.Error(), "denied by policy") {
				t.Errorf("%s %s %v: want denied, got %v %s", who, name, args, callErr, mcpTextOf(r))
			}
			if ps.Calls() != before {
				t.Errorf("%s %s: the backend saw a denied call", who, name)
			}
		}
	}
	// By tool.
	expect("viewer", true, "pets___getPet", map[string]any{"id": "1"})
	expect("viewer", false, "pets___slow", map[string]any{}) // no permit: default deny
	// By argument value.
	expect("viewer", true, "pets___refund", map[string]any{"body": map[string]any{"orderId": "o1", "amount": 100}})
	expect("viewer", false, "pets___refund", map[string]any{"body": map[string]any{"orderId": "o2", "amount": 900}})
	// By JWT claim.
	expect("viewer", false, "pets___addPet", map[string]any{"body": map[string]any{"name": "Tom"}})
	expect("admin", true, "pets___addPet", map[string]any{"body": map[string]any{"name": "Tom"}})
	// Forbid wins over permit.
	expect("admin", true, "pets___listPets", map[string]any{})
	expect("blocked", false, "pets___listPets", map[string]any{})

	// LOG_ONLY: the same denied call goes through; the record keeps the decision.
	_, err := e.Control.UpdateGateway(bg, &ctl.UpdateGatewayInput{GatewayIdentifier: gw.GatewayId, Name: aws.String("cedar"), RoleArn: aws.String(testenv.RoleArn),
		AuthorizerType: ctltypes.AuthorizerTypeCustomJwt, AuthorizerConfiguration: &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
			DiscoveryUrl: aws.String(o.Discovery()), AllowedClients: []string{"sid1"}}},
		PolicyEngineConfiguration: &ctltypes.GatewayPolicyEngineConfiguration{Arn: eng.PolicyEngineArn, Mode: ctltypes.GatewayPolicyEngineModeLogOnly}})
	if err != nil {
		t.Fatal(err)
	}
	before := ps.Calls()
	r, err := callRaw(viewer, "pets___refund", map[string]any{"body": map[string]any{"orderId": "o3", "amount": 900}})
	if err != nil || r.IsError || ps.Calls() != before+1 {
		t.Fatalf("LOG_ONLY: %v %s (backend calls %d→%d)", err, mcpTextOf(r), before, ps.Calls())
	}
	calls := gatewayCalls(t, e, *gw.GatewayId)
	last := calls[len(calls)-1]
	if last["tool"] != "pets___refund" || last["decision"] != "DENY" || last["mode"] != "LOG_ONLY" || last["outcome"] != "ok" {
		t.Fatalf("LOG_ONLY record: %v", last)
	}
	var denied int
	for _, c := range calls {
		if c["outcome"] == "denied" {
			denied++
		}
	}
	if denied != 4 {
		t.Fatalf("denied records: %d in %v", denied, calls)
	}
}
