package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// gatewaySurvivesRestart creates a gateway with a target and a policy,
// restarts the server on the same store, and checks both still apply.
func gatewaySurvivesRestart(t *testing.T, cfg server.Config) {
	ps := startPetstore(t)
	e := testenv.Start(t, cfg)
	eng := createEngine(t, e, "persist")
	gw := createGateway(t, e, "persist", func(in *ctl.CreateGatewayInput) {
		in.PolicyEngineConfiguration = &ctltypes.GatewayPolicyEngineConfiguration{Arn: eng.PolicyEngineArn, Mode: ctltypes.GatewayPolicyEngineModeEnforce}
	})
	openAPITarget(t, e, *gw.GatewayId, "pets", petstoreSpec(ps.URL))
	createPolicy(t, e, *eng.PolicyEngineId, "get_only", `permit(principal, action == AgentCore::Action::"pets___getPet", resource);`)
	e.Stop()

	e2 := testenv.Start(t, cfg)
	got, err := e2.Control.GetGateway(bg, &ctl.GetGatewayInput{GatewayIdentifier: gw.GatewayId})
	if err != nil || !strings.HasPrefix(*got.GatewayUrl, e2.URL) {
		t.Fatalf("after restart: %+v %v", got, err)
	}
	cs := mcpConnect(t, *got.GatewayUrl, "")
	if res := callTool(t, cs, "pets___getPet", map[string]any{"id": "1"}); res.IsError {
		t.Fatal(resultText(res))
	}
	if _, err := callRaw(cs, "pets___listPets", map[string]any{}); err == nil || !strings.Contains(err.Error(), "denied by policy") {
		t.Fatalf("policy after restart: %v", err)
	}
	lp, err := e2.Control.ListPolicies(bg, &ctl.ListPoliciesInput{PolicyEngineId: eng.PolicyEngineId, MaxResults: aws.Int32(10)})
	if err != nil || len(lp.Policies) != 1 {
		t.Fatalf("policies after restart: %+v %v", lp, err)
	}
}

func TestGatewayRestartSQLite(t *testing.T) {
	cfg := testenv.Fast()
	cfg.DataDir = t.TempDir()
	gatewaySurvivesRestart(t, cfg)
}

func TestGatewayRestartPostgres(t *testing.T) {
	pg := testenv.Postgres(t, "gw")
	cfg := testenv.Fast()
	cfg.Database = pg.DSN
	cfg.DataDir = t.TempDir()
	gatewaySurvivesRestart(t, cfg)
}

// TestGatewayTwoServersOneStore: a target added through one server shows up
// on another server of the same database within the revalidation interval.
func TestGatewayTwoServersOneStore(t *testing.T) {
	db := "sqlite:" + t.TempDir() + "/shared.db"
	a := testenv.Start(t, server.Config{Config: config.Config{Database: db, PingInterval: 200 * time.Millisecond}})
	b := testenv.Start(t, server.Config{Config: config.Config{Database: db, PingInterval: 200 * time.Millisecond}})
	ps := startPetstore(t)
	eng := createEngine(t, a, "shared")
	gw := createGateway(t, a, "shared", func(in *ctl.CreateGatewayInput) {
		in.PolicyEngineConfiguration = &ctltypes.GatewayPolicyEngineConfiguration{Arn: eng.PolicyEngineArn, Mode: ctltypes.GatewayPolicyEngineModeEnforce}
	})
	gb, err := b.Control.GetGateway(bg, &ctl.GetGatewayInput{GatewayIdentifier: gw.GatewayId})
	if err != nil {
		t.Fatal(err)
	}
	cs := mcpConnect(t, *gb.GatewayUrl, "")
	if n := len(listAllTools(t, cs)); n != 0 {
		t.Fatalf("tools before: %d", n)
	}
	openAPITarget(t, a, *gw.GatewayId, "pets", petstoreSpec(ps.URL))
	deadline := time.Now().Add(10 * time.Second)
	for len(listAllTools(t, cs)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("server b never saw the new target")
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Default deny on b, then a permit written through a applies on b.
	if _, err := callRaw(cs, "pets___getPet", map[string]any{"id": "1"}); err == nil {
		t.Fatal("allowed without a policy")
	}
	createPolicy(t, a, *eng.PolicyEngineId, "get", `permit(principal, action == AgentCore::Action::"pets___getPet", resource);`)
	for {
		res, err := callRaw(cs, "pets___getPet", map[string]any{"id": "1"})
		if err == nil && !res.IsError {
			break
		}
		if time.Now().After(deadline.Add(5 * time.Second)) {
			t.Fatalf("server b never applied the new policy: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
