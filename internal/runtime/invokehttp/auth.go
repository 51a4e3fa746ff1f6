package invokehttp

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
)

// Answers of the inbound authorizer (as AgentCore words them).
const (
	mismatch  = "Authorization method mismatch. The agent is configured for a different authorization method than what was used in your request."
	jwtPrefix = "Bearer"
)

// Caller is how the edge authenticated a request (runtime.Caller).
type Caller = runtime.Caller

// Authorize applies the runtime's inbound authorizer to a request the edge
// authenticated as c: customJWTAuthorizer runtimes take a bearer JWT
// (missing/invalid → 401 with WWW-Authenticate), the others SigV4 (verified
// at the edge). It may set WWW-Authenticate on w.
func (h *Handler) Authorize(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target, c Caller) (*Identity, error) {
	in, err := h.cfg.Runtime.Inbound(ctx, tg)
	if err != nil {
		if !c.SigV4 && c.Bearer == "" && h.cfg.SigV4Required {
			return nil, &sigv4.Error{Type: sigv4.TypeMissing, Message: "Missing Authentication Token"}
		}
		return nil, err
	}
	az, err := jwtauth.ParseAuthorizer(in.Authorizer)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "runtime %s", in.RuntimeName)
	}
	id := &Identity{Workload: in.RuntimeName}
	if az == nil {
		switch {
		case c.Bearer != "":
			return nil, &sigv4.Error{Type: sigv4.TypeDenied, Message: mismatch}
		case !c.SigV4 && h.cfg.SigV4Required:
			return nil, &sigv4.Error{Type: sigv4.TypeMissing, Message: "Missing Authentication Token"}
		}
		id.UserID = r.Header.Get(HeaderUserID)
		return id, nil
	}
	if c.SigV4 && c.Bearer == "" && sigv4.Signed(r) {
		return nil, &sigv4.Error{Type: sigv4.TypeDenied, Message: mismatch}
	}
	challenge := jwtPrefix + ` resource_metadata="` + resourceMetadataURL(r, in.RuntimeARN, tg.Qualifier) + `"`
	if c.Bearer == "" {
		w.Header().Set("WWW-Authenticate", challenge)
		return nil, errs.E(errs.Unauthorized, "Missing bearer token: the runtime requires an OAuth (JWT) bearer token in the Authorization header")
	}
	if h.cfg.JWT == nil {
		return nil, errs.E(errs.Unavailable, "JWT validation is not enabled on this server")
	}
	claims, err := h.cfg.JWT.Validate(ctx, c.Bearer, *az)
	if err != nil {
		w.Header().Set("WWW-Authenticate", challenge+`, error="invalid_token"`)
		if jwtauth.ReasonOf(err) == jwtauth.ReasonDiscovery {
			h.log.Warn("inbound JWT authorizer unusable", "runtime", in.RuntimeName, "err", err)
		}
		return nil, errs.E(errs.Unauthorized, "OAuth authorization failed: %s", errMessage(err))
	}
	if r.Header.Get(HeaderUserID) != "" {
		return nil, errs.Field("runtimeUserId", "X-Amzn-Bedrock-AgentCore-Runtime-User-Id cannot be combined with a JWT: the user is the token's subject")
	}
	id.UserID, id.Bearer = claims.Subject, true
	return id, nil
}

func errMessage(err error) string {
	if e, ok := err.(*jwtauth.Error); ok {
		return e.Message
	}
	return err.Error()
}

func resourceMetadataURL(r *http.Request, arn, qualifier string) string {
	if qualifier == "" {
		qualifier = "DEFAULT"
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/runtimes/" + strings.ReplaceAll(url.QueryEscape(arn), "+", "%20") + "/invocations/.well-known/oauth-protected-resource?qualifier=" + url.QueryEscape(qualifier)
}

// ProtectedResourceMetadata serves RFC 9728 metadata for a JWT runtime:
// where its tokens come from. Unauthenticated, like the challenge.
func (h *Handler) ProtectedResourceMetadata(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) error {
	in, err := h.cfg.Runtime.Inbound(ctx, tg)
	if err != nil {
		return err
	}
	az, err := jwtauth.ParseAuthorizer(in.Authorizer)
	if err != nil || az == nil || h.cfg.JWT == nil {
		return errs.E(errs.NotFound, "agent runtime %s does not use OAuth (customJWTAuthorizer)", in.RuntimeName)
	}
	iss, err := h.cfg.JWT.Issuer(ctx, az.DiscoveryURL)
	if err != nil {
		return errs.E(errs.Unavailable, "the runtime's authorization server is unreachable: %s", errMessage(err))
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return jwtauth.WriteResourceMetadata(w, jwtauth.ResourceMetadata{
		Resource:             scheme + "://" + r.Host + "/runtimes/" + strings.ReplaceAll(url.QueryEscape(in.RuntimeARN), "+", "%20") + "/invocations",
		AuthorizationServers: []string{iss},
		ScopesSupported:      az.AllowedScopes,
	})
}
