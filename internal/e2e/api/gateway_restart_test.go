package api_test

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

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
	dsn := os.Getenv("AGENTCORE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("AGENTCORE_TEST_POSTGRES_DSN not set")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := fmt.Sprintf("gw_%d", time.Now().UnixNano())
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Exec("DROP SCHEMA " + schema + " CASCADE") })
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	cfg := testenv.Fast()
	cfg.Database = dsn + sep + "search_path=" + schema
	cfg.DataDir = t.TempDir()
	gatewaySurvivesRestart(t, cfg)
}
