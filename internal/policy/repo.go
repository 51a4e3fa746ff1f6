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
	v, _, err := store.GetJSON[T](ctx, kv, tbl, key)
	if errs.KindOf(err) == errs.NotFound {
		return nil, errs.E(errs.NotFound, "%s not found", what)
	}
	return v, err
}

// list pages through table items under prefix (100 a page by default).
func list[T any](ctx context.Context, kv store.KV, tbl, prefix string, p Page) ([]*T, string, error) {
	limit := p.MaxResults
	if limit <= 0 {
		limit = 100
	}
	return store.ListJSON[T](ctx, kv, tbl, prefix, p.NextToken, limit)
}
