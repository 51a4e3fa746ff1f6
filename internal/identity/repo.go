package identity

import (
	"context"
	"encoding/json"

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

func createOp(tbl, key string, v any) store.Op { return store.CreateJSON(tbl, key, v) }
func putOp(tbl, key string, v any) store.Op    { return store.PutJSON(tbl, key, v) }

// updateOp is a revision-checked write of a record read at rev.
func updateOp(tbl, key string, rev int64, v any) store.Op { return store.UpdateJSON(tbl, key, rev, v) }
func deleteOp(tbl, key string) store.Op                   { return store.DeleteAny(tbl, key) }

func getJSON[T any](ctx context.Context, kv store.KV, tbl, key string, nf error) (*T, int64, error) {
	v, rev, err := store.GetJSON[T](ctx, kv, tbl, key)
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, nf
	}
	return v, rev, err
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
	return store.ListJSON[T](ctx, kv, tbl, prefix, p.NextToken, limit)
}
