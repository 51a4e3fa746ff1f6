// Package storetest is the conformance suite every store.KV implementation
// runs: Run(t, factory) from the implementation's own tests.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Factory returns a fresh, empty store. reopen, when non-nil, closes the
// store and opens the same database again (for durability checks).
type Factory func(t *testing.T) (kv store.KV, reopen func() store.KV)

// Run runs every conformance test against stores made by f.
func Run(t *testing.T, f Factory) {
	tests := []struct {
		name string
		fn   func(*testing.T, Factory)
	}{
		{"CreateGet", testCreateGet},
		{"CreateConflict", testCreateConflict},
		{"UpdateRevision", testUpdateRevision},
		{"PutAndDelete", testPutDelete},
		{"ListPrefixPaging", testList},
		{"TxnAtomic", testTxnAtomic},
		{"TablesIsolated", testTables},
		{"BinaryValues", testBinary},
		{"ConcurrentCreate", testConcurrentCreate},
		{"Durable", testDurable},
		{"TwoWritersSameKey", testTwoWriters},
		{"StaleUpdateAppliesNothing", testStaleUpdate},
		{"Watch", testWatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, f) })
	}
}

func create(t *testing.T, kv store.KV, table, key, val string) {
	t.Helper()
	if err := kv.Txn(context.Background(), store.Op{Kind: store.OpCreate, Table: table, Key: key, Value: []byte(val)}); err != nil {
		t.Fatalf("create %s/%s: %v", table, key, err)
	}
}

func testCreateGet(t *testing.T, f Factory) {
	kv, _ := f(t)
	ctx := context.Background()
	if _, err := kv.Get(ctx, "t", "a"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("get missing: want NotFound, got %v", err)
	}
	create(t, kv, "t", "a", `{"x":1}`)
	it, err := kv.Get(ctx, "t", "a")
	if err != nil || string(it.Value) != `{"x":1}` || it.Revision != 1 || it.Key != "a" {
		t.Fatalf("get: %+v %v", it, err)
	}
}

func testCreateConflict(t *testing.T, f Factory) {
	kv, _ := f(t)
	create(t, kv, "t", "a", "1")
	err := kv.Txn(context.Background(), store.Op{Kind: store.OpCreate, Table: "t", Key: "a", Value: []byte("2")})
	if errs.KindOf(err) != errs.Conflict {
		t.Fatalf("duplicate create: want Conflict, got %v", err)
	}
	it, _ := kv.Get(context.Background(), "t", "a")
	if string(it.Value) != "1" {
		t.Fatalf("value changed by failed create: %q", it.Value)
	}
}

func testUpdateRevision(t *testing.T, f Factory) {
	kv, _ := f(t)
	ctx := context.Background()
	create(t, kv, "t", "a", "1")
	if err := kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: "t", Key: "a", Value: []byte("2"), Revision: 1}); err != nil {
		t.Fatal(err)
	}
	err := kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: "t", Key: "a", Value: []byte("3"), Revision: 1})
	if errs.KindOf(err) != errs.Conflict {
		t.Fatalf("stale update: want Conflict, got %v", err)
	}
	err = kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: "t", Key: "zz", Value: []byte("3")})
	if errs.KindOf(err) != errs.NotFound {
		t.Fatalf("update missing: want NotFound, got %v", err)
	}
	if err := kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: "t", Key: "a", Value: []byte("4")}); err != nil {
		t.Fatal(err)
	}
	it, _ := kv.Get(ctx, "t", "a")
	if string(it.Value) != "4" || it.Revision != 3 {
		t.Fatalf("after updates: %+v", it)
	}
}

func testPutDelete(t *testing.T, f Factory) {
	kv, _ := f(t)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := kv.Txn(ctx, store.Op{Kind: store.OpPut, Table: "t", Key: "p", Value: []byte(fmt.Sprint(i))}); err != nil {
			t.Fatal(err)
		}
	}
	it, _ := kv.Get(ctx, "t", "p")
	if string(it.Value) != "1" || it.Revision != 2 {
		t.Fatalf("put twice: %+v", it)
	}
	if err := kv.Txn(ctx, store.Op{Kind: store.OpDelete, Table: "t", Key: "p", Revision: 1}); errs.KindOf(err) != errs.Conflict {
		t.Fatalf("delete stale: want Conflict, got %v", err)
	}
	if err := kv.Txn(ctx, store.Op{Kind: store.OpDelete, Table: "t", Key: "p"}); err != nil {
		t.Fatal(err)
	}
	if err := kv.Txn(ctx, store.Op{Kind: store.OpDelete, Table: "t", Key: "p"}); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("delete missing: want NotFound, got %v", err)
	}
	if err := kv.Txn(ctx, store.Op{Kind: store.OpDelete, Table: "t", Key: "p", Revision: -1}); err != nil {
		t.Fatalf("delete missing, ignore absence: %v", err)
	}
}

