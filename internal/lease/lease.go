// Package lease lets server replicas sharing a store run a background job
// on one of them at a time: a named lease is a row in the KV store holding
// its owner and an expiry, taken and renewed with revision-checked writes,
// so two replicas never both hold an unexpired lease. A replica that stops
// renewing (it died) loses the lease when it expires and another takes it.
//
// Expiries compare the replicas' wall clocks: keep them in sync (NTP) and
// the TTLs well above the skew.
package lease

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Table is the KV table leases live in.
const Table = "leases"

type record struct {
	Owner string    `json:"owner"`
	Until time.Time `json:"until"`
}

// Leases takes and renews leases for one owner (one server replica).
type Leases struct {
	kv    store.KV
	owner string
	now   func() time.Time
	mu    sync.Mutex
	held  map[string]bool // names this owner took (ReleaseAll)
}

// New returns the leases of owner (a name unique to this replica) in kv.
func New(kv store.KV, owner string) *Leases {
	return &Leases{kv: kv, owner: owner, now: time.Now, held: map[string]bool{}}
}

// Owner is the name this replica holds leases under.
func (l *Leases) Owner() string { return l.owner }

// Hold takes the named lease for ttl from now, or renews it when this
// owner holds it; it reports whether this owner holds it now. Another
// owner's unexpired lease, or losing a race to take it, gives false.
func (l *Leases) Hold(ctx context.Context, name string, ttl time.Duration) (bool, error) {
	now := l.now()
	val, _ := json.Marshal(record{Owner: l.owner, Until: now.Add(ttl).UTC()})
	it, err := l.kv.Get(ctx, Table, name)
	var op store.Op
	switch {
	case errs.KindOf(err) == errs.NotFound:
		op = store.Op{Kind: store.OpCreate, Table: Table, Key: name, Value: val}
	case err != nil:
		return false, err
	default:
		var r record
		if json.Unmarshal(it.Value, &r) == nil && r.Owner != l.owner && now.Before(r.Until) {
			return false, nil
		}
		op = store.Op{Kind: store.OpUpdate, Table: Table, Key: name, Value: val, Revision: it.Revision}
	}
	if err := l.kv.Txn(ctx, op); err != nil {
		if errs.KindOf(err) == errs.Conflict || errs.KindOf(err) == errs.NotFound {
			return false, nil // another replica wrote it first
		}
		return false, err
	}
	l.mu.Lock()
	l.held[name] = true
	l.mu.Unlock()
	return true, nil
}

// ReleaseAll releases every lease this owner took (a replica stopping).
func (l *Leases) ReleaseAll(ctx context.Context) error {
	l.mu.Lock()
	var names []string
	for n := range l.held {
		names = append(names, n)
	}
	clear(l.held)
	l.mu.Unlock()
	var first error
	for _, n := range names {
		if err := l.Release(ctx, n); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Release gives up the named lease if this owner holds it (a stopping
// replica lets another take over at once).
func (l *Leases) Release(ctx context.Context, name string) error {
	it, err := l.kv.Get(ctx, Table, name)
	if err != nil {
		if errs.KindOf(err) == errs.NotFound {
			return nil
		}
		return err
	}
	var r record
	if json.Unmarshal(it.Value, &r) != nil || r.Owner != l.owner {
		return nil
	}
	err = l.kv.Txn(ctx, store.Op{Kind: store.OpDelete, Table: Table, Key: name, Revision: it.Revision})
	if errs.KindOf(err) == errs.Conflict || errs.KindOf(err) == errs.NotFound {
		return nil
	}
	return err
}

// Leader is what a service is given to run a periodic job once across
// replicas: it reports whether this replica should run job now, holding
// its lease for ttl (run the job only when it says true; a nil Leader
// means a single server: always run).
type Leader func(ctx context.Context, job string, ttl time.Duration) bool

// Leader returns the Leader of these leases; store errors count as "not
// the leader" (the job runs on the next tick, here or elsewhere).
func (l *Leases) Leader() Leader {
	return func(ctx context.Context, job string, ttl time.Duration) bool {
		ok, err := l.Hold(ctx, job, ttl)
		return err == nil && ok
	}
}

// Run reports whether lead (possibly nil) lets this replica run job now.
func (lead Leader) Run(ctx context.Context, job string, ttl time.Duration) bool {
	return lead == nil || lead(ctx, job, ttl)
}
