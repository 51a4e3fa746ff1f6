package server

import (
	"context"
	"encoding/json"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
)

// gatewayJWT validates the bearer tokens of CUSTOM_JWT gateways with the
// same validator (discovery and JWKS cache) as runtimes' JWT authorizers.
type gatewayJWT struct{ v *jwtauth.Validator }

var _ gateway.TokenValidator = gatewayJWT{}

// Validate implements gateway.TokenValidator: the gateway's authorizer
// configuration has the AWS wire shape jwtauth reads.
func (g gatewayJWT) Validate(ctx context.Context, token string, cfg *gateway.CustomJWTAuthorizer) (map[string]any, error) {
	if cfg == nil {
		return nil, errs.E(errs.Unauthorized, "gateway has no JWT authorizer configuration")
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	var c jwtauth.CustomJWTAuthorizer
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "gateway JWT authorizer configuration")
	}
	cl, err := g.v.Validate(ctx, token, c)
	if err != nil {
		return nil, errs.Wrap(errs.Unauthorized, err, "invalid bearer token")
	}
	return cl.Raw, nil
}