func testList(t *testing.T, f Factory) {
	kv, _ := f(t)
	ctx := context.Background()
	for i := 0; i < 25; i++ {
		create(t, kv, "t", fmt.Sprintf("acct/r-%03d", i), fmt.Sprint(i))
	}
	create(t, kv, "t", "acct0/x", "other prefix")
	create(t, kv, "t", "acct/r-%", "percent")
	create(t, kv, "t", "acct/r_Z", "underscore")
	var got []string
	after := ""
	for pages := 0; ; pages++ {
		items, err := kv.List(ctx, "t", "acct/r-", after, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			got = append(got, it.Key)
		}
		if len(items) < 10 {
			break
		}
		after = items[len(items)-1].Key
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if len(got) != 26 || got[0] != "acct/r-%" || got[1] != "acct/r-000" || got[25] != "acct/r-024" {
		t.Fatalf("list = %d keys %v", len(got), got)
	}
	all, _ := kv.List(ctx, "t", "", "", 0)
	if len(all) != 28 {
		t.Fatalf("list all = %d", len(all))
	}
}

func testTxnAtomic(t *testing.T, f Factory) {
	kv, _ := f(t)
	ctx := context.Background()
	create(t, kv, "t", "exists", "1")
	err := kv.Txn(ctx,
		store.Op{Kind: store.OpCreate, Table: "t", Key: "new1", Value: []byte("x")},
		store.Op{Kind: store.OpUpdate, Table: "t", Key: "exists", Value: []byte("2")},
		store.Op{Kind: store.OpCreate, Table: "t", Key: "exists", Value: []byte("dup")},
	)
	if errs.KindOf(err) != errs.Conflict {
		t.Fatalf("want Conflict, got %v", err)
	}
	if _, err := kv.Get(ctx, "t", "new1"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("partial txn applied: new1 exists (%v)", err)
	}
	if it, _ := kv.Get(ctx, "t", "exists"); string(it.Value) != "1" {
		t.Fatalf("partial txn applied: exists = %q", it.Value)
	}
}

func testTables(t *testing.T, f Factory) {
	kv, _ := f(t)
	create(t, kv, "a", "k", "in a")
	create(t, kv, "b", "k", "in b")
	ia, _ := kv.Get(context.Background(), "a", "k")
	ib, _ := kv.Get(context.Background(), "b", "k")
	if string(ia.Value) != "in a" || string(ib.Value) != "in b" {
		t.Fatalf("tables mixed: %q %q", ia.Value, ib.Value)
	}
}

func testBinary(t *testing.T, f Factory) {
	kv, _ := f(t)
	v := []byte{0, 1, 2, 0xff, 0xfe, 0}
	if err := kv.Txn(context.Background(), store.Op{Kind: store.OpCreate, Table: "t", Key: "bin", Value: v}); err != nil {
		t.Fatal(err)
	}
	it, _ := kv.Get(context.Background(), "t", "bin")
	if string(it.Value) != string(v) {
		t.Fatalf("binary roundtrip: %v", it.Value)
	}
	if err := kv.Txn(context.Background(), store.Op{Kind: store.OpCreate, Table: "t", Key: "empty"}); err != nil {
		t.Fatal(err)
	}
}

func testConcurrentCreate(t *testing.T, f Factory) {
	kv, _ := f(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := kv.Txn(context.Background(), store.Op{Kind: store.OpCreate, Table: "t", Key: "race", Value: []byte("v")})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errs.KindOf(err) == errs.Conflict:
				conflicts++
			default:
				t.Errorf("concurrent create: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != 7 {
		t.Fatalf("wins=%d conflicts=%d", wins, conflicts)
	}
}

func testDurable(t *testing.T, f Factory) {
	kv, reopen := f(t)
	if reopen == nil {
		t.Skip("implementation has no reopen")
	}
	create(t, kv, "t", "keep", "me")
	kv2 := reopen()
	it, err := kv2.Get(context.Background(), "t", "keep")
	if err != nil || string(it.Value) != "me" {
		t.Fatalf("after reopen: %+v %v", it, err)
	}
}
