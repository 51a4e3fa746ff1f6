package postgres_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/observability/obstest"
	"github.com/agentcore-dev/agentcore/internal/store/postgres"
)

// TestObservabilityConformance runs the span/log store suite against
// PostgreSQL, each subtest in its own schema.
func TestObservabilityConformance(t *testing.T) {
	dsn := os.Getenv("AGENTCORE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("AGENTCORE_TEST_POSTGRES_DSN not set: skipping PostgreSQL conformance")
	}
	obstest.Run(t, func(t *testing.T) observability.Store {
		schema := fmt.Sprintf("o%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
		admin, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin.DB().Exec("CREATE SCHEMA " + schema); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			admin.DB().Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		})
		s, err := postgres.Open(context.Background(), withSearchPath(dsn, schema))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
