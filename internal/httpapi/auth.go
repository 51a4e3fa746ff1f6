package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Inbound authentication (Identity).
//
// With credentials configured (Config.SigV4 set) every AWS operation must be
// SigV4-signed by a configured access key (header or presigned query); the
// key's account becomes the request's tenant. Invocation paths
// (/runtimes/{arn}/invocations and /ws) also accept a Bearer token or no
// authentication at all at the edge: the handler then applies the runtime's
// authorizer (customJWTAuthorizer → the JWT is validated; otherwise SigV4 is
// required). Unauthenticated exceptions: GET /_agentcore/health, the OAuth2
// callback, and (from loopback peers only) the /_agentcore/ extensions,
// OTLP ingest and /metrics, which the platform and local tools call. A
// browser session's live view (/browser-streams/.../live-view) is verified
// when signed (its presigned URL) and otherwise handed to the streams
// handler, which authenticates the page's own requests.
//
// Without credentials (local mode, loopback listeners only) any or no
// signature is accepted and requests act in Config.Tenant.
//
// The web console authenticates with a session cookie and a CSRF header
// instead of a signature (console_auth.go); SigV4 wins when present.

// caller is how a request authenticated.
type caller struct {
	SigV4  bool   // verified SigV4 (or local mode with a signature)
	Bearer string // raw bearer token (invocation paths only)
}

type callerKey struct{}

func callerOf(ctx context.Context) caller {
	c, _ := ctx.Value(callerKey{}).(caller)
	return c
}

// authKind says how the callers of a route authenticate; each route
// declares its kind (routes.go), so authentication follows the route table.
type authKind int

const (
	authSigV4    authKind = iota // AWS operations: SigV4 (local mode: any or no signature)
	authInvoke                   // InvokeAgentRuntime and its WebSocket: SigV4, a bearer token or nothing; the runtime's authorizer decides
	authMetadata                 // RFC 9728 protected resource metadata of a runtime: public
	authUnsigned                 // health and the OAuth2 callback: unsigned requests too
	authLoopback                 // agentcore's extensions, OTLP ingest, /metrics: unsigned requests from loopback peers too
	authOpenAI                   // the OpenAI-compatible front door (openai_auth.go)
	authGateway                  // a gateway's MCP endpoint and metadata: the gateway authenticates its own callers
	authStream                   // a browser session's live view: SigV4 (presigned URL or headers) when signed, else the streams handler authenticates (its own token)
)

// authOf is the auth kind of a request: that of the first route given
// (its route, a route of the same path with another method, a disabled
// service's route of the path), or, for paths no route serves, SigV4
// (loopback for the /_agentcore/ namespace).
func authOf(path string, routes ...*route) authKind {
	for _, r := range routes {
		if r != nil {
			return r.Auth
		}
	}
	if strings.HasPrefix(path, "/_agentcore/") {
		return authLoopback
	}
	return authSigV4
}

