package runtime

import (
	"context"
	"fmt"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Tables in the key-value store.
const (
	tblRuntime  = "runtime"
	tblName     = "runtime_name"
	tblVersion  = "runtime_version"
	tblEndpoint = "runtime_endpoint"
)

// repo maps runtime records onto store.KV keys scoped by account.
type repo struct{ kv store.KV }

func runtimeKey(acct, id string) string        { return acct + "/" + id }
func nameKey(acct, name string) string         { return acct + "/" + name }
func versionKey(acct, id string, v int) string { return fmt.Sprintf("%s/%s/%010d", acct, id, v) }
func endpointKey(acct, id, name string) string { return acct + "/" + id + "/" + name }

func createOp(tbl, key string, v any) store.Op { return store.CreateJSON(tbl, key, v) }
func deleteOp(tbl, key string) store.Op        { return store.DeleteAny(tbl, key) }

// updateOp is a revision-checked write of a record read at rev.
func updateOp(tbl, key string, rev int64, v any) store.Op { return store.UpdateJSON(tbl, key, rev, v) }

func getJSON[T any](ctx context.Context, kv store.KV, tbl, key, what string) (*T, int64, error) {
	v, rev, err := store.GetJSON[T](ctx, kv, tbl, key)
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, errs.E(errs.NotFound, "%s not found", what)
	}
	return v, rev, err
}

func (r repo) runtime(ctx context.Context, acct, id string) (*Runtime, error) {
	v, _, err := r.runtimeRev(ctx, acct, id)
	return v, err
}

// runtimeRev is runtime with the record's revision, for a revision-checked write.
func (r repo) runtimeRev(ctx context.Context, acct, id string) (*Runtime, int64, error) {
	return getJSON[Runtime](ctx, r.kv, tblRuntime, runtimeKey(acct, id), fmt.Sprintf("agent runtime %s", id))
}

func (r repo) version(ctx context.Context, acct, id string, v int) (*Version, error) {
	x, _, err := r.versionRev(ctx, acct, id, v)
	return x, err
}

func (r repo) versionRev(ctx context.Context, acct, id string, v int) (*Version, int64, error) {
	return getJSON[Version](ctx, r.kv, tblVersion, versionKey(acct, id, v), fmt.Sprintf("version %d of agent runtime %s", v, id))
}

func (r repo) endpoint(ctx context.Context, acct, id, name string) (*Endpoint, error) {
	v, _, err := r.endpointRev(ctx, acct, id, name)
	return v, err
}

func (r repo) endpointRev(ctx context.Context, acct, id, name string) (*Endpoint, int64, error) {
	return getJSON[Endpoint](ctx, r.kv, tblEndpoint, endpointKey(acct, id, name), fmt.Sprintf("endpoint %s of agent runtime %s", name, id))
}

// list pages through table items under prefix (100 a page by default).
func list[T any](ctx context.Context, kv store.KV, tbl, prefix string, p Page) ([]*T, string, error) {
	limit := p.MaxResults
	if limit <= 0 {
		limit = 100
	}
	return store.ListJSON[T](ctx, kv, tbl, prefix, p.NextToken, limit)
}
