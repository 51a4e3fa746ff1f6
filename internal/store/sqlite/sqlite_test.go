package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	"github.com/agentcore-dev/agentcore/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (store.KV, func() store.KV) {
		path := filepath.Join(t.TempDir(), "agentcore.db")
		kv, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		cur := store.KV(kv)
		t.Cleanup(func() { cur.Close() })
		return kv, func() store.KV {
			cur.Close()
			kv2, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			cur = kv2
			return kv2
		}
	})
}
