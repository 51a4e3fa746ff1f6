package runtime

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/google/uuid"
)

// Replicas of one server on one database share the runtime sessions they
// run through two tables of the KV store:
//
//   - cluster_node: one row per running server (node): its internal URL, its
//     load (for placement), a draining flag; each node rewrites its row every
//     Lease/4 (heartbeat). A node whose row has not changed for Lease, as
//     seen on the reader's own clock (no clock is compared across
//     machines), is expired.
//   - session_owner: one row per running session (account/runtime/session)
//     naming the node that hosts it (owners.go).
//
// Fencing: a node that takes over a session of an expired node marks that
// node's row Dead in the same revision-checked transaction, which fails if
// the node has beaten since. A node that finds its own row Dead (or gone)
// has lost its sessions to others: it stops them all (Fenced) and
// registers again under a new id.
const (
	tblNode  = "cluster_node"
	tblOwner = "session_owner"
)

// Node is one server replica's row in the registry.
type Node struct {
	ID           string `json:"id"`
	Name         string `json:"name,omitempty"` // the replica's lasting name (ClusterOptions.Name)
	URL          string `json:"url"`            // internal URL other replicas forward to
	Draining     bool   `json:"draining,omitempty"`
	Dead         bool   `json:"dead,omitempty"` // declared dead by a replica that took its sessions over
	Sessions     int    `json:"sessions"`
	MaxSessions  int    `json:"maxSessions"`  // 0 = no bound
	MemAvailable int64  `json:"memAvailable"` // bytes, 0 = unknown
	Beat         int64  `json:"beat"`         // heartbeat count
}

// free is the node's spare room for placement: free session slots when it
// has a bound, else a large number less its sessions.
func (n Node) free() int {
	if n.MaxSessions > 0 {
		return n.MaxSessions - n.Sessions
	}
	return 1<<30 - n.Sessions
}

// ClusterOptions configure a node's membership.
type ClusterOptions struct {
	KV  store.KV
	URL string // this node's internal URL
	// Name is the replica's lasting name, which records of work it does
	// outside runtime sessions keep (Code Interpreter and Browser
	// sessions): it survives re-registration under a new id (Replica).
	Name   string
	Lease  time.Duration // a node silent this long is expired (default 10 s)
	Logger *slog.Logger
	// Load reports this node's sessions, their bound and available memory.
	Load func() (sessions, maxSessions int, memAvailable int64)
	// Fenced is called when another replica has declared this node dead
	// and may have taken its sessions: every local runtime session must stop.
	Fenced func()
}

// Cluster is this node's membership and its view of the other nodes.
type Cluster struct {
	o   ClusterOptions
	log *slog.Logger

	mu       sync.Mutex
	self     Node
	selfRev  int64
	beatOK   time.Time // last successful heartbeat (local clock)
	draining bool
	peers    map[string]*peer
	listedAt time.Time         // last refresh (local clock)
	owners   map[string]string // session key → owner node, sessions hosted elsewhere (owners.go)
	watching bool              // owner-row writes are announced: the owners cache is on
	beatMu   sync.Mutex        // one heartbeat at a time (the row's revision)

	cancel context.CancelFunc
	done   chan struct{}
}

// peer is what this node knows of another: its row, the row's revision and
// when (local clock) that revision was first seen.
type peer struct {
	node   Node
	rev    int64
	seenAt time.Time
}

// StartCluster registers this node and starts its heartbeat.
func StartCluster(ctx context.Context, o ClusterOptions) (*Cluster, error) {
	if o.Lease <= 0 {
		o.Lease = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Cluster{o: o, log: o.Logger.With("component", "cluster"), peers: map[string]*peer{}, owners: map[string]string{}, done: make(chan struct{})}
	if err := c.register(ctx); err != nil {
		return nil, err
	}
	c.refresh(ctx) //nolint:errcheck // logged; the heartbeat reads again
	bctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	if n, ok := o.KV.(store.Notifier); ok {
		n.Watch(bctx, tblOwner, c.ownerWritten)
		c.watching = true
	}
	go c.loop(bctx)
	return c, nil
}

// NodeID is this node's current id.
func (c *Cluster) NodeID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.self.ID
}

// Lease is the registry's lease.
func (c *Cluster) Lease() time.Duration { return c.o.Lease }

// Fresh reports whether this node's own lease is current (its last
// heartbeat is younger than the lease): only then may it serve its local
// sessions without checking their owner rows.
func (c *Cluster) Fresh() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Since(c.beatOK) < c.o.Lease
}

func (c *Cluster) register(ctx context.Context) error {
	c.mu.Lock()
	n := Node{ID: uuid.NewString(), Name: c.o.Name, URL: c.o.URL, Draining: c.draining}
	c.mu.Unlock()
	c.fillLoad(&n)
	if err := c.o.KV.Txn(ctx, store.CreateJSON(tblNode, n.ID, n)); err != nil {
		return err
	}
	_, rev, err := store.GetJSON[Node](ctx, c.o.KV, tblNode, n.ID)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.self, c.selfRev, c.beatOK = n, rev, time.Now()
	c.mu.Unlock()
	c.log.Info("cluster node registered", "node", n.ID, "url", n.URL, "lease", c.o.Lease)
	return nil
}

