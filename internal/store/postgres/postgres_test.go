package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/store/postgres"
	"github.com/agentcore-dev/agentcore/internal/store/sqlstore"
	"github.com/agentcore-dev/agentcore/internal/store/storetest"
	"github.com/agentcore-dev/agentcore/internal/testenv"
)

var schemaSeq atomic.Int64

// TestConformance runs the store suite against PostgreSQL when
// AGENTCORE_TEST_POSTGRES_DSN is set (.ci/run sets it). Each subtest gets its
// own schema so runs never see each other's rows.
func TestConformance(t *testing.T) {
	dsn := os.Getenv("AGENTCORE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("AGENTCORE_TEST_POSTGRES_DSN not set: skipping PostgreSQL conformance (run .ci/run to start PostgreSQL)")
	}
	storetest.Run(t, func(t *testing.T) (store.KV, func() store.KV) {
		schema := fmt.Sprintf("t%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
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
		sdsn := withSearchPath(dsn, schema)
		kv, err := postgres.Open(context.Background(), sdsn)
		if err != nil {
			t.Fatal(err)
		}
		cur := store.KV(kv)
		t.Cleanup(func() { cur.Close() })
		return kv, func() store.KV {
			cur.Close()
			kv2, err := postgres.Open(context.Background(), sdsn)
			if err != nil {
				t.Fatal(err)
			}
			cur = kv2
			return kv2
		}
	})
}

// TestTwoHandles runs the two-writer and notification cases through two
// separate handles on one database, as two server replicas would.
func TestTwoHandles(t *testing.T) {
	pg := testenv.Postgres(t, "twohandles")
	open := func() *sqlstore.Store {
		kv, err := postgres.Open(context.Background(), pg.DSN)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { kv.Close() })
		return kv
	}
	a, b := open(), open()
	t.Run("TwoWritersSameKey", func(t *testing.T) { storetest.TwoWriters(t, a, b) })
	t.Run("WatchAcrossHandles", func(t *testing.T) { storetest.WatchAcross(t, a, b) })
}

func withSearchPath(dsn, schema string) string {
	if strings.Contains(dsn, "://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "search_path=" + schema
	}
	return dsn + " search_path=" + schema
}
