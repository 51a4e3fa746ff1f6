package jwtauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// MaxTokenBytes bounds the raw token (larger tokens are rejected unparsed).
const MaxTokenBytes = 16 << 10

// Claims is a validated token.
type Claims struct {
	Subject  string
	Issuer   string
	ClientID string
	Audience []string
	Scopes   []string
	Expiry   time.Time
	Raw      map[string]any
}

// Options tune a Validator; zero values take the defaults.
type Options struct {
	Client       *http.Client  // default: 5 s timeout
	DiscoveryTTL time.Duration // how long discovery + JWKS are trusted; default 1h
	MinRefetch   time.Duration // least time between JWKS refetches for unknown kids; default 10s
	Leeway       time.Duration // clock skew allowed on exp/nbf/iat; default 30s
	Now          func() time.Time
}

// Validator validates tokens; one per server, safe for concurrent use.
type Validator struct {
	opt   Options
	mu    sync.Mutex
	iss   map[string]*issuer // by discovery URL
	algos []string
}

type issuer struct {
	mu          sync.Mutex
	issuer      string
	jwksURI     string
	keys        map[string]any // kid → public key
	nokid       []any          // keys without kid
	fetched     time.Time
	lastRefetch time.Time
	failedAt    time.Time // last discovery failure (answered from cache for a while)
	failErr     error
}

// failTTL is how long a failed discovery is answered from cache, so a down
// authorization server is not hit (and waited on) by every request.
const failTTL = 5 * time.Second

// New returns a validator.
func New(opt Options) *Validator {
	if opt.Client == nil {
		opt.Client = &http.Client{Timeout: 5 * time.Second}
	}
	if opt.DiscoveryTTL == 0 {
		opt.DiscoveryTTL = time.Hour
	}
	if opt.MinRefetch == 0 {
		opt.MinRefetch = 10 * time.Second
	}
	if opt.Leeway == 0 {
		opt.Leeway = 30 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Validator{opt: opt, iss: map[string]*issuer{},
		algos: []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}}
}

// Validate checks rawToken against cfg and returns its claims.
func (v *Validator) Validate(ctx context.Context, rawToken string, cfg CustomJWTAuthorizer) (*Claims, error) {
	rawToken = strings.TrimSpace(rawToken)
	if rawToken == "" {
		return nil, rej(ReasonMissing, "no bearer token", nil)
	}
	if len(rawToken) > MaxTokenBytes {
		return nil, rej(ReasonMalformed, fmt.Sprintf("the token is larger than %d bytes", MaxTokenBytes), nil)
	}
	if strings.Count(rawToken, ".") != 2 {
		return nil, rej(ReasonMalformed, "the token is not a JWS compact serialization", nil)
	}
	is, err := v.issuer(ctx, cfg.DiscoveryURL)
	if err != nil {
		return nil, err
	}
	var keyErr error
	p := jwt.NewParser(jwt.WithValidMethods(v.algos), jwt.WithExpirationRequired(), jwt.WithIssuer(is.issuer),
		jwt.WithLeeway(v.opt.Leeway), jwt.WithTimeFunc(v.opt.Now))
	mc := jwt.MapClaims{}
	_, err = p.ParseWithClaims(rawToken, mc, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, err := v.key(ctx, is, kid)
		keyErr = err
		return k, err
	})
	if err != nil {
		return nil, classify(err, keyErr)
	}
	c := claimsOf(mc)
	return c, check(c, cfg)
}

func classify(err, keyErr error) error {
	var e *Error
	if keyErr != nil && errors.As(keyErr, &e) {
		return e
	}
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return rej(ReasonMalformed, "the token is malformed", err)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return rej(ReasonSignature, "the token signature is invalid", nil)
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return rej(ReasonExpired, "the token is expired or has no exp claim", nil)
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return rej(ReasonNotYet, "the token is not valid yet", nil)
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return rej(ReasonIssuer, "the token issuer does not match the discovery document", nil)
	case errors.Is(err, jwt.ErrTokenUnverifiable), errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return rej(ReasonSignature, "the token cannot be verified", err)
	}
	return rej(ReasonMalformed, "the token is invalid", err)
}

func claimsOf(mc jwt.MapClaims) *Claims {
	c := &Claims{Raw: mc}
	c.Subject, _ = mc["sub"].(string)
	c.Issuer, _ = mc["iss"].(string)
	c.ClientID, _ = mc["client_id"].(string)
	if c.ClientID == "" {
		c.ClientID, _ = mc["azp"].(string)
	}
	if aud, err := mc.GetAudience(); err == nil {
		c.Audience = aud
	}
	if exp, err := mc.GetExpirationTime(); err == nil && exp != nil {
		c.Expiry = exp.Time
	}
	switch s := mc["scope"].(type) {
	case string:
		c.Scopes = strings.Fields(s)
	case []any:
		c.Scopes = strList(s)
	}
	if scp, ok := mc["scp"].([]any); ok && len(c.Scopes) == 0 {
		c.Scopes = strList(scp)
	}
	return c
}

