package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/vault"
)

// checkVaultKey refuses to serve a database whose token vault was sealed
// under another key: replicas each with their own --data-dir/vault.key
// would not read each other's API keys and OAuth secrets. The first server
// seals a canary into server_meta; every server must open it (a rotated
// keyring keeps its old keys, so rotation passes).
func checkVaultKey(ctx context.Context, kv store.KV, kr *vault.Keyring) error {
	const table, key, canary = "server_meta", "vault-key-check", "agentcore-vault-key-check"
	it, err := kv.Get(ctx, table, key)
	if errs.KindOf(err) == errs.NotFound {
		sealed, serr := kr.Seal([]byte(canary), []byte(key))
		if serr != nil {
			return serr
		}
		v, _ := json.Marshal(map[string]string{"sealed": sealed})
		err = kv.Txn(ctx, store.Op{Kind: store.OpCreate, Table: table, Key: key, Value: v})
		if errs.KindOf(err) != errs.Conflict {
			return err
		}
		it, err = kv.Get(ctx, table, key)
	}
	if err != nil {
		return fmt.Errorf("vault key check: %w", err)
	}
	var got struct{ Sealed string }
	if json.Unmarshal(it.Value, &got) != nil {
		return errors.New("vault key check: unreadable server_meta record")
	}
	if b, err := kr.Open(got.Sealed, []byte(key)); err != nil || string(b) != canary {
		return errors.New("the database's token vault is sealed under another key: give every server on this database " +
			"the same AGENTCORE_VAULT_KEY (or the same --data-dir/vault.key)")
	}
	return nil
}
