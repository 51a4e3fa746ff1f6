package gateway

import (
	"context"
	"fmt"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Tables in the key-value store.
const (
	tblGateway     = "gateway"
	tblGatewayName = "gateway_name"
	tblTarget      = "gateway_target"
	tblTargetName  = "gateway_target_name"
)

// repo maps gateway records onto store.KV keys scoped by account.
type repo struct{ kv store.KV }

func gwKey(acct, id string) string            { return acct + "/" + id }
func targetKey(acct, gw, id string) string    { return acct + "/" + gw + "/" + id }
func targetNameKey(acct, gw, n string) string { return acct + "/" + gw + "/" + strings.ToLower(n) }

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

func (r repo) gateway(ctx context.Context, acct, id string) (*Gateway, error) {
	g, _, err := r.gatewayRev(ctx, acct, id)
	return g, err
}

// gatewayRev is gateway with the record's revision, for a revision-checked write.
func (r repo) gatewayRev(ctx context.Context, acct, id string) (*Gateway, int64, error) {
	return getJSON[Gateway](ctx, r.kv, tblGateway, gwKey(acct, id), "gateway "+id)
}

func (r repo) target(ctx context.Context, acct, gw, id string) (*Target, error) {
	tg, _, err := r.targetRev(ctx, acct, gw, id)
	return tg, err
}

func (r repo) targetRev(ctx context.Context, acct, gw, id string) (*Target, int64, error) {
	return getJSON[Target](ctx, r.kv, tblTarget, targetKey(acct, gw, id), fmt.Sprintf("target %s of gateway %s", id, gw))
}

// nameTaken reports whether a name record exists for another owner: a write
// conflict on it is a duplicate name, not a lost race.
func (r repo) nameTaken(ctx context.Context, tbl, key, owner string) bool {
	id, _, err := store.GetJSON[string](ctx, r.kv, tbl, key)
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
