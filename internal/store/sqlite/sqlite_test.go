package sqlite_test

import (
	"context"
	"os"
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

// TestDatabaseIsPrivate: the database file (and the WAL files SQLite makes
// beside it) are readable by the server's user only, also when the file
// existed with a wider mode (issue 20 point 7).
func TestDatabaseIsPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "agentcore.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	kv, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	if err := kv.Txn(context.Background(), store.Op{Kind: store.OpPut, Table: "t", Key: "k", Value: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"agentcore.db", "agentcore.db-wal", "agentcore.db-shm"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			if f != "agentcore.db" && os.IsNotExist(err) {
				continue
			}
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", f, st.Mode().Perm())
		}
	}
}
