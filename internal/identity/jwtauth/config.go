// Package jwtauth validates inbound JWT bearer tokens against an AgentCore
// customJWTAuthorizer configuration: it resolves the OIDC discovery document,
// caches the issuer's JWKS (an unknown kid triggers a rate-limited refetch,
// so key rotation is picked up), checks the signature, exp/nbf/iss, and the
// allowedAudience, allowedClients, allowedScopes and customClaims rules.
//
// Gateways and runtimes share it: Validate(ctx, rawToken, cfg).
package jwtauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// CustomJWTAuthorizer is AuthorizerConfiguration.customJWTAuthorizer in the
// AWS wire shape.
type CustomJWTAuthorizer struct {
	DiscoveryURL    string        `json:"discoveryUrl"`
	AllowedAudience []string      `json:"allowedAudience,omitempty"`
	AllowedClients  []string      `json:"allowedClients,omitempty"`
	AllowedScopes   []string      `json:"allowedScopes,omitempty"`
	CustomClaims    []CustomClaim `json:"customClaims,omitempty"`
}

// CustomClaim is CustomClaimValidationType.
type CustomClaim struct {
	InboundTokenClaimName      string     `json:"inboundTokenClaimName"`
	InboundTokenClaimValueType string     `json:"inboundTokenClaimValueType"` // STRING | STRING_ARRAY
	AuthorizingClaimMatchValue ClaimMatch `json:"authorizingClaimMatchValue"`
}

// ClaimMatch is AuthorizingClaimMatchValueType.
type ClaimMatch struct {
	ClaimMatchOperator string     `json:"claimMatchOperator"` // EQUALS | CONTAINS | CONTAINS_ANY
	ClaimMatchValue    MatchValue `json:"claimMatchValue"`
}

// MatchValue is the ClaimMatchValueType union.
type MatchValue struct {
	MatchValueString     *string  `json:"matchValueString,omitempty"`
	MatchValueStringList []string `json:"matchValueStringList,omitempty"`
}

// AuthorizerConfiguration is the AuthorizerConfiguration union.
type AuthorizerConfiguration struct {
	CustomJWTAuthorizer *CustomJWTAuthorizer `json:"customJWTAuthorizer,omitempty"`
}

// ParseAuthorizer decodes a raw authorizerConfiguration (nil/empty = none).
func ParseAuthorizer(raw json.RawMessage) (*CustomJWTAuthorizer, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var ac AuthorizerConfiguration
	if err := json.Unmarshal(raw, &ac); err != nil {
		return nil, fmt.Errorf("authorizerConfiguration: %w", err)
	}
	return ac.CustomJWTAuthorizer, nil
}

// Check validates a configuration (at create/update time).
func (c *CustomJWTAuthorizer) Check() error {
	u, err := url.Parse(c.DiscoveryURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("customJWTAuthorizer.discoveryUrl must be an absolute http(s) URL")
	}
	if !strings.HasSuffix(u.Path, "/.well-known/openid-configuration") {
		return errors.New("customJWTAuthorizer.discoveryUrl must end with /.well-known/openid-configuration")
	}
	for _, cc := range c.CustomClaims {
		if cc.InboundTokenClaimName == "" {
			return errors.New("customClaims[].inboundTokenClaimName is required")
		}
		op, vt := cc.AuthorizingClaimMatchValue.ClaimMatchOperator, cc.InboundTokenClaimValueType
		mv := cc.AuthorizingClaimMatchValue.ClaimMatchValue
		switch {
		case vt != "STRING" && vt != "STRING_ARRAY":
			return fmt.Errorf("customClaims: inboundTokenClaimValueType %q must be STRING or STRING_ARRAY", vt)
		case op == "EQUALS" && (vt != "STRING" || mv.MatchValueString == nil):
			return errors.New("customClaims: EQUALS needs a STRING claim and matchValueString")
		case op == "CONTAINS" && (vt != "STRING_ARRAY" || mv.MatchValueString == nil):
			return errors.New("customClaims: CONTAINS needs a STRING_ARRAY claim and matchValueString")
		case op == "CONTAINS_ANY" && (vt != "STRING_ARRAY" || len(mv.MatchValueStringList) == 0):
			return errors.New("customClaims: CONTAINS_ANY needs a STRING_ARRAY claim and matchValueStringList")
		case op != "EQUALS" && op != "CONTAINS" && op != "CONTAINS_ANY":
			return fmt.Errorf("customClaims: claimMatchOperator %q must be EQUALS, CONTAINS or CONTAINS_ANY", op)
		}
	}
	return nil
}

// CheckRaw validates a raw authorizerConfiguration (for the runtime's
// create/update validation).
func CheckRaw(raw json.RawMessage) error {
	var ac map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ac); err != nil {
		return errors.New("must be a JSON object")
	}
	if len(ac) != 1 || ac["customJWTAuthorizer"] == nil {
		return errors.New("must set exactly customJWTAuthorizer")
	}
	c, err := ParseAuthorizer(raw)
	if err != nil {
		return err
	}
	return c.Check()
}
