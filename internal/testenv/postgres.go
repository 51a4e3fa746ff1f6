package testenv

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// PG is a PostgreSQL schema of one test.
type PG struct {
	DSN    string  // the server's --database: the test DSN with search_path set to Schema
	Schema string  // the test's own schema (dropped at cleanup)
	DB     *sql.DB // a connection for raw reads (closed at cleanup)
}

// Postgres gives the test its own schema on AGENTCORE_TEST_POSTGRES_DSN
// (set by .ci/run), or skips the test when the variable is not set.
func Postgres(t testing.TB, prefix string) *PG {
	t.Helper()
	dsn := os.Getenv("AGENTCORE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("AGENTCORE_TEST_POSTGRES_DSN not set: skipping a PostgreSQL-backed test (.ci/run sets it)")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		db.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Exec("DROP SCHEMA " + schema + " CASCADE") //nolint:errcheck // best effort
		db.Close()
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return &PG{DSN: dsn + sep + "search_path=" + schema, Schema: schema, DB: db}
}