// authenticate verifies r as kind says and returns the context the request
// runs in.
func (s *Server) authenticate(r *http.Request, path string, kind authKind) (context.Context, error) {
	ctx := r.Context()
	t := s.cfg.Tenant
	authz := r.Header.Get("Authorization")
	bearer, isBearer := cutBearer(authz)
	invoke := kind == authInvoke
	// arnAcct is the account an invocation's path names (bearer and
	// unsigned invocations act in it); only computed where it is used.
	arnAcct := func() string {
		if a := runtimeAccount(path); a != "" {
			return a
		}
		if a := r.URL.Query().Get("accountId"); accountRE.MatchString(a) {
			return a // a bare runtime id names its account this way
		}
		return ""
	}
	if !isBearer && invoke && strings.HasSuffix(path, "/ws") {
		bearer, isBearer = wsBearer(r.Header.Values("Sec-Websocket-Protocol"))
	}
	switch kind {
	case authMetadata: // RFC 9728 metadata is public
		if acct := runtimeAccount(path); acct != "" {
			t.Account = acct
		}
		return tenant.With(ctx, t), nil
	case authOpenAI:
		return s.authenticateOpenAI(ctx, r, t, bearer)
	case authGateway:
		// A gateway's MCP endpoint authenticates its own callers (its
		// CUSTOM_JWT, AWS_IAM or NONE authorizer: the gateway MCP server
		// verifies SigV4); its account is the server's unless named by
		// ?accountId=.
		if a := r.URL.Query().Get("accountId"); accountRE.MatchString(a) {
			t.Account = a
		}
		return tenant.With(ctx, t), nil
	}
	if isBearer && !invoke {
		return nil, &sigv4.Error{Type: sigv4.TypeIncomplete, Message: "Bearer tokens are accepted only by InvokeAgentRuntime on runtimes with a customJWTAuthorizer"}
	}
	if isBearer {
		if a := arnAcct(); a != "" {
			t.Account = a
		}
		return context.WithValue(tenant.With(ctx, t), callerKey{}, caller{Bearer: bearer}), nil
	}
	signed := sigv4.Signed(r)
	if !signed { // the web console's session cookie and CSRF header (console_auth.go)
		if cctx, handled, err := s.authenticateConsole(ctx, r, t, kind); handled {
			return cctx, err
		}
	}
	if s.cfg.SigV4 == nil { // local mode: signatures are not checked
		return context.WithValue(tenant.With(ctx, t), callerKey{}, caller{SigV4: signed || !invoke && kind != authStream}), nil
	}
	if signed {
		res, err := s.cfg.SigV4.Verify(ctx, r)
		if err != nil {
			return nil, err
		}
		t.Account = res.Credential.Account
		return context.WithValue(tenant.With(ctx, t), callerKey{}, caller{SigV4: true}), nil
	}
	switch {
	case kind == authStream: // unsigned: the streams handler checks its own token
		return context.WithValue(tenant.With(ctx, t), callerKey{}, caller{}), nil
	case invoke: // the runtime's authorizer decides (401 + WWW-Authenticate for JWT runtimes)
		if a := arnAcct(); a != "" {
			t.Account = a
		}
		return context.WithValue(tenant.With(ctx, t), callerKey{}, caller{}), nil
	case kind == authUnsigned, kind == authLoopback && s.loopbackPeer(r):
		return tenant.With(ctx, t), nil
	}
	return nil, &sigv4.Error{Type: sigv4.TypeMissing, Message: "Missing Authentication Token"}
}

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

// wsBearer reads a bearer token offered as a WebSocket subprotocol
// "base64UrlBearerAuthorization.<base64url(token)>" (browsers cannot set
// Authorization on WebSocket upgrades).
func wsBearer(protocols []string) (string, bool) {
	for _, line := range protocols {
		for _, p := range strings.Split(line, ",") {
			enc, ok := strings.CutPrefix(strings.TrimSpace(p), "base64UrlBearerAuthorization.")
			if !ok || len(enc) > 4096 {
				continue
			}
			if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(enc, "=")); err == nil {
				return string(b), true
			}
		}
	}
	return "", false
}

func cutBearer(h string) (string, bool) {
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	return "", false
}

// runtimeAccount is the account of the runtime ARN in a /runtimes/{arn}/...
// path ("" for a bare runtime id or another path).
func runtimeAccount(path string) string {
	rest, ok := strings.CutPrefix(path, "/runtimes/")
	if !ok {
		return ""
	}
	label, _, _ := strings.Cut(rest, "/")
	arn, err := url.PathUnescape(label)
	if err != nil {
		return ""
	}
	if p, err := runtime.ParseRuntimeARN(arn); err == nil {
		return p.Account
	}
	return ""
}

// writeAuthError sends a SigV4 failure as AWS does: 403 with the error type.
func writeAuthError(w http.ResponseWriter, err error) bool {
	var e *sigv4.Error
	if !errors.As(err, &e) {
		return false
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Errortype", e.Type)
	w.WriteHeader(http.StatusForbidden)
	json.NewEncoder(w).Encode(errorBody{Type: e.Type, Message: e.Message}) //nolint:errcheck // client gone
	return true
}
