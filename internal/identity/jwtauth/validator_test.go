package jwtauth_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
	"github.com/agentcore-dev/agentcore/internal/identity/oidctest"
	"golang.org/x/oauth2/clientcredentials"
)

func str(s string) *string { return &s }

func TestValidateAgainstRealOP(t *testing.T) {
	o := oidctest.Start(t)
	o.SetClaims(oidctest.M2MClientID, map[string]any{"groups": []string{"eng", "ops"}, "tier": "gold"})
	v := jwtauth.New(jwtauth.Options{MinRefetch: time.Millisecond})
	ctx := context.Background()

	// A real client-credentials JWT access token from the OP's token endpoint.
	cc := clientcredentials.Config{ClientID: oidctest.M2MClientID, ClientSecret: oidctest.M2MClientSecret,
		TokenURL: o.URL + "/oauth/token", Scopes: []string{"read", "write"}}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg := jwtauth.CustomJWTAuthorizer{DiscoveryURL: o.DiscoveryURL, AllowedAudience: []string{oidctest.M2MClientID},
		AllowedClients: []string{oidctest.M2MClientID}, AllowedScopes: []string{"read"},
		CustomClaims: []jwtauth.CustomClaim{
			{InboundTokenClaimName: "groups", InboundTokenClaimValueType: "STRING_ARRAY",
				AuthorizingClaimMatchValue: jwtauth.ClaimMatch{ClaimMatchOperator: "CONTAINS", ClaimMatchValue: jwtauth.MatchValue{MatchValueString: str("eng")}}},
			{InboundTokenClaimName: "tier", InboundTokenClaimValueType: "STRING",
				AuthorizingClaimMatchValue: jwtauth.ClaimMatch{ClaimMatchOperator: "EQUALS", ClaimMatchValue: jwtauth.MatchValue{MatchValueString: str("gold")}}},
		}}
	if err := cfg.Check(); err != nil {
		t.Fatal(err)
	}
	c, err := v.Validate(ctx, tok.AccessToken, cfg)
	if err != nil {
		t.Fatalf("valid OP token rejected: %v", err)
	}
	if c.Subject != oidctest.M2MClientID || c.ClientID != oidctest.M2MClientID {
		t.Fatalf("claims: %+v", c)
	}

	good := map[string]any{"aud": oidctest.M2MClientID, "client_id": oidctest.M2MClientID, "scope": "read", "groups": []string{"eng"}, "tier": "gold"}
	with := func(k string, val any) map[string]any {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		m[k] = val
		return m
	}
	if _, err := v.Validate(ctx, o.Sign(good), cfg); err != nil {
		t.Fatalf("hand-minted good token: %v", err)
	}
	cases := []struct {
		name  string
		token string
		want  jwtauth.Reason
	}{
		{"wrong audience", o.Sign(with("aud", "other")), jwtauth.ReasonAudience},
		{"wrong client", o.Sign(with("client_id", "intruder")), jwtauth.ReasonClient},
		{"wrong scope", o.Sign(with("scope", "admin")), jwtauth.ReasonScope},
		{"claim mismatch", o.Sign(with("tier", "bronze")), jwtauth.ReasonClaim},
		{"claim wrong type", o.Sign(with("groups", "eng")), jwtauth.ReasonClaim},
		{"expired", o.Sign(with("exp", time.Now().Add(-time.Hour).Unix())), jwtauth.ReasonExpired},
		{"no exp", o.Sign(with("exp", nil)), jwtauth.ReasonExpired},
		{"not yet valid", o.Sign(with("nbf", time.Now().Add(time.Hour).Unix())), jwtauth.ReasonNotYet},
		{"wrong issuer", o.Sign(with("iss", "https://evil.example")), jwtauth.ReasonIssuer},
		{"unknown kid", o.SignForeign(good, "nope"), jwtauth.ReasonUnknownKey},
		{"bad signature (foreign key, known kid)", o.SignForeign(good, o.CurrentKID()), jwtauth.ReasonSignature},
		{"tampered payload", tamper(o.Sign(good)), jwtauth.ReasonSignature},
		{"alg none", algNone(good), jwtauth.ReasonSignature},
		{"malformed", "abc.def", jwtauth.ReasonMalformed},
		{"garbage segments", "a.b.c", jwtauth.ReasonMalformed},
		{"oversized", strings.Repeat("a", jwtauth.MaxTokenBytes) + ".b.c", jwtauth.ReasonMalformed},
		{"empty", "", jwtauth.ReasonMissing},
	}
	for _, tc := range cases {
		_, err := v.Validate(ctx, tc.token, cfg)
		if got := jwtauth.ReasonOf(err); got != tc.want {
			t.Errorf("%s: reason %q (%v), want %q", tc.name, got, err, tc.want)
		}
	}

	// Rotation: a token signed with a new key is accepted after a refetch.
	o.Rotate()
	if _, err := v.Validate(ctx, o.Sign(good), cfg); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	tok2, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Validate(ctx, tok2.AccessToken, cfg); err != nil {
		t.Fatalf("OP token after rotation: %v", err)
	}
}

