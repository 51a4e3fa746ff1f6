package identity

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Tables in the key-value store. Keys start with the account id, except
// sessions (reached from the OAuth2 callback, which carries no tenant).
const (
	tblWorkload = "identity_workload"    // acct/name
	tblOAuth2   = "identity_oauth2"      // acct/name
	tblAPIKey   = "identity_apikey"      // acct/name
	tblVault    = "identity_vault"       // acct/vaultId
	tblToken    = "identity_token"       // acct/flow/workload/user/provider/scopeHash
	tblSession  = "identity_session"     // id
	tblState    = "identity_oauth_state" // state → session id
)

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

func createOp(tbl, key string, v any) store.Op {
	return store.Op{Kind: store.OpCreate, Table: tbl, Key: key, Value: mustJSON(v)}
}

func putOp(tbl, key string, v any) store.Op {
	return store.Op{Kind: store.OpPut, Table: tbl, Key: key, Value: mustJSON(v)}
}

func deleteOp(tbl, key string) store.Op {
	return store.Op{Kind: store.OpDelete, Table: tbl, Key: key, Revision: -1}
}

func getJSON[T any](ctx context.Context, kv store.KV, tbl, key string, nf error) (*T, int64, error) {
	it, err := kv.Get(ctx, tbl, key)
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, nf
	}
	if err != nil {
		return nil, 0, err
	}
	var v T
	if err := json.Unmarshal(it.Value, &v); err != nil {
		return nil, 0, fmt.Errorf("decode %s: %w", tbl, err)
	}
	return &v, it.Revision, nil
}

// Page asks for one page of a list.
type Page struct {
	MaxResults int
	NextToken  string
}

func list[T any](ctx context.Context, kv store.KV, tbl, prefix string, p Page) ([]*T, string, error) {
	limit := p.MaxResults
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	after := ""
	if p.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(p.NextToken)
		if err != nil || !strings.HasPrefix(string(b), prefix) {
			return nil, "", errs.Field("nextToken", "nextToken is not valid for this request")
		}
		after = string(b)
	}
	items, err := kv.List(ctx, tbl, prefix, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		next = base64.RawURLEncoding.EncodeToString([]byte(items[limit-1].Key))
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
