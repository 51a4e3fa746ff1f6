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
func putOp(tbl, key string, v any) store.Op    { return store.PutJSON(tbl, key, v) }
func deleteOp(tbl, key string) store.Op        { return store.DeleteAny(tbl, key) }

func getJSON[T any](ctx context.Context, kv store.KV, tbl, key, what string) (*T, error) {
	v, _, err := store.GetJSON[T](ctx, kv, tbl, key)
	if errs.KindOf(err) == errs.NotFound {
		return nil, errs.E(errs.NotFound, "%s not found", what)
	}
	return v, err
}

func (r repo) gateway(ctx context.Context, acct, id string) (*Gateway, error) {
	return getJSON[Gateway](ctx, r.kv, tblGateway, gwKey(acct, id), "gateway "+id)
}

func (r repo) target(ctx context.Context, acct, gw, id string) (*Target, error) {
	return getJSON[Target](ctx, r.kv, tblTarget, targetKey(acct, gw, id), fmt.Sprintf("target %s of gateway %s", id, gw))
}

// list pages through table items under prefix (100 a page by default).
func list[T any](ctx context.Context, kv store.KV, tbl, prefix string, p Page) ([]*T, string, error) {
	limit := p.MaxResults
	if limit <= 0 {
		limit = 100
	}
	return store.ListJSON[T](ctx, kv, tbl, prefix, p.NextToken, limit)
}
