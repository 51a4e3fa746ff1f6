// Package jwtcheck validates inbound bearer tokens for CUSTOM_JWT gateways:
// OIDC discovery (issuer, jwks_uri), signature against the JWKS (refreshed
// in the background by keyfunc), expiry, and the gateway's allowed
// audiences, clients, scopes and custom claims.
package jwtcheck

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/gateway"
)

// Validator implements gateway.TokenValidator.
type Validator struct {
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc

	mu    sync.Mutex
	issue map[string]*issuer // by discovery URL
}

type issuer struct {
	once    sync.Once
	err     error
	at      time.Time
	issuer  string
	keyfunc keyfunc.Keyfunc
}

// New returns a validator; Close stops its JWKS refreshers.
func New() *Validator {
	ctx, cancel := context.WithCancel(context.Background())
	return &Validator{client: &http.Client{Timeout: 10 * time.Second}, ctx: ctx, cancel: cancel, issue: map[string]*issuer{}}
}

// Close stops background refreshes.
func (v *Validator) Close() { v.cancel() }

func (v *Validator) issuer(ctx context.Context, discovery string) (*issuer, error) {
	v.mu.Lock()
	is := v.issue[discovery]
	if is != nil && is.err != nil && time.Since(is.at) > 10*time.Second {
		is = nil // retry failed discoveries
	}
	if is == nil {
		is = &issuer{}
		v.issue[discovery] = is
	}
	v.mu.Unlock()
	is.once.Do(func() {
		is.at = time.Now()
		is.err = v.discover(ctx, discovery, is)
	})
	return is, is.err
}

func (v *Validator) discover(ctx context.Context, discovery string, is *issuer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, discovery, nil)
	if err != nil {
		return err
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return fmt.Errorf("OIDC discovery %s: %w", discovery, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("OIDC discovery %s: HTTP %d", discovery, resp.StatusCode)
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || doc.JWKSURI == "" {
		return fmt.Errorf("OIDC discovery %s: no jwks_uri", discovery)
	}
	kf, err := keyfunc.NewDefaultCtx(v.ctx, []string{doc.JWKSURI})
	if err != nil {
		return fmt.Errorf("JWKS %s: %w", doc.JWKSURI, err)
	}
	is.issuer, is.keyfunc = doc.Issuer, kf
	return nil
}

func unauthorized(format string, args ...any) error {
	return errs.E(errs.Unauthorized, format, args...)
}

// Validate checks token and returns its claims.
func (v *Validator) Validate(ctx context.Context, token string, cfg *gateway.CustomJWTAuthorizer) (map[string]any, error) {
	if cfg == nil {
		return nil, unauthorized("gateway has no JWT authorizer configuration")
	}
	is, err := v.issuer(ctx, cfg.DiscoveryURL)
	if err != nil {
		return nil, errs.Wrap(errs.Unauthorized, err, "cannot validate tokens")
	}
	opts := []jwt.ParserOption{jwt.WithValidMethods([]string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"}),
		jwt.WithExpirationRequired(), jwt.WithLeeway(30 * time.Second)}
	if is.issuer != "" {
		opts = append(opts, jwt.WithIssuer(is.issuer))
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(token, claims, is.keyfunc.KeyfuncCtx(ctx), opts...); err != nil {
		return nil, unauthorized("invalid bearer token: %v", err)
	}
	if len(cfg.AllowedAudience) > 0 {
		aud, _ := claims.GetAudience()
		if !slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(cfg.AllowedAudience, a) }) {
			return nil, unauthorized("token audience %v is not allowed", []string(aud))
		}
	}
	if len(cfg.AllowedClients) > 0 {
		client := str(claims["client_id"])
		if client == "" {
			client = str(claims["azp"])
		}
		if client == "" {
			client = str(claims["cid"])
		}
		if !slices.Contains(cfg.AllowedClients, client) {
			return nil, unauthorized("token client %q is not allowed", client)
		}
	}
	if len(cfg.AllowedScopes) > 0 {
		scopes := strings.Fields(str(claims["scope"]))
		if l, ok := claims["scp"].([]any); ok {
			for _, s := range l {
				scopes = append(scopes, str(s))
			}
		}
		if !slices.ContainsFunc(scopes, func(s string) bool { return slices.Contains(cfg.AllowedScopes, s) }) {
			return nil, unauthorized("token has none of the allowed scopes %v", cfg.AllowedScopes)
		}
	}
	for _, cc := range cfg.CustomClaims {
		if err := checkClaim(claims, cc); err != nil {
			return nil, err
		}
	}
	return map[string]any(claims), nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func checkClaim(claims jwt.MapClaims, cc gateway.CustomClaim) error {
	v, ok := claims[cc.InboundTokenClaimName]
	if !ok {
		return unauthorized("token lacks claim %s", cc.InboundTokenClaimName)
	}
	var have []string
	switch x := v.(type) {
	case string:
		have = []string{x}
	case []any:
		for _, e := range x {
			have = append(have, str(e))
		}
	}
	m := cc.AuthorizingClaimMatchValue
	want := m.ClaimMatchValue.MatchValueStringList
	if m.ClaimMatchValue.MatchValueString != nil {
		want = append(want, *m.ClaimMatchValue.MatchValueString)
	}
	okMatch := false
	switch m.ClaimMatchOperator {
	case "EQUALS":
		okMatch = len(have) == 1 && len(want) >= 1 && have[0] == want[0]
	case "CONTAINS":
		okMatch = len(want) >= 1 && slices.Contains(have, want[0])
	case "CONTAINS_ANY":
		okMatch = slices.ContainsFunc(have, func(h string) bool { return slices.Contains(want, h) })
	}
	if !okMatch {
		return unauthorized("claim %s does not match", cc.InboundTokenClaimName)
	}
	return nil
}
