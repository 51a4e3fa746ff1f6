package storetest

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

func testTwoWriters(t *testing.T, f Factory) {
	kv, _ := f(t)
	TwoWriters(t, kv, kv)
}

// TwoWriters is the "two writers, same key" case: two goroutines, writing
// through a and b (the same handle, or two handles on one database), do
// read-modify-write increments of one counter with revision-checked updates
// and store.Retry; no increment may be lost.
func TwoWriters(t *testing.T, a, b store.KV) {
	t.Helper()
	ctx := context.Background()
	create(t, a, "t", "counter", "0")
	const perWriter = 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	raced := 0
	for _, kv := range []store.KV{a, b} {
		wg.Add(1)
		go func(kv store.KV) {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				err := store.Retry(ctx, func() error {
					it, err := kv.Get(ctx, "t", "counter")
					if err != nil {
						return err
					}
					n, _ := strconv.Atoi(string(it.Value))
					err = kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: "t", Key: "counter", Value: []byte(strconv.Itoa(n + 1)), Revision: it.Revision})
					if store.Concurrent(err) {
						mu.Lock()
						raced++
						mu.Unlock()
					}
					return err
				})
				if err != nil {
					t.Errorf("increment: %v", err)
					return
				}
			}
		}(kv)
	}
	wg.Wait()
	it, err := b.Get(ctx, "t", "counter")
	if err != nil {
		t.Fatal(err)
	}
	if string(it.Value) != strconv.Itoa(2*perWriter) || it.Revision != 2*perWriter+1 {
		t.Fatalf("counter = %s at revision %d, want %d at %d (lost updates; %d races retried)", it.Value, it.Revision, 2*perWriter, 2*perWriter+1, raced)
	}
	t.Logf("%d lost races retried", raced)
}

func testStaleUpdate(t *testing.T, f Factory) {
	kv, _ := f(t)
	ctx := context.Background()
	create(t, kv, "t", "a", "1")
	create(t, kv, "t", "b", "1")
	it, _ := kv.Get(ctx, "t", "a")
	if err := kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: "t", Key: "a", Value: []byte("2"), Revision: it.Revision}); err != nil {
		t.Fatal(err)
	}
	// A stale read-modify-write: its other ops must not apply either.
	err := kv.Txn(ctx,
		store.Op{Kind: store.OpPut, Table: "t", Key: "b", Value: []byte("stale")},
		store.Op{Kind: store.OpCreate, Table: "t", Key: "c", Value: []byte("stale")},
		store.Op{Kind: store.OpUpdate, Table: "t", Key: "a", Value: []byte("stale"), Revision: it.Revision})
	if !errors.Is(err, errs.ErrConflict) || !store.Concurrent(err) {
		t.Fatalf("stale update: want a Concurrent Conflict, got %v", err)
	}
	for k, want := range map[string]string{"a": "2", "b": "1"} {
		if got, _ := kv.Get(ctx, "t", k); string(got.Value) != want {
			t.Fatalf("%s = %q after a failed stale update, want %q", k, got.Value, want)
		}
	}
	if _, err := kv.Get(ctx, "t", "c"); !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("c created by a failed stale update: %v", err)
	}
	if err := kv.Txn(ctx, store.DeleteAt("t", "a", it.Revision)); !store.Concurrent(err) {
		t.Fatalf("stale delete: want a Concurrent Conflict, got %v", err)
	}
	if err := store.Retry(ctx, func() error { return errs.E(errs.Conflict, "domain conflict") }); err == nil || store.Concurrent(err) {
		t.Fatalf("Retry must return a domain conflict as is: %v", err)
	}
}

func testWatch(t *testing.T, f Factory) {
	kv, _ := f(t)
	n, ok := kv.(store.Notifier)
	if !ok {
		t.Skip("implementation is not a store.Notifier")
	}
	WatchAcross(t, kv, n)
}

// WatchAcross checks that a write through w is announced to a Watch on n
// (the same handle, or another handle on the same database).
func WatchAcross(t *testing.T, w store.KV, n store.Notifier) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan string, 16)
	n.Watch(ctx, "watched", func(k string) { got <- k })
	if wn, ok := w.(store.Notifier); ok && wn != n {
		wn.Watch(ctx, "watched", func(string) {}) // the writer announces tables it watches
	}
	time.Sleep(100 * time.Millisecond) // the listener is up
	create(t, w, "unwatched", "x", "1")
	create(t, w, "watched", "k1", "1")
	if err := w.Txn(ctx, store.Op{Kind: store.OpPut, Table: "watched", Key: "k1", Value: []byte("2")}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"k1", "k1"} {
		select {
		case k := <-got:
			if k != want {
				t.Fatalf("notified %q, want %q", k, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no notification for %s", want)
		}
	}
}
