package api_test

import (
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// TestPostgresBackend runs a server on PostgreSQL (its own schema), deploys,
// restarts and invokes — the same flow as TestRestart on SQLite.
func TestPostgresBackend(t *testing.T) {
	pg := testenv.Postgres(t, "e2e")
	cfg := testenv.Fast()
	cfg.Database = pg.DSN
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
