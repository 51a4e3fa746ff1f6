package runtime

import (
	"context"
	"encoding/json"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Every node sweeps the registry once a lease (revision-checked writes:
// nodes sweeping at once do each thing once):
//
//   - a node whose row has not changed for three leases (killed, or cut off
//     from the store) is declared Dead, as a takeover would (it is fenced if
//     it comes back);
//   - the session_owner rows of a node Dead for a lease — by then it either
//     beat and was fenced (its sessions stopped) or cannot reach the store,
//     without which it serves none of them (Route) — are deleted, so they
//     do not linger until their sessions are used again; so are the rows
//     of nodes whose row is gone (looked for every sweepAllEvery ticks).
//
// Dead rows themselves go after ten leases (refresh).
const sweepAllEvery = 40 // heartbeat ticks (ten leases)

func (c *Cluster) sweep(ctx context.Context, all bool) {
	now := time.Now()
	var fence []Node
	var fenceRev []int64
	dead := map[string]bool{} // nodes whose owner rows go
	c.mu.Lock()
	self := c.self.ID
	for id, p := range c.peers {
		switch {
		case id == self:
		case p.node.Dead:
			if now.Sub(p.seenAt) > c.o.Lease {
				dead[id] = true
			}
		case now.Sub(p.seenAt) > 3*c.o.Lease:
			n := p.node
			n.Dead = true
			fence, fenceRev = append(fence, n), append(fenceRev, p.rev)
		}
	}
	c.mu.Unlock()
	for i, n := range fence {
		err := c.o.KV.Txn(ctx, store.UpdateJSON(tblNode, n.ID, fenceRev[i], n))
		switch k := errs.KindOf(err); {
		case err == nil:
			c.log.Warn("cluster node declared dead: silent for three leases", "node", n.ID, "url", n.URL)
			c.forget(n.ID)
		case k != errs.Conflict && k != errs.NotFound:
			c.log.Warn("cluster: declare node dead", "node", n.ID, "err", err)
		}
	}
	if len(dead) > 0 || all {
		c.sweepOwners(ctx, dead)
	}
}

// sweepOwners deletes the owner rows of the dead nodes and of nodes whose
// row is gone.
func (c *Cluster) sweepOwners(ctx context.Context, dead map[string]bool) {
	self := c.NodeID()
	removed := 0
	for after := ""; ; {
		items, err := c.o.KV.List(ctx, tblOwner, "", after, 1000)
		if err != nil {
			c.log.Warn("cluster: list session owners", "err", err)
			return
		}
		for _, it := range items {
			var row ownerRow
			if json.Unmarshal(it.Value, &row) != nil || row.Node == self {
				continue
			}
			if !dead[row.Node] {
				if p := c.peer(ctx, row.Node); p != nil { // a node not listed yet is read from the store
					continue
				}
			}
			err := c.o.KV.Txn(ctx, store.DeleteAt(tblOwner, it.Key, it.Revision))
			if err == nil {
				removed++
			} else if k := errs.KindOf(err); k != errs.Conflict && k != errs.NotFound {
				c.log.Warn("cluster: delete a dead node's session owner row", "session", it.Key, "err", err)
			}
		}
		if len(items) < 1000 {
			break
		}
		after = items[len(items)-1].Key
	}
	if removed > 0 {
		c.log.Info("cluster: owner rows of dead replicas removed", "rows", removed)
	}
}
