package gateway

import (
	"context"
	"encoding/base64"
	"encoding/json"
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
func mustJSON(v any) []byte                   { b, _ := json.Marshal(v); return b }
func createOp(tbl, key string, v any) store.Op {
	return store.Op{Kind: store.OpCreate, Table: tbl, Key: key, Value: mustJSON(v)}
}
func putOp(tbl, key string, v any) store.Op {
	return store.Op{Kind: store.OpPut, Table: tbl, Key: key, Value: mustJSON(v)}
}
func deleteOp(tbl, key string) store.Op {
	return store.Op{Kind: store.OpDelete, Table: tbl, Key: key, Revision: -1}
}

func getJSON[T any](ctx context.Context, kv store.KV, tbl, key, what string) (*T, error) {
	it, err := kv.Get(ctx, tbl, key)
	if errs.KindOf(err) == errs.NotFound {
		return nil, errs.E(errs.NotFound, "%s not found", what)
	}
	if err != nil {
		return nil, err
	}
	var v T
	if err := json.Unmarshal(it.Value, &v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", what, err)
	}
	return &v, nil
}

func (r repo) gateway(ctx context.Context, acct, id string) (*Gateway, error) {
	return getJSON[Gateway](ctx, r.kv, tblGateway, gwKey(acct, id), "gateway "+id)
}

func (r repo) target(ctx context.Context, acct, gw, id string) (*Target, error) {
	return getJSON[Target](ctx, r.kv, tblTarget, targetKey(acct, gw, id), fmt.Sprintf("target %s of gateway %s", id, gw))
}

// list pages through table items under prefix.
func list[T any](ctx context.Context, kv store.KV, tbl, prefix string, p Page) ([]*T, string, error) {
	limit := p.MaxResults
	if limit <= 0 {
		limit = 100
	}
	after, err := decodeToken(p.NextToken, prefix)
	if err != nil {
		return nil, "", err
	}
	items, err := kv.List(ctx, tbl, prefix, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		next = encodeToken(items[limit-1].Key)
	}
	out := make([]*T, 0, len(items))
	for _, it := range items {
		var v T
		if err := json.Unmarshal(it.Value, &v); err != nil {
			return nil, "", fmt.Errorf("decode %s: %w", tbl, err)
		}
		out = append(out, &v)
	}
	return out, next, nil
}

func encodeToken(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeToken(tok, prefix string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(b), prefix) {
		return "", errs.Field("nextToken", "nextToken is not valid for this request")
	}
	return string(b), nil
}
