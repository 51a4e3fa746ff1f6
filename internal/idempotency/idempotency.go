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

// Record is the stored first answer to a tokened request.
type Record struct {
	Fingerprint string    `json:"fingerprint"`
	Status      int       `json:"status"`
	Body        []byte    `json:"body"`
	At          time.Time `json:"at"`
}

// Service remembers tokens in the store.
type Service struct{ kv store.KV }

// New returns the service.
func New(kv store.KV) *Service { return &Service{kv: kv} }

func key(t tenant.Tenant, op, token string) string { return t.Account + "/" + op + "/" + token }

// Lookup returns the record for token if one exists. A record whose
// fingerprint differs gives a Conflict error.
func (s *Service) Lookup(ctx context.Context, op, token, fingerprint string) (*Record, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	it, err := s.kv.Get(ctx, table, key(t, op, token))
	if errs.KindOf(err) == errs.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(it.Value, &r); err != nil || time.Since(r.At) > TTL {
		return nil, nil
	}
	if r.Fingerprint != fingerprint {
		return nil, errs.E(errs.Conflict, "clientToken %q was already used with different parameters for %s", token, op)
	}
	return &r, nil
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
