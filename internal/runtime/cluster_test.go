package runtime

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
)

// TestClusterOwnershipAndFencing: two nodes on one store (SQLite here; the
// e2e suite runs replicas on PostgreSQL). A session claimed by A is located
// at A by B and cannot be claimed by B while A is alive; once A stops
// beating for a lease, B takes it over and marks A dead in the same
// transaction; A's next heartbeat finds itself fenced (its sessions must
// stop) and it registers again under a new id. Placement skips a draining
// node.
func TestClusterOwnershipAndFencing(t *testing.T) {
	ctx := context.Background()
	kv, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kv.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	const lease = 400 * time.Millisecond
	var fenced atomic.Int32
	start := func(url string, onFence func()) *Cluster {
		c, err := StartCluster(ctx, ClusterOptions{KV: kv, URL: url, Lease: lease, Fenced: onFence,
			Load: func() (int, int, int64) { return 0, 0, 0 }})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a := start("http://a", func() { fenced.Add(1) })
	b := start("http://b", nil)
	defer b.Close(ctx)
	defer a.Close(ctx)
	aID := a.NodeID()

	if err := a.Claim(ctx, "111111111111", "rt-1", "s1"); err != nil {
		t.Fatal(err)
	}
	if err := a.Claim(ctx, "111111111111", "rt-1", "s1"); err != nil {
		t.Fatalf("claim by the owner again: %v", err)
	}
	if p, err := b.Locate(ctx, "111111111111", "rt-1", "s1", true); err != nil || p.Local || p.URL != "http://a" {
		t.Fatalf("B locates A's session at %+v %v, want http://a", p, err)
	}
	if err := b.Claim(ctx, "111111111111", "rt-1", "s1"); errs.KindOf(err) != errs.Conflict {
		t.Fatalf("B claimed a live node's session: %v", err)
	}
	if p, _ := b.Locate(ctx, "111111111111", "rt-1", "new", true); !p.Local {
		t.Fatalf("a new session is placed on the receiving node B, got %+v", p)
	}

	// A stops beating (as if SIGKILLed or partitioned).
	a.cancel()
	<-a.done
	time.Sleep(lease + 3*lease/4) // B's refreshes see A's row unchanged for a lease
	if p, _ := b.Locate(ctx, "111111111111", "rt-1", "s1", true); !p.Local {
		t.Fatalf("A's session after A's lease expired is located at %+v, want placed on B", p)
	}
	if err := b.Claim(ctx, "111111111111", "rt-1", "s1"); err != nil {
		t.Fatalf("takeover: %v", err)
	}
	dead, _, err := getNode(ctx, b, aID)
	if err != nil || !dead.Dead {
		t.Fatalf("A's row after the takeover: %+v %v, want Dead", dead, err)
	}
	a.beat(ctx) // A comes back
	if fenced.Load() != 1 || a.NodeID() == aID {
		t.Fatalf("A not fenced after coming back (fenced %d, id %s → %s)", fenced.Load(), aID, a.NodeID())
	}
	a.Release(ctx, "111111111111", "rt-1", "s1") // not A's any more: must not remove B's row
	if p, _ := a.Locate(ctx, "111111111111", "rt-1", "s1", false); p.URL != "http://b" && !p.Local {
		t.Fatalf("B's row was removed by the fenced node: %+v", p)
	}

	// Draining: new sessions go to the other node.
	b.SetDraining(ctx)
	b.refresh(ctx) // B sees A's new row
	if p, _ := b.Locate(ctx, "111111111111", "rt-1", "new2", true); p.Local || p.URL != "http://a" {
		t.Fatalf("a draining node placed a new session at %+v, want http://a", p)
	}
	b.Release(ctx, "111111111111", "rt-1", "s1")
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) { // A's owners cache hears of the write
		p, _ := a.Locate(ctx, "111111111111", "rt-1", "s1", false)
		if p.Local {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("released session still located at %+v", p)
		}
	}
}

func getNode(ctx context.Context, c *Cluster, id string) (Node, int64, error) {
	p := c.peer(ctx, id)
	c.forget(id)
	if p = c.peer(ctx, id); p == nil {
		return Node{}, 0, errs.E(errs.NotFound, "no node %s", id)
	}
	return p.node, p.rev, nil
}

