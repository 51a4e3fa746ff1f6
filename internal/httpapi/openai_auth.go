package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// The OpenAI-compatible front door (models and chat completions) is
// served by internal/openaicompat; the edge authenticates its requests and
// hands them over.

// OpenAI serves the OpenAI-compatible front door (internal/openaicompat)
// to callers the edge authenticated; it answers in its own error format.
type OpenAI interface {
	Serve(ctx context.Context, w http.ResponseWriter, r *http.Request)
}

// Authentication of the OpenAI-compatible front door. OpenAI clients send
// their API key as a bearer token and cannot sign, so:
//
//   - a SigV4-signed request is verified as for any AWS operation;
//   - from a loopback peer (local tools, as for the /_agentcore/ extensions)
//     or in local mode the caller is trusted in the server's tenant;
//   - otherwise only a bearer token is accepted, and only for runtimes with
//     a customJWTAuthorizer: the API key is the caller's JWT.
//
// Whatever the edge decided, the front door applies the runtime's inbound
// authorizer: a JWT runtime always needs a valid JWT as API key.
func (s *Server) authenticateOpenAI(ctx context.Context, r *http.Request, t tenant.Tenant, bearer string) (context.Context, error) {
	if bearer == "" && sigv4.Signed(r) && s.cfg.SigV4 != nil {
		res, err := s.cfg.SigV4.Verify(ctx, r)
		if err != nil {
			return nil, err
		}
		t.Account = res.Credential.Account
		return context.WithValue(tenant.With(ctx, t), callerKey{}, caller{SigV4: true}), nil
	}
	if s.cfg.SigV4 == nil || s.loopbackPeer(r) {
		return context.WithValue(tenant.With(ctx, t), callerKey{}, caller{SigV4: true, Bearer: bearer}), nil
	}
	if bearer != "" {
		return context.WithValue(tenant.With(ctx, t), callerKey{}, caller{Bearer: bearer}), nil
	}
	return nil, &sigv4.Error{Type: sigv4.TypeMissing, Message: "Missing Authentication Token"}
}