type countingRT struct{ keys *int }

func (c countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/keys") {
		*c.keys++
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestRefetchIsRateLimited(t *testing.T) {
	o := oidctest.Start(t)
	hits := 0
	v := jwtauth.New(jwtauth.Options{MinRefetch: time.Hour, Client: &http.Client{Transport: countingRT{&hits}}})
	cfg := jwtauth.CustomJWTAuthorizer{DiscoveryURL: o.DiscoveryURL}
	ctx := context.Background()
	if _, err := v.Validate(ctx, o.Sign(nil), cfg); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if _, err := v.Validate(ctx, o.SignForeign(nil, "unknown-kid"), cfg); jwtauth.ReasonOf(err) != jwtauth.ReasonUnknownKey {
			t.Fatalf("unknown kid: %v", err)
		}
	}
	if hits != 2 { // the first fetch, then one refetch for the unknown kid
		t.Fatalf("JWKS fetched %d times for 20 unknown-kid tokens; want 2", hits)
	}
}

func TestDiscoveryFailures(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Second)
	}))
	defer slow.Close()
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>not json</html>"))
	}))
	defer garbage.Close()
	noKeys := httptest.NewServer(nil)
	defer noKeys.Close()
	noKeys.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "openid-configuration") {
			w.Write([]byte(`{"issuer":"x","jwks_uri":"` + noKeys.URL + `/keys"}`))
			return
		}
		w.Write([]byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`))
	})
	v := jwtauth.New(jwtauth.Options{Client: &http.Client{Timeout: 300 * time.Millisecond}})
	o := oidctest.Start(t)
	tok := o.Sign(nil)
	for _, u := range []string{slow.URL, garbage.URL, noKeys.URL, "http://127.0.0.1:1"} {
		_, err := v.Validate(context.Background(), tok, jwtauth.CustomJWTAuthorizer{DiscoveryURL: u + "/.well-known/openid-configuration"})
		if jwtauth.ReasonOf(err) != jwtauth.ReasonDiscovery {
			t.Errorf("%s: %v, want a discovery error", u, err)
		}
	}
}

func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	b, _ := base64.RawURLEncoding.DecodeString(parts[1])
	b = bytes.Replace(b, []byte(`"gold"`), []byte(`"GOLD"`), 1)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
}

func algNone(claims map[string]any) string {
	// {"alg":"none","typ":"JWT"} . {"sub":"x"} . (empty signature)
	return "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4IiwiZXhwIjo0MTAyNDQ0ODAwfQ."
}

// BenchmarkValidate is the per-request cost of validating a bearer JWT
// (RS256, 2048-bit key, cached JWKS, audience/client/scope/claim rules).
func BenchmarkValidate(b *testing.B) {
	o := oidctest.Start(b)
	v := jwtauth.New(jwtauth.Options{})
	cfg := jwtauth.CustomJWTAuthorizer{DiscoveryURL: o.DiscoveryURL, AllowedAudience: []string{"api"}, AllowedClients: []string{"c1"},
		AllowedScopes: []string{"read"}, CustomClaims: []jwtauth.CustomClaim{{InboundTokenClaimName: "groups", InboundTokenClaimValueType: "STRING_ARRAY",
			AuthorizingClaimMatchValue: jwtauth.ClaimMatch{ClaimMatchOperator: "CONTAINS", ClaimMatchValue: jwtauth.MatchValue{MatchValueString: str("eng")}}}}}
	tok := o.Sign(map[string]any{"aud": "api", "client_id": "c1", "scope": "read write", "groups": []string{"eng"}, "exp": time.Now().Add(time.Hour).Unix()})
	ctx := context.Background()
	if _, err := v.Validate(ctx, tok, cfg); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := v.Validate(ctx, tok, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStaleKeysWhenIssuerIsDown: past the discovery TTL, an unreachable
// authorization server does not invalidate the keys already held.
func TestStaleKeysWhenIssuerIsDown(t *testing.T) {
	o := oidctest.Start(t)
	v := jwtauth.New(jwtauth.Options{DiscoveryTTL: time.Millisecond, Client: &http.Client{Timeout: 300 * time.Millisecond}})
	cfg := jwtauth.CustomJWTAuthorizer{DiscoveryURL: o.DiscoveryURL}
	tok := o.Sign(nil)
	if _, err := v.Validate(context.Background(), tok, cfg); err != nil {
		t.Fatal(err)
	}
	o.Close()
	time.Sleep(5 * time.Millisecond)
	for i := 0; i < 3; i++ {
		if _, err := v.Validate(context.Background(), tok, cfg); err != nil {
			t.Fatalf("with the issuer down: %v", err)
		}
	}
}