func (c *Cluster) fillLoad(n *Node) {
	if c.o.Load != nil {
		n.Sessions, n.MaxSessions, n.MemAvailable = c.o.Load()
	}
}

func (c *Cluster) loop(ctx context.Context) {
	defer close(c.done)
	t := time.NewTicker(c.o.Lease / 4)
	defer t.Stop()
	for tick := 1; ; tick++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c.beat(ctx)
		c.refresh(ctx) //nolint:errcheck // logged; the next tick tries again
		if tick%4 == 0 {
			c.sweep(ctx, tick%sweepAllEvery == 0) // sweep.go
		}
	}
}

// beat rewrites this node's row (revision-checked). A conflict or a
// missing row means another node declared it dead: fenced.
func (c *Cluster) beat(ctx context.Context) {
	c.beatMu.Lock()
	defer c.beatMu.Unlock()
	c.mu.Lock()
	n, rev := c.self, c.selfRev
	n.Draining = c.draining
	c.mu.Unlock()
	n.Beat++
	c.fillLoad(&n)
	err := c.o.KV.Txn(ctx, store.UpdateJSON(tblNode, n.ID, rev, n))
	if err == nil {
		_, newRev, gerr := store.GetJSON[Node](ctx, c.o.KV, tblNode, n.ID)
		if gerr == nil {
			c.mu.Lock()
			if c.self.ID == n.ID {
				c.self, c.selfRev, c.beatOK = n, newRev, time.Now()
			}
			c.mu.Unlock()
			return
		}
		err = gerr
	}
	k := errs.KindOf(err)
	if k != errs.Conflict && k != errs.NotFound {
		c.log.Warn("cluster heartbeat failed", "node", n.ID, "err", err)
		return
	}
	cur, _, gerr := store.GetJSON[Node](ctx, c.o.KV, tblNode, n.ID)
	if gerr == nil && !cur.Dead {
		c.log.Warn("cluster heartbeat: own row changed under this node", "node", n.ID)
	}
	c.log.Error("cluster node fenced: another replica declared it dead; stopping its sessions and registering again", "node", n.ID)
	if c.o.Fenced != nil {
		c.o.Fenced()
	}
	if err := c.register(ctx); err != nil {
		c.log.Warn("cluster re-registration failed", "err", err)
	}
}

// refresh reads every node's row; rows Dead for several leases are removed.
func (c *Cluster) refresh(ctx context.Context) error {
	items, err := c.o.KV.List(ctx, tblNode, "", "", 0)
	if err != nil {
		c.log.Warn("cluster: list nodes", "err", err)
		return err
	}
	now := time.Now()
	seen := map[string]bool{}
	var gone []store.Op
	c.mu.Lock()
	c.listedAt = now
	for _, it := range items {
		var n Node
		if json.Unmarshal(it.Value, &n) != nil {
			continue
		}
		seen[n.ID] = true
		p := c.peers[n.ID]
		if p == nil || p.rev != it.Revision {
			c.peers[n.ID] = &peer{node: n, rev: it.Revision, seenAt: now}
		} else if n.Dead && now.Sub(p.seenAt) > 10*c.o.Lease {
			gone = append(gone, store.DeleteAt(tblNode, n.ID, it.Revision))
		}
	}
	for id := range c.peers {
		if !seen[id] {
			delete(c.peers, id)
		}
	}
	c.mu.Unlock()
	for _, op := range gone {
		c.o.KV.Txn(ctx, op) //nolint:errcheck // another node may have removed it
	}
	return nil
}

// alive reports whether p's node may still hold sessions.
func (c *Cluster) alive(p *peer) bool {
	return !p.node.Dead && time.Since(p.seenAt) < c.o.Lease
}

// SetDraining marks this node draining (no new sessions are placed on it)
// and announces it at once.
func (c *Cluster) SetDraining(ctx context.Context) {
	c.mu.Lock()
	c.draining = true
	c.mu.Unlock()
	c.beat(ctx)
}

// Draining reports whether this node is draining.
func (c *Cluster) Draining() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.draining
}

// Close stops the heartbeat and removes this node's row.
func (c *Cluster) Close(ctx context.Context) error {
	c.cancel()
	<-c.done
	c.mu.Lock()
	id, rev := c.self.ID, c.selfRev
	c.mu.Unlock()
	if err := c.o.KV.Txn(ctx, store.DeleteAt(tblNode, id, rev)); err != nil && errs.KindOf(err) != errs.NotFound && errs.KindOf(err) != errs.Conflict {
		return err
	}
	return nil
}
