package runtime

import (
	"context"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Owners records which node hosts each runtime session (implemented by
// *Cluster over the store; nil in Options: a single server).
type Owners interface {
	// Locate names the node that serves the session: its live owner; when
	// it has none and place is set, the node a new session goes to; else
	// this node.
	Locate(ctx context.Context, acct, runtimeID, sessionID string, place bool) (Placement, error)
	// Claim makes this node the session's owner: it has no owner row, the
	// row is this node's, or its owner's lease has expired (taken over,
	// fencing the old owner). A live other owner is an errs.Conflict.
	Claim(ctx context.Context, acct, runtimeID, sessionID string) error
	// Release removes the session's owner row if it is still this node's.
	Release(ctx context.Context, acct, runtimeID, sessionID string)
	// Fresh reports whether this node's own lease is current.
	Fresh() bool
}

// Placement is where a session's requests are served.
type Placement struct {
	Local bool   // this node
	Node  string // the serving node's id
	URL   string // its internal URL ("" when Local)
}

// ownerRow is a session_owner row.
type ownerRow struct {
	Node  string `json:"node"`
	Since int64  `json:"since"` // unix ms (informative)
}

var _ Owners = (*Cluster)(nil)

// Locate implements Owners.
func (c *Cluster) Locate(ctx context.Context, acct, runtimeID, sessionID string, place bool) (Placement, error) {
	key := sessionKey(acct, runtimeID, sessionID)
	if id, ok := c.cachedOwner(key); ok {
		if p := c.peer(ctx, id); p != nil && c.alive(p) {
			return Placement{Node: p.node.ID, URL: p.node.URL}, nil
		}
	}
	row, _, err := store.GetJSON[ownerRow](ctx, c.o.KV, tblOwner, key)
	switch {
	case err == nil:
		if row.Node == c.NodeID() {
			return c.local(), nil
		}
		if p := c.peer(ctx, row.Node); p != nil && c.alive(p) {
			c.cacheOwner(key, row.Node)
			return Placement{Node: p.node.ID, URL: p.node.URL}, nil
		}
		// Its owner expired: a new environment starts where placement says.
	case errs.KindOf(err) != errs.NotFound:
		return Placement{}, err
	}
	if !place {
		return c.local(), nil
	}
	return c.place()
}

func (c *Cluster) local() Placement { return Placement{Local: true, Node: c.NodeID()} }

// place picks the node for a new session: this one unless it is draining or
// full, else the live node with the most free capacity.
func (c *Cluster) place() (Placement, error) {
	self := Node{}
	c.fillLoad(&self)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.draining && self.free() > 0 {
		return Placement{Local: true, Node: c.self.ID}, nil
	}
	var best *peer
	for id, p := range c.peers {
		if id == c.self.ID || !c.alive(p) || p.node.Draining || p.node.free() <= 0 {
			continue
		}
		if best == nil || p.node.free() > best.node.free() ||
			p.node.free() == best.node.free() && p.node.MemAvailable > best.node.MemAvailable {
			best = p
		}
	}
	if best != nil {
		return Placement{Node: best.node.ID, URL: best.node.URL}, nil
	}
	if c.draining {
		return Placement{}, errs.E(errs.Unavailable, "this server is draining and no other replica can take a new session; retry")
	}
	return Placement{Local: true, Node: c.self.ID}, nil // full: the session manager answers the quota error
}

// peer returns what is known of node id, reading its row when it is not
// cached yet (nil: no such node).
func (c *Cluster) peer(ctx context.Context, id string) *peer {
	c.mu.Lock()
	p := c.peers[id]
	c.mu.Unlock()
	if p != nil {
		return p
	}
	n, rev, err := store.GetJSON[Node](ctx, c.o.KV, tblNode, id)
	if err != nil {
		return nil
	}
	p = &peer{node: *n, rev: rev, seenAt: time.Now()}
	c.mu.Lock()
	if q := c.peers[id]; q != nil {
		p = q
	} else {
		c.peers[id] = p
	}
	c.mu.Unlock()
	return p
}

// Claim implements Owners.
func (c *Cluster) Claim(ctx context.Context, acct, runtimeID, sessionID string) error {
	key := sessionKey(acct, runtimeID, sessionID)
	self := c.NodeID()
	mine := ownerRow{Node: self, Since: time.Now().UnixMilli()}
	for range 5 {
		row, rev, err := store.GetJSON[ownerRow](ctx, c.o.KV, tblOwner, key)
		if errs.KindOf(err) == errs.NotFound {
			err = c.o.KV.Txn(ctx, store.CreateJSON(tblOwner, key, mine))
			if errs.KindOf(err) == errs.Conflict {
				continue // another node created it first: look again
			}
			return err
		}
		if err != nil {
			return err
		}
		if row.Node == self {
			return nil
		}
		p := c.peer(ctx, row.Node)
		if p != nil && c.alive(p) {
			return errs.E(errs.Conflict, "runtime session %s is hosted by another replica (%s); retry", sessionID, row.Node)
		}
		ops := []store.Op{store.UpdateJSON(tblOwner, key, rev, mine)}
		if p != nil && !p.node.Dead { // fence the expired owner in the same transaction
			dead := p.node
			dead.Dead = true
			ops = append(ops, store.UpdateJSON(tblNode, dead.ID, p.rev, dead))
		}
		err = c.o.KV.Txn(ctx, ops...)
		if err == nil {
			c.log.Info("session taken over from an expired replica", "session", sessionID, "runtime", runtimeID, "from", row.Node)
			c.forget(row.Node)
			return nil
		}
		if k := errs.KindOf(err); k != errs.Conflict && k != errs.NotFound {
			return err
		}
		c.forget(row.Node) // the owner beat meanwhile, or its row is gone: read it again
	}
	return errs.E(errs.Unavailable, "runtime session %s: its owner changed repeatedly; retry", sessionID)
}

// forget drops the cached row of node id (read again on next use).
func (c *Cluster) forget(id string) {
	c.mu.Lock()
	delete(c.peers, id)
	c.mu.Unlock()
}

// Release implements Owners.
func (c *Cluster) Release(ctx context.Context, acct, runtimeID, sessionID string) {
	key := sessionKey(acct, runtimeID, sessionID)
	row, rev, err := store.GetJSON[ownerRow](ctx, c.o.KV, tblOwner, key)
	if err != nil || row.Node != c.NodeID() {
		return
	}
	if err := c.o.KV.Txn(ctx, store.DeleteAt(tblOwner, key, rev)); err != nil && errs.KindOf(err) != errs.Conflict && errs.KindOf(err) != errs.NotFound {
		c.log.Warn("release session owner row", "session", sessionID, "err", err)
	}
}

// The owners of sessions hosted elsewhere are cached (a forwarded request
// then costs no store read); every write of an owner row, by any replica,
// drops its entry (store.Notifier: PostgreSQL LISTEN/NOTIFY), and a stale
// entry costs one more hop at worst (the old owner forwards again).
const maxOwnerCache = 100_000

func (c *Cluster) cachedOwner(key string) (string, bool) {
	if !c.watching {
		return "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.owners[key]
	return id, ok
}

func (c *Cluster) cacheOwner(key, node string) {
	if !c.watching {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.owners) >= maxOwnerCache {
		clear(c.owners)
	}
	c.owners[key] = node
}

// ownerWritten drops the cached owner of key ("" = everything).
func (c *Cluster) ownerWritten(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if key == "" {
		clear(c.owners)
		return
	}
	delete(c.owners, key)
}
