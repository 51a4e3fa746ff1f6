package toolsession

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
)

type rec struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	UpdatedAt time.Time `json:"updatedAt"`
	Node      string    `json:"node,omitempty"`
}

// records over a real SQLite store: sessions whose id starts with "live"
// run here; Terminate stores the record TERMINATED.
func records(t *testing.T, now time.Time) *Records[rec] {
	t.Helper()
	kv, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kv.Close() })
	r := &Records[rec]{KV: kv, Table: "sess", Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler),
		State:   func(x *rec) (string, string, time.Time) { return x.ID, x.Status, x.UpdatedAt },
		Running: func(_ string, x *rec) bool { return len(x.ID) > 4 && x.ID[:4] == "live" }}
	r.Set = func(x *rec, status string, at time.Time) { x.Status, x.UpdatedAt = status, at }
	r.Terminate = r.MarkTerminated
	return r
}

func put(t *testing.T, r *Records[rec], acct, tool string, x rec) {
	t.Helper()
	if err := r.KV.Txn(context.Background(), store.CreateJSON(r.Table, Key(acct, tool, x.ID), x)); err != nil {
		t.Fatal(err)
	}
}

func TestListPagesAndTerminatesGoneSessions(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	r := records(t, now)
	for i := range 5 {
		put(t, r, "111", "tool", rec{ID: fmt.Sprintf("live%d", i), Status: Ready, UpdatedAt: now})
		put(t, r, "111", "tool", rec{ID: fmt.Sprintf("gone%d", i), Status: Ready, UpdatedAt: now})
	}
	put(t, r, "222", "tool", rec{ID: "live9", Status: Ready, UpdatedAt: now})
	ctx := context.Background()
	var all []*rec
	token := ""
	for {
		page, next, err := r.List(ctx, "111", "tool", "", 3, token)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if next == "" {
			break
		}
		token = next
	}
	if len(all) != 10 {
		t.Fatalf("listed %d sessions, want 10 (another account's not among them)", len(all))
	}
	ready, _, err := r.List(ctx, "111", "tool", Ready, 0, "")
	if err != nil || len(ready) != 5 {
		t.Fatalf("READY sessions: %d, %v (the gone ones must read TERMINATED)", len(ready), err)
	}
	if _, _, err := r.List(ctx, "111", "tool", "RUNNING", 0, ""); err == nil {
		t.Fatal("a bad status filter was accepted")
	}
	if _, _, err := r.List(ctx, "111", "other", "", 0, token+"x"); err == nil {
		t.Fatal("a token of another listing was accepted")
	}
}

func TestSweepTerminatesAndExpires(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	r := records(t, now)
	put(t, r, "111", "tool", rec{ID: "live1", Status: Ready, UpdatedAt: now})
	put(t, r, "111", "tool", rec{ID: "gone1", Status: Ready, UpdatedAt: now})
	put(t, r, "111", "tool", rec{ID: "old1", Status: Terminated, UpdatedAt: now.Add(-Kept - time.Minute)})
	put(t, r, "111", "tool", rec{ID: "new1", Status: Terminated, UpdatedAt: now.Add(-time.Hour)})
	if err := r.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	items, _, err := r.List(context.Background(), "111", "tool", "", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range items {
		got[x.ID] = x.Status
	}
	want := map[string]string{"live1": Ready, "gone1": Terminated, "new1": Terminated}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the sweep %v, want %v", got, want)
	}
	var seen []string
	r.EachReady(context.Background(), "111", "tool", func(x *rec) { seen = append(seen, x.ID) })
	if fmt.Sprint(seen) != "[live1]" {
		t.Fatalf("EachReady saw %v", seen)
	}
}

// TestSweepLeavesLiveReplicasSessions: with replicas sharing the store, a
// READY session not running here is terminated only when it is this
// replica's, has no owner, or its owner stopped; a live replica's session
// stays READY.
func TestSweepLeavesLiveReplicasSessions(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	r := records(t, now)
	r.Owner, r.Self = func(x *rec) string { return x.Node }, "node-a"
	r.Alive = func(_ context.Context, node string) bool { return node == "node-b" }
	for id, node := range map[string]string{"onb": "node-b", "ondead": "node-c", "mine": "node-a", "unowned": ""} {
		put(t, r, "111", "tool", rec{ID: id, Status: Ready, UpdatedAt: now, Node: node})
	}
	ctx := context.Background()
	if err := r.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"onb": Ready, "ondead": Terminated, "mine": Terminated, "unowned": Terminated} {
		got, _, err := store.GetJSON[rec](ctx, r.KV, r.Table, Key("111", "tool", id))
		if err != nil || got.Status != want {
			t.Errorf("%s: %v %v, want %s", id, got, err, want)
		}
	}
}

// TestTerminatedRecordEndsLocalEnvironment: a session whose record another
// replica stored TERMINATED while its environment still runs here (this
// replica was declared dead meanwhile) has the environment stopped, by
// the lazy check on a read and by the sweep.
func TestTerminatedRecordEndsLocalEnvironment(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	r := records(t, now)
	var ended []string
	r.End = func(_ context.Context, acct string, x *rec) { ended = append(ended, acct+"/"+x.ID) }
	put(t, r, "111", "tool", rec{ID: "live1", Status: Terminated, UpdatedAt: now})
	put(t, r, "111", "tool", rec{ID: "live2", Status: Terminated, UpdatedAt: now})
	put(t, r, "111", "tool", rec{ID: "live3", Status: Ready, UpdatedAt: now})
	put(t, r, "111", "tool", rec{ID: "gone1", Status: Terminated, UpdatedAt: now})
	ctx := context.Background()
	if got := r.Current(ctx, "111", "tool", &rec{ID: "live1", Status: Terminated, UpdatedAt: now}); got.Status != Terminated {
		t.Fatalf("Current: %+v", got)
	}
	if fmt.Sprint(ended) != "[111/live1]" {
		t.Fatalf("ended on read: %v, want [111/live1]", ended)
	}
	ended = nil
	if err := r.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ended) != "[111/live1 111/live2]" { // the fake's environments run on; a real End stops them
		t.Fatalf("ended by the sweep: %v, want [111/live1 111/live2] (not the READY one, not one that is gone)", ended)
	}
}
