package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/runtime/invokehttp"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
)

// Headers of the inbound-identity contract (agent-contract.md §4).
const (
	hUserID   = invokehttp.HeaderUserID
	mismatch  = "Authorization method mismatch. The agent is configured for a different authorization method than what was used in your request."
	jwtPrefix = "Bearer"
)

// invokeAuth applies the runtime's inbound authorizer: customJWTAuthorizer
// runtimes take a bearer JWT (missing/invalid → 401 with WWW-Authenticate),
// the others SigV4 (verified at the edge).
func (s *Server) invokeAuth(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) (*invokehttp.Identity, error) {
	c := callerOf(ctx)
	in, err := s.cfg.Runtime.Inbound(ctx, tg)
	if err != nil {
		if !c.SigV4 && c.Bearer == "" && s.cfg.SigV4 != nil {
			return nil, &sigv4.Error{Type: sigv4.TypeMissing, Message: "Missing Authentication Token"}
		}
		return nil, err
	}
	az, err := jwtauth.ParseAuthorizer(in.Authorizer)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "runtime %s", in.RuntimeName)
	}
	id := &invokehttp.Identity{Workload: in.RuntimeName}
	if az == nil {
		switch {
		case c.Bearer != "":
			return nil, &sigv4.Error{Type: sigv4.TypeDenied, Message: mismatch}
		case !c.SigV4 && s.cfg.SigV4 != nil:
			return nil, &sigv4.Error{Type: sigv4.TypeMissing, Message: "Missing Authentication Token"}
		}
		id.UserID = r.Header.Get(hUserID)
		return id, nil
	}
	if c.SigV4 && c.Bearer == "" && sigv4.Signed(r) {
		return nil, &sigv4.Error{Type: sigv4.TypeDenied, Message: mismatch}
	}
	challenge := jwtPrefix + ` resource_metadata="` + s.resourceMetadataURL(r, in.RuntimeARN, tg.Qualifier) + `"`
	if c.Bearer == "" {
		w.Header().Set("WWW-Authenticate", challenge)
		return nil, errs.E(errs.Unauthorized, "Missing bearer token: the runtime requires an OAuth (JWT) bearer token in the Authorization header")
	}
	if s.cfg.JWT == nil {
		return nil, errs.E(errs.Unavailable, "JWT validation is not enabled on this server")
	}
	claims, err := s.cfg.JWT.Validate(ctx, c.Bearer, *az)
	if err != nil {
		w.Header().Set("WWW-Authenticate", challenge+`, error="invalid_token"`)
		if jwtauth.ReasonOf(err) == jwtauth.ReasonDiscovery {
			s.log.Warn("inbound JWT authorizer unusable", "runtime", in.RuntimeName, "err", err)
		}
		return nil, errs.E(errs.Unauthorized, "OAuth authorization failed: %s", errMessage(err))
	}
	if r.Header.Get(hUserID) != "" {
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

func (s *Server) resourceMetadataURL(r *http.Request, arn, qualifier string) string {
	if qualifier == "" {
		qualifier = "DEFAULT"
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/runtimes/" + strings.ReplaceAll(url.QueryEscape(arn), "+", "%20") + "/invocations/.well-known/oauth-protected-resource?qualifier=" + url.QueryEscape(qualifier)
}

// protectedResourceSuffix ends the OAuth protected resource metadata path
// (RFC 9728) that WWW-Authenticate challenges point to.
const protectedResourceSuffix = "/invocations/.well-known/oauth-protected-resource"

// protectedResourceMetadata serves RFC 9728 metadata for a JWT runtime:
// where its tokens come from. Unauthenticated, like the challenge.
func (s *Server) protectedResourceMetadata(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	tg := runtime.Target{ARN: p["agentRuntimeArn"], Qualifier: r.URL.Query().Get("qualifier")}
	in, err := s.cfg.Runtime.Inbound(ctx, tg)
	if err != nil {
		return err
	}
	az, err := jwtauth.ParseAuthorizer(in.Authorizer)
	if err != nil || az == nil || s.cfg.JWT == nil {
		return errs.E(errs.NotFound, "agent runtime %s does not use OAuth (customJWTAuthorizer)", in.RuntimeName)
	}
	iss, err := s.cfg.JWT.Issuer(ctx, az.DiscoveryURL)
	if err != nil {
		return errs.E(errs.Unavailable, "the runtime's authorization server is unreachable: %s", errMessage(err))
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	md := map[string]any{
		"resource":                 scheme + "://" + r.Host + "/runtimes/" + strings.ReplaceAll(url.QueryEscape(in.RuntimeARN), "+", "%20") + "/invocations",
		"authorization_servers":    []string{iss},
		"bearer_methods_supported": []string{"header"},
	}
	if len(az.AllowedScopes) > 0 {
		md["scopes_supported"] = az.AllowedScopes
	}
	return writeJSON(w, http.StatusOK, md)
}