// TestClusterPlacementFull: a node at its --max-sessions places a new
// session on the live node with the most free slots; one with room keeps it.
func TestClusterPlacementFull(t *testing.T) {
	ctx := context.Background()
	kv, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kv.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	start := func(url string, sessions, max int) *Cluster {
		c, err := StartCluster(ctx, ClusterOptions{KV: kv, URL: url, Lease: time.Minute,
			Load: func() (int, int, int64) { return sessions, max, 1 << 30 }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(ctx) })
		return c
	}
	full := start("http://full", 4, 4)
	start("http://roomy", 1, 10)
	start("http://tight", 8, 10)
	full.refresh(ctx)
	if p, err := full.Locate(ctx, "111111111111", "rt", "s-new", true); err != nil || p.Local || p.URL != "http://roomy" {
		t.Fatalf("full node placed a new session at %+v %v, want http://roomy", p, err)
	}
	if p, _ := full.Locate(ctx, "111111111111", "rt", "s-new", false); !p.Local {
		t.Fatalf("without placement (StopRuntimeSession) an unowned session is served here, got %+v", p)
	}
}

// TestClusterSweepsDeadOwners: the owner rows of a node that stopped
// beating (SIGKILL) do not linger: once it has been silent for three
// leases another node declares it dead, and a lease later deletes its rows;
// the rows of live nodes stay. Its lasting name (Replica) resolves while it
// is alive and not after; the node, coming back, is fenced.
func TestClusterSweepsDeadOwners(t *testing.T) {
	ctx := context.Background()
	kv, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kv.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	const lease = 300 * time.Millisecond
	var fenced atomic.Int32
	start := func(name, url string) *Cluster {
		c, err := StartCluster(ctx, ClusterOptions{KV: kv, Name: name, URL: url, Lease: lease,
			Fenced: func() { fenced.Add(1) }, Load: func() (int, int, int64) { return 0, 0, 0 }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(ctx) })
		return c
	}
	a, b := start("node-a", "http://a"), start("node-b", "http://b")
	const acct = "111111111111"
	for _, s := range []string{"a1", "a2", "a3"} {
		if err := a.Claim(ctx, acct, "rt", s); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Claim(ctx, acct, "rt", "b1"); err != nil {
		t.Fatal(err)
	}
	if p, ok := b.Replica(ctx, "node-a"); !ok || p.URL != "http://a" {
		t.Fatalf("B resolves replica node-a to %+v %v, want http://a", p, ok)
	}
	if p, ok := b.Replica(ctx, "node-b"); !ok || !p.Local {
		t.Fatalf("B resolves its own name to %+v %v, want local", p, ok)
	}
	if b.ReplicaAlive(ctx, "node-x") {
		t.Fatal("an unknown replica name is alive")
	}

	a.cancel() // A stops beating (as if SIGKILLed)
	<-a.done
	t0 := time.Now()
	owners := func() map[string]string {
		items, err := kv.List(ctx, tblOwner, "", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, it := range items {
			var row ownerRow
			json.Unmarshal(it.Value, &row) //nolint:errcheck // test
			out[it.Key] = row.Node
		}
		return out
	}
	for {
		o := owners()
		if len(o) == 1 && o[sessionKey(acct, "rt", "b1")] == b.NodeID() {
			break
		}
		if time.Since(t0) > 20*lease {
			t.Fatalf("A's owner rows still there %s after it stopped beating (lease %s): %v", time.Since(t0), lease, o)
		}
		time.Sleep(lease / 10)
	}
	took := time.Since(t0)
	if took < 3*lease {
		t.Fatalf("A's rows were removed %s after it stopped: before three leases (%s)", took, 3*lease)
	}
	t.Logf("A's owner rows removed %s after its last heartbeat (lease %s)", took.Round(time.Millisecond), lease)
	if b.ReplicaAlive(ctx, "node-a") {
		t.Fatal("replica node-a is alive after it was declared dead")
	}
	a.beat(ctx) // A comes back: fenced
	if fenced.Load() != 1 {
		t.Fatalf("A not fenced after coming back (fenced %d)", fenced.Load())
	}
	b.refresh(ctx) //nolint:errcheck // test
	if p, ok := b.Replica(ctx, "node-a"); !ok || p.URL != "http://a" || p.Node != a.NodeID() {
		t.Fatalf("A registered again under its name: B resolves it to %+v %v", p, ok)
	}
}
