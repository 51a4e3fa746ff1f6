// Package idempotency makes retried mutating calls safe: a clientToken seen
// before with the same request replays the first answer; with a different
// request it is a conflict.
package idempotency

import (
	"context"
	"encoding/json"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

const table = "idempotency"

// TTL is how long a token is remembered (AWS keeps them about 8 hours).
const TTL = 8 * time.Hour

// Claims: the first request with a token claims it (a record without an
// answer) before it runs, so a concurrent repeat — on this server or another
// replica — waits for the first answer instead of running the operation a
// second time.
const (
	claimWait = 30 * time.Second // how long a repeat waits for the first answer
	claimTTL  = 5 * time.Minute  // a claim older than this was abandoned (server gone)
	claimPoll = 25 * time.Millisecond
)

// Record is the stored first answer to a tokened request.
type Record struct {
	Fingerprint string    `json:"fingerprint"`
	Status      int       `json:"status"` // 0: claimed, no answer yet
	Body        []byte    `json:"body"`
	At          time.Time `json:"at"`
}

// Service remembers tokens in the store.
type Service struct{ kv store.KV }

// New returns the service.
func New(kv store.KV) *Service { return &Service{kv: kv} }

func key(t tenant.Tenant, op, token string) string { return t.Account + "/" + op + "/" + token }

// Lookup returns the first answer to token. When there is none yet it
// claims the token for this request and returns nil: the caller runs the
// operation and then calls Save (success) or Release (failure). A repeat
// that finds the token claimed by a running request waits for its answer.
// A record whose fingerprint differs gives a Conflict error.
func (s *Service) Lookup(ctx context.Context, op, token, fingerprint string) (*Record, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	k := key(t, op, token)
	claim, _ := json.Marshal(Record{Fingerprint: fingerprint, At: time.Now().UTC()})
	deadline := time.Now().Add(claimWait)
	for {
		it, err := s.kv.Get(ctx, table, k)
		if errs.KindOf(err) == errs.NotFound {
			err = s.kv.Txn(ctx, store.Op{Kind: store.OpCreate, Table: table, Key: k, Value: claim})
			if store.Concurrent(err) {
				continue // claimed meanwhile: read it
			}
			return nil, err
		}
		if err != nil {
			return nil, err
		}
		var r Record
		if err := json.Unmarshal(it.Value, &r); err != nil || time.Since(r.At) > TTL || (r.Status == 0 && time.Since(r.At) > claimTTL) {
			// Expired or abandoned: take it over.
			err = s.kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: table, Key: k, Value: claim, Revision: it.Revision})
			if store.Concurrent(err) {
				continue
			}
			return nil, err
		}
		if r.Fingerprint != fingerprint {
			return nil, errs.E(errs.Conflict, "clientToken %q was already used with different parameters for %s", token, op)
		}
		if r.Status != 0 {
			return &r, nil
		}
		if time.Now().After(deadline) {
			return nil, errs.E(errs.Conflict, "a request with clientToken %q is still in progress for %s", token, op)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(claimPoll):
		}
	}
}

// Release gives up a claim after the operation failed, so a retry with the
// token runs it again.
func (s *Service) Release(ctx context.Context, op, token string) error {
	t, err := tenant.From(ctx)
	if err != nil {
		return err
	}
	return s.kv.Txn(ctx, store.DeleteAny(table, key(t, op, token)))
}

// Save remembers the answer to a tokened request.
func (s *Service) Save(ctx context.Context, op, token string, r Record) error {
	t, err := tenant.From(ctx)
	if err != nil {
		return err
	}
	r.At = time.Now().UTC()
	b, _ := json.Marshal(r)
	return s.kv.Txn(ctx, store.Op{Kind: store.OpPut, Table: table, Key: key(t, op, token), Value: b})
}
