package identity_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/identity"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/agentcore-dev/agentcore/internal/vault"
)

func newService(t *testing.T) (*identity.Service, context.Context, context.Context) {
	dir := t.TempDir()
	kv, err := sqlite.Open(context.Background(), filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kv.Close() })
	kr, err := vault.Open(filepath.Join(dir, "vault.key"))
	if err != nil {
		t.Fatal(err)
	}
	s := identity.New(identity.Options{KV: kv, Vault: kr, CallbackURL: "http://127.0.0.1/identities/oauth2/callback"})
	a := tenant.With(context.Background(), tenant.Tenant{Account: "111111111111", Region: "us-east-1"})
	b := tenant.With(context.Background(), tenant.Tenant{Account: "222222222222", Region: "us-east-1"})
	return s, a, b
}

func TestWorkloadAccessTokens(t *testing.T) {
	s, a, b := newService(t)
	if _, err := s.WorkloadToken(a, "missing"); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("WAT for a missing workload: %v", err)
	}
	if _, err := s.CreateWorkload(a, "wl-one", []string{"ftp://x"}, nil); errs.KindOf(err) != errs.Invalid {
		t.Fatalf("bad return URL: %v", err)
	}
	if _, err := s.CreateWorkload(a, "w", nil, nil); errs.KindOf(err) != errs.Invalid {
		t.Fatalf("short name: %v", err)
	}
	if _, err := s.CreateWorkload(a, "wl-one", nil, nil); err != nil {
		t.Fatal(err)
	}
	wat, err := s.WorkloadTokenForUserID(a, "wl-one", "alice")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.VerifyWAT(a, wat)
	if err != nil || c.UserID != "alice" || c.Workload != "wl-one" {
		t.Fatalf("verify: %+v %v", c, err)
	}
	if _, err := s.VerifyWAT(b, wat); errs.KindOf(err) != errs.AccessDenied {
		t.Fatalf("WAT used from another account: %v", err)
	}
	// Changing the claims (user) breaks the MAC.
	parts := strings.Split(wat, ".")
	forged := parts[0] + "." + strings.Replace(parts[1], parts[1][:4], "eyJh", 1) + "x." + parts[2]
	if _, err := s.VerifyWAT(a, forged); errs.KindOf(err) != errs.AccessDenied {
		t.Fatalf("forged WAT: %v", err)
	}
	for _, bad := range []string{"", "wat1.", "wat1.a.b", "jwt.a.b", strings.Repeat("w", 5000)} {
		if _, err := s.VerifyWAT(a, bad); errs.KindOf(err) != errs.AccessDenied {
			t.Fatalf("%q: %v", bad, err)
		}
	}
	s.SetClock(func() time.Time { return time.Now().Add(2 * time.Hour) })
	if _, err := s.VerifyWAT(a, wat); errs.KindOf(err) != errs.AccessDenied {
		t.Fatalf("expired WAT: %v", err)
	}
	s.SetClock(time.Now)
	// Another server key (another vault) cannot verify it.
	s2, a2, _ := newService(t)
	if _, err := s2.VerifyWAT(a2, wat); errs.KindOf(err) != errs.AccessDenied {
		t.Fatalf("WAT verified by another platform: %v", err)
	}
	if _, err := s.WorkloadTokenForJWT(a, "wl-one", "x.y.z"); errs.KindOf(err) != errs.Invalid {
		t.Fatalf("ForJWT without an authorizer: %v", err)
	}
}

func TestAPIKeyProvidersIsolatedPerAccount(t *testing.T) {
	s, a, b := newService(t)
	if _, err := s.CreateAPIKeyProvider(a, "bad name!", "k", nil); errs.KindOf(err) != errs.Invalid {
		t.Fatalf("bad name: %v", err)
	}
	if _, err := s.CreateAPIKeyProvider(a, "k", "", nil); errs.KindOf(err) != errs.Invalid {
		t.Fatalf("empty key: %v", err)
	}
	p, err := s.CreateAPIKeyProvider(a, "k", "sk-123", nil)
	if err != nil || strings.Contains(p.KeyCT, "sk-123") {
		t.Fatalf("create: %+v %v", p, err)
	}
	if _, err := s.CreateAPIKeyProvider(a, "k", "sk-456", nil); errs.KindOf(err) != errs.Conflict {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := s.GetAPIKeyProvider(b, "k"); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("other account: %v", err)
	}
	s.CreateWorkload(a, "wl-one", nil, nil)
	wat, _ := s.WorkloadToken(a, "wl-one")
	if k, err := s.ResourceAPIKey(a, "k", wat); err != nil || k != "sk-123" {
		t.Fatalf("ResourceAPIKey: %q %v", k, err)
	}
	if err := s.ResetKeyMaterial(a); err != nil {
		t.Fatal(err)
	}
	if k, err := s.ResourceAPIKey(a, "k", wat); err != nil || k != "sk-123" {
		t.Fatalf("after ResetKeyMaterial: %q %v", k, err)
	}
	if _, err := s.ResourceToken(a, identity.TokenRequest{Provider: "k", Flow: "ON_BEHALF_OF_TOKEN_EXCHANGE", WAT: wat}); errs.KindOf(err) != errs.Invalid {
		t.Fatalf("unsupported flow: %v", err)
	}
	if _, err := s.Callback(a, "forged", "code", ""); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("forged state: %v", err)
	}
	if err := s.CompleteAuth(a, "urn:ietf:params:oauth:request_uri:nope", "alice", ""); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("unknown session: %v", err)
	}
}
