package memory

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// memKV is a tiny in-memory store.KV for unit tests of the service logic.
type memKV struct{ m map[string]store.Item }

func (k *memKV) Get(_ context.Context, t, key string) (store.Item, error) {
	it, ok := k.m[t+"\x00"+key]
	if !ok {
		return store.Item{}, errs.E(errs.NotFound, "not found")
	}
	return it, nil
}

func (k *memKV) List(_ context.Context, t, prefix, after string, limit int) ([]store.Item, error) {
	var out []store.Item
	for _, it := range sortedItems(k.m, t) {
		if len(it.Key) >= len(prefix) && it.Key[:len(prefix)] == prefix && it.Key > after {
			out = append(out, it)
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

func (k *memKV) Txn(_ context.Context, ops ...store.Op) error {
	for _, op := range ops {
		id := op.Table + "\x00" + op.Key
		switch op.Kind {
		case store.OpDelete:
			delete(k.m, id)
		default:
			k.m[id] = store.Item{Key: op.Key, Value: op.Value, Revision: k.m[id].Revision + 1}
		}
	}
	return nil
}

func (k *memKV) Close() error { return nil }

func sortedItems(m map[string]store.Item, t string) []store.Item {
	var out []store.Item
	for id, it := range m {
		if strings.HasPrefix(id, t+"\x00") {
			out = append(out, it)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Key < out[b].Key })
	return out
}

func TestReaperDeletesExpiredEventsAndOldJobs(t *testing.T) {
	kv := &memKV{m: map[string]store.Item{}}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(Options{KV: kv, Now: func() time.Time { return now }})
	old := now.Add(-time.Hour).UnixMilli()
	future := now.Add(time.Hour).UnixMilli()
	kv.Txn(context.Background(),
		store.Op{Table: tblEvent, Key: "a|m|x|s|1", Value: []byte("{}")},
		store.Op{Table: tblJob, Key: "a|m|job-1", Value: []byte("{}")},
		store.Op{Table: tblJob, Key: "a|m|job-2", Value: []byte("{}")},
		store.Op{Table: tblExpiry, Key: fmt.Sprintf("%019d|a|m|x|s|1", old), Value: []byte("{}")},
		store.Op{Table: tblExpiry, Key: fmt.Sprintf("%019d|job:a|m|job-1", old), Value: []byte("{}")},
		store.Op{Table: tblExpiry, Key: fmt.Sprintf("%019d|job:a|m|job-2", future), Value: []byte("{}")})
	s.reapOnce(context.Background())
	for k, want := range map[string]bool{tblEvent + "\x00a|m|x|s|1": false, tblJob + "\x00a|m|job-1": false, tblJob + "\x00a|m|job-2": true} {
		if _, ok := kv.m[k]; ok != want {
			t.Errorf("%q present=%v want %v", k, ok, want)
		}
	}
}
