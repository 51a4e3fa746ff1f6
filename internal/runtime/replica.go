package runtime

import (
	"context"
	"time"
)

// Work a replica does outside runtime sessions (Code Interpreter and
// Browser sessions) records the replica's lasting name (Node.Name), not
// its registration id, which changes when the node is fenced. Replica
// finds the live node of a name, with the liveness rule of runtime
// session owners (alive): a node whose row is Dead or has not changed for
// the lease serves nothing of it.

// Replica says where the work of replica name is served: this node
// (Local) when the name is its own, else the live node registered under
// it; false when none is live.
func (c *Cluster) Replica(ctx context.Context, name string) (Placement, bool) {
	p, ok, _ := c.replica(ctx, name)
	return p, ok
}

// ReplicaAlive reports whether replica name is this node or a live one
// (when the registry cannot be read, it counts as alive: nothing of it is
// terminated on a guess).
func (c *Cluster) ReplicaAlive(ctx context.Context, name string) bool {
	_, ok, err := c.replica(ctx, name)
	return ok || err != nil
}

func (c *Cluster) replica(ctx context.Context, name string) (Placement, bool, error) {
	if name == "" {
		return Placement{}, false, nil
	}
	if name == c.o.Name {
		return c.local(), true, nil
	}
	if p, ok := c.named(name); ok {
		return p, true, nil
	}
	// Not seen live: it registered since the last read of the registry,
	// or this node's view is old. Read the registry again, at most every
	// Lease/8.
	c.mu.Lock()
	stale := time.Since(c.listedAt) > c.o.Lease/8
	c.mu.Unlock()
	if !stale {
		return Placement{}, false, nil
	}
	if err := c.refresh(ctx); err != nil {
		return Placement{}, false, err
	}
	p, ok := c.named(name)
	return p, ok, nil
}

// named is the live peer registered under name.
func (c *Cluster) named(name string) (Placement, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.peers {
		if p.node.Name == name && p.node.ID != c.self.ID && c.alive(p) {
			return Placement{Node: p.node.ID, URL: p.node.URL}, true
		}
	}
	return Placement{}, false
}
