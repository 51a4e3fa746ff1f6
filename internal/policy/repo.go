package policy

import (
	"context"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Tables in the key-value store.
const (
	tblEngine     = "policy_engine"
	tblEngineName = "policy_engine_name"
	tblPolicy     = "policy"
	tblPolicyName = "policy_name"
)

func createOp(tbl, key string, v any) store.Op { return store.CreateJSON(tbl, key, v) }
func putOp(tbl, key string, v any) store.Op    { return store.PutJSON(tbl, key, v) }
func deleteOp(tbl, key string) store.Op        { return store.DeleteAny(tbl, key) }

func getJSON[T any](ctx context.Context, kv store.KV, tbl, key, what string) (*T, error) {
	v, _, err := getRev[T](ctx, kv, tbl, key, what)
	return v, err
}

// getRev is getJSON with the record's revision, for a revision-checked write.
func getRev[T any](ctx context.Context, kv store.KV, tbl, key, what string) (*T, int64, error) {
	v, rev, err := store.GetJSON[T](ctx, kv, tbl, key)
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, errs.E(errs.NotFound, "%s not found", what)
	}
	return v, rev, err
}

// updateOp is a revision-checked write of a record read at rev.
func updateOp(tbl, key string, rev int64, v any) store.Op { return store.UpdateJSON(tbl, key, rev, v) }

// nameTaken reports whether a name record exists for another owner: a write
// conflict on it is a duplicate name, not a lost race.
func nameTaken(ctx context.Context, kv store.KV, tbl, key, owner string) bool {
	id, _, err := store.GetJSON[string](ctx, kv, tbl, key)
	return err == nil && *id != owner
}

// list pages through table items under prefix (100 a page by default).
func list[T any](ctx context.Context, kv store.KV, tbl, prefix string, p Page) ([]*T, string, error) {
	limit := p.MaxResults
	if limit <= 0 {
		limit = 100
	}
	return store.ListJSON[T](ctx, kv, tbl, prefix, p.NextToken, limit)
}
