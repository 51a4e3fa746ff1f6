package api_test

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// TestPostgresBackend runs a server on PostgreSQL (its own schema), deploys,
// restarts and invokes — the same flow as TestRestart on SQLite.
func TestPostgresBackend(t *testing.T) {
	dsn := os.Getenv("AGENTCORE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("AGENTCORE_TEST_POSTGRES_DSN not set: skipping the PostgreSQL-backed server test (.ci/run sets it)")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := fmt.Sprintf("e2e_%d", time.Now().UnixNano())
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
	e := testenv.Start(t, cfg)
	rt := e.Deploy(t, "pg_agent", nil)
	e.InvokeJSON(t, *rt.AgentRuntimeArn, testenv.SessionID("pg"), map[string]any{"action": "count"})
	e.Stop()
	e2 := testenv.Start(t, cfg)
	got := e2.WaitReady(t, *rt.AgentRuntimeId, time.Minute)
	if *got.AgentRuntimeName != "pg_agent" {
		t.Fatalf("after restart: %+v", got)
	}
	if m := e2.InvokeJSON(t, *rt.AgentRuntimeArn, testenv.SessionID("pg"), map[string]any{"action": "count"}); m["count"].(float64) != 1 {
		t.Fatalf("invoke after restart: %v", m)
	}
}
