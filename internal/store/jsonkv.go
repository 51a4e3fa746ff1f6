package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// Services keep JSON documents in the KV; these are the helpers they share.

// CreateJSON is an OpCreate of v encoded as JSON.
func CreateJSON(tbl, key string, v any) Op {
	return Op{Kind: OpCreate, Table: tbl, Key: key, Value: mustJSON(v)}
}

// PutJSON is an OpPut of v encoded as JSON.
func PutJSON(tbl, key string, v any) Op {
	return Op{Kind: OpPut, Table: tbl, Key: key, Value: mustJSON(v)}
}

// UpdateJSON is an OpUpdate of v that applies only while the item is still
// at revision rev (the one read): a read-modify-write that lost a race fails
// with a Concurrent errs.Conflict.
func UpdateJSON(tbl, key string, rev int64, v any) Op {
	return Op{Kind: OpUpdate, Table: tbl, Key: key, Value: mustJSON(v), Revision: rev}
}

// DeleteAt is an OpDelete that applies only while the item is still at
// revision rev.
func DeleteAt(tbl, key string, rev int64) Op {
	return Op{Kind: OpDelete, Table: tbl, Key: key, Revision: rev}
}

// DeleteAny is an OpDelete that ignores an absent key.
func DeleteAny(tbl, key string) Op {
	return Op{Kind: OpDelete, Table: tbl, Key: key, Revision: -1}
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

// GetJSON reads and decodes one document with its revision; a missing key
// is the KV's errs.NotFound.
func GetJSON[T any](ctx context.Context, kv KV, tbl, key string) (*T, int64, error) {
	it, err := kv.Get(ctx, tbl, key)
	if err != nil {
		return nil, 0, err
	}
	var v T
	if err := json.Unmarshal(it.Value, &v); err != nil {
		return nil, 0, fmt.Errorf("decode %s %s: %w", tbl, key, err)
	}
	return &v, it.Revision, nil
}

// ListPage reads up to limit items under prefix after the page token and
// returns the next page's token ("" at the end). Tokens are opaque (the
// last key, base64) and only valid for the same prefix: anything else is a
// ValidationException on nextToken.
func ListPage(ctx context.Context, kv KV, tbl, prefix, token string, limit int) ([]Item, string, error) {
	after := ""
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || len(token) > 2048 || !strings.HasPrefix(string(b), prefix) {
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
	return items, next, nil
}

// ListJSON is ListPage with every document decoded.
func ListJSON[T any](ctx context.Context, kv KV, tbl, prefix, token string, limit int) ([]*T, string, error) {
	items, next, err := ListPage(ctx, kv, tbl, prefix, token, limit)
	if err != nil {
		return nil, "", err
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
