package identity

import (
	"context"
	"encoding/json"
	"regexp"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// TokenVault is the account's token vault (key configuration only; the key
// material is the server's local keyring).
type TokenVault struct {
	ID        string    `json:"tokenVaultId"`
	KeyType   string    `json:"keyType"`
	KmsKeyArn string    `json:"kmsKeyArn,omitempty"`
	Modified  time.Time `json:"lastModifiedDate"`
}

var vaultIDRE = regexp.MustCompile(`^[a-zA-Z0-9\-_]{1,64}$`)

func vaultID(id string) (string, error) {
	if id == "" {
		return "default", nil
	}
	if !vaultIDRE.MatchString(id) {
		return "", errs.Field("tokenVaultId", "tokenVaultId must be 1-64 characters of letters, digits, '-', '_'")
	}
	if id != "default" {
		return "", errs.E(errs.NotFound, "token vault %s not found", id)
	}
	return id, nil
}

// GetTokenVault is GetTokenVault.
func (s *Service) GetTokenVault(ctx context.Context, id string) (*TokenVault, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if id, err = vaultID(id); err != nil {
		return nil, err
	}
	v, _, err := getJSON[TokenVault](ctx, s.kv, tblVault, t.Account+"/"+id, errs.ErrNotFound)
	if errs.KindOf(err) == errs.NotFound {
		_, at := s.vault.Current()
		return &TokenVault{ID: id, KeyType: "ServiceManagedKey", Modified: at}, nil
	}
	return v, err
}

// SetTokenVaultCMK records the key configuration and rotates the key
// material: every secret of the account is re-sealed under a fresh key.
func (s *Service) SetTokenVaultCMK(ctx context.Context, id, keyType, kmsKeyArn string) (*TokenVault, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if id, err = vaultID(id); err != nil {
		return nil, err
	}
	switch {
	case keyType == "CustomerManagedKey" && kmsKeyArn == "":
		return nil, errs.Field("kmsConfiguration.kmsKeyArn", "CustomerManagedKey needs kmsKeyArn")
	case keyType != "CustomerManagedKey" && keyType != "ServiceManagedKey":
		return nil, errs.Field("kmsConfiguration.keyType", "keyType must be CustomerManagedKey or ServiceManagedKey")
	}
	if err := s.ResetKeyMaterial(ctx); err != nil {
		return nil, err
	}
	v := &TokenVault{ID: id, KeyType: keyType, KmsKeyArn: kmsKeyArn, Modified: s.now().UTC()}
	return v, s.kv.Txn(ctx, putOp(tblVault, t.Account+"/"+id, v))
}

// ResetKeyMaterial rotates the master key and re-seals every secret of the
// caller's account under it (ResetTokenVaultKeyMaterial).
func (s *Service) ResetKeyMaterial(ctx context.Context) error {
	t, err := tenant.From(ctx)
	if err != nil {
		return err
	}
	if err := s.vault.Rotate(); err != nil {
		return errs.Wrap(errs.Invalid, err, "the vault key cannot be rotated")
	}
	var ops []store.Op
	reseal := func(ct string, aad []byte) (string, error) {
		if ct == "" {
			return "", nil
		}
		pt, err := s.vault.Open(ct, aad)
		if err != nil {
			return "", err
		}
		return s.vault.Seal(pt, aad)
	}
	provs, err := s.kv.List(ctx, tblOAuth2, t.Account+"/", "", 100000)
	if err != nil {
		return err
	}
	for _, it := range provs {
		var p OAuth2Provider
		if json.Unmarshal(it.Value, &p) != nil {
			continue
		}
		if p.SecretCT, err = reseal(p.SecretCT, aadProvider(p.ARN)); err != nil {
			return err
		}
		ops = append(ops, store.Op{Kind: store.OpUpdate, Table: tblOAuth2, Key: it.Key, Value: mustJSON(&p), Revision: it.Revision})
	}
	keys, err := s.kv.List(ctx, tblAPIKey, t.Account+"/", "", 100000)
	if err != nil {
		return err
	}
	for _, it := range keys {
		var p APIKeyProvider
		if json.Unmarshal(it.Value, &p) != nil {
			continue
		}
		if p.KeyCT, err = reseal(p.KeyCT, aadAPIKey(p.ARN)); err != nil {
			return err
		}
		ops = append(ops, store.Op{Kind: store.OpUpdate, Table: tblAPIKey, Key: it.Key, Value: mustJSON(&p), Revision: it.Revision})
	}
	toks, err := s.kv.List(ctx, tblToken, t.Account+"/", "", 100000)
	if err != nil {
		return err
	}
	for _, it := range toks {
		var ut userToken
		if json.Unmarshal(it.Value, &ut) != nil {
			continue
		}
		if ut.AccessCT, err = reseal(ut.AccessCT, aadToken(it.Key)); err != nil {
			continue // unreadable tokens are dropped below
		}
		if ut.RefreshCT, err = reseal(ut.RefreshCT, aadToken(it.Key+"|refresh")); err != nil {
			continue
		}
		ops = append(ops, store.Op{Kind: store.OpUpdate, Table: tblToken, Key: it.Key, Value: mustJSON(&ut), Revision: it.Revision})
	}
	if len(ops) == 0 {
		return nil
	}
	return s.kv.Txn(ctx, ops...)
}