func strList(in []any) []string {
	var out []string
	for _, x := range in {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// check applies the authorizer's audience, client, scope and claim rules.
func check(c *Claims, cfg CustomJWTAuthorizer) error {
	if len(cfg.AllowedAudience) > 0 && !slices.ContainsFunc(c.Audience, func(a string) bool { return slices.Contains(cfg.AllowedAudience, a) }) {
		return rej(ReasonAudience, "the token audience is not allowed", nil)
	}
	if len(cfg.AllowedClients) > 0 && !slices.Contains(cfg.AllowedClients, c.ClientID) {
		return rej(ReasonClient, "the token client is not allowed", nil)
	}
	if len(cfg.AllowedScopes) > 0 && !slices.ContainsFunc(c.Scopes, func(s string) bool { return slices.Contains(cfg.AllowedScopes, s) }) {
		return rej(ReasonScope, "the token has none of the allowed scopes", nil)
	}
	for _, cc := range cfg.CustomClaims {
		if !claimMatches(c.Raw[cc.InboundTokenClaimName], cc) {
			return rej(ReasonClaim, fmt.Sprintf("claim %q does not satisfy the authorizer's rule", cc.InboundTokenClaimName), nil)
		}
	}
	return nil
}

func claimMatches(v any, cc CustomClaim) bool {
	mv := cc.AuthorizingClaimMatchValue.ClaimMatchValue
	switch cc.InboundTokenClaimValueType {
	case "STRING":
		s, ok := v.(string)
		return ok && mv.MatchValueString != nil && cc.AuthorizingClaimMatchValue.ClaimMatchOperator == "EQUALS" && s == *mv.MatchValueString
	case "STRING_ARRAY":
		arr, ok := v.([]any)
		if !ok {
			return false
		}
		list := strList(arr)
		if len(list) != len(arr) {
			return false
		}
		switch cc.AuthorizingClaimMatchValue.ClaimMatchOperator {
		case "CONTAINS":
			return mv.MatchValueString != nil && slices.Contains(list, *mv.MatchValueString)
		case "CONTAINS_ANY":
			return slices.ContainsFunc(list, func(s string) bool { return slices.Contains(mv.MatchValueStringList, s) })
		}
	}
	return false
}

// issuer returns the cached discovery + JWKS of url, fetching when stale.
func (v *Validator) issuer(ctx context.Context, url string) (*issuer, error) {
	v.mu.Lock()
	is, ok := v.iss[url]
	if !ok {
		is = &issuer{}
		v.iss[url] = is
	}
	v.mu.Unlock()
	is.mu.Lock()
	defer is.mu.Unlock()
	if is.issuer != "" && v.opt.Now().Sub(is.fetched) < v.opt.DiscoveryTTL {
		return is, nil
	}
	stale := is.issuer != "" // keys we still hold if the refresh fails
	if is.failErr != nil && v.opt.Now().Sub(is.failedAt) < failTTL {
		if stale {
			return is, nil
		}
		return nil, is.failErr
	}
	is2, err := v.discover(ctx, url, is)
	if err != nil {
		is.failedAt, is.failErr = v.opt.Now(), err
		if stale {
			return is, nil // an authorization server that is down keeps its last keys
		}
		return nil, err
	}
	is.failErr = nil
	return is2, nil
}

func (v *Validator) discover(ctx context.Context, url string, is *issuer) (*issuer, error) {
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := v.getJSON(ctx, url, &doc); err != nil {
		return nil, rej(ReasonDiscovery, "the authorizer's discovery document could not be read", err)
	}
	if doc.Issuer == "" || doc.JWKSURI == "" {
		return nil, rej(ReasonDiscovery, "the authorizer's discovery document has no issuer or jwks_uri", nil)
	}
	old, oldURI := is.issuer, is.jwksURI
	is.issuer, is.jwksURI = doc.Issuer, doc.JWKSURI
	if err := v.fetchKeys(ctx, is); err != nil {
		is.issuer, is.jwksURI = old, oldURI
		return nil, err
	}
	return is, nil
}

// key returns the verification key for kid, refetching the JWKS (at most
// once per MinRefetch) when kid is unknown.
func (v *Validator) key(ctx context.Context, is *issuer, kid string) (any, error) {
	is.mu.Lock()
	defer is.mu.Unlock()
	if k := is.lookup(kid); k != nil {
		return k, nil
	}
	if v.opt.Now().Sub(is.lastRefetch) >= v.opt.MinRefetch {
		is.lastRefetch = v.opt.Now()
		if err := v.fetchKeys(ctx, is); err != nil {
			return nil, err
		}
		if k := is.lookup(kid); k != nil {
			return k, nil
		}
	}
	return nil, rej(ReasonUnknownKey, fmt.Sprintf("the token's signing key %q is not in the issuer's JWKS", kid), nil)
}

func (is *issuer) lookup(kid string) any {
	if kid != "" {
		return is.keys[kid]
	}
	if len(is.nokid)+len(is.keys) == 1 {
		for _, k := range is.keys {
			return k
		}
		return is.nokid[0]
	}
	return nil
}

func (v *Validator) fetchKeys(ctx context.Context, is *issuer) error {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := v.getJSON(ctx, is.jwksURI, &set); err != nil {
		return rej(ReasonDiscovery, "the issuer's JWKS could not be read", err)
	}
	keys, nokid := map[string]any{}, []any(nil)
	for _, raw := range set.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil || !k.Valid() || !k.IsPublic() || (k.Use != "" && k.Use != "sig") {
			continue // unsupported or private keys are skipped, not fatal
		}
		if k.KeyID == "" {
			nokid = append(nokid, k.Key)
		} else {
			keys[k.KeyID] = k.Key
		}
	}
	if len(keys)+len(nokid) == 0 {
		return rej(ReasonDiscovery, "the issuer's JWKS has no usable signing key", nil)
	}
	is.keys, is.nokid, is.fetched = keys, nokid, v.opt.Now()
	return nil
}

func (v *Validator) getJSON(ctx context.Context, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.opt.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("GET %s: not JSON: %w", url, err)
	}
	return nil
}

// Issuer returns the issuer named by a discovery document (cached).
func (v *Validator) Issuer(ctx context.Context, discoveryURL string) (string, error) {
	is, err := v.issuer(ctx, discoveryURL)
	if err != nil {
		return "", err
	}
	return is.issuer, nil
}
