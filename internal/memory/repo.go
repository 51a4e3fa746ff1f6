package memory

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Tables in the key-value store. Keys are joined with "|", a byte no id,
// actor, session or namespace may contain.
const (
	tblMemory  = "memory"
	tblName    = "memory_name"
	tblEvent   = "memory_event"
	tblSession = "memory_session"
	tblActor   = "memory_actor"
	tblRecord  = "memory_record"
	tblJob     = "memory_job"
	tblQueue   = "memory_queue"
	tblBatch   = "memory_batch"
	tblExpiry  = "memory_expiry"
)

func key(parts ...string) string { return strings.Join(parts, "|") }

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

func getJSON[T any](ctx context.Context, kv store.KV, tbl, k, what string) (*T, int64, error) {
	v, rev, err := store.GetJSON[T](ctx, kv, tbl, k)
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, errs.E(errs.NotFound, "%s not found", what)
	}
	return v, rev, err
}

// listPage reads up to limit items after the page token, returning the
// token of the next page ("" at the end).
func listPage(ctx context.Context, kv store.KV, tbl, prefix, token string, limit int) ([]store.Item, string, error) {
	return store.ListPage(ctx, kv, tbl, prefix, token, limit)
}

func encodeToken(k string) string { return base64.RawURLEncoding.EncodeToString([]byte(k)) }

func decodeToken(tok, prefix string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(tok) > 2048 || !strings.HasPrefix(string(b), prefix) {
		return "", errs.Field("nextToken", "nextToken is not valid for this request")
	}
	return string(b), nil
}

func pageSize(n int) (int, error) {
	if n == 0 {
		return 20, nil
	}
	if n < 1 || n > 100 {
		return 0, errs.Field("maxResults", "maxResults must be from 1 to 100")
	}
	return n, nil
}

func decode[T any](b []byte) (*T, error) {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("decode stored %T: %w", v, err)
	}
	return &v, nil
}
