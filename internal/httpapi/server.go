// Package httpapi is the AWS HTTP surface of agentcore: both restJson1
// planes (bedrock-agentcore and bedrock-agentcore-control) on one listener,
// plus the documented /_agentcore/ extensions and the protocol endpoints
// mounted beside them (OTLP, a gateway's MCP server). One route table
// (routes.go) holds every path; one error table (errors.go).
package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/codeinterpreter"
	"github.com/agentcore-dev/agentcore/internal/consoleauth"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/idempotency"
	"github.com/agentcore-dev/agentcore/internal/identity"
	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
	"github.com/agentcore-dev/agentcore/internal/memory"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/observability/insights"
	"github.com/agentcore-dev/agentcore/internal/policy"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/telemetry"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/google/uuid"
)

// Config wires the services the API serves.
type Config struct {
	Runtime     *runtime.Service
	Sessions    *runtime.Sessions
	Tags        *tagging.Service
	Idempotency *idempotency.Service
	Artifacts   artifact.Store
	Logger      *slog.Logger
	// Tenant is the account and region requests act in until SigV4
	// authentication maps access keys to accounts.
	Tenant tenant.Tenant
	// MaxPayload bounds InvokeAgentRuntime bodies (AgentCore: 100 MB).
	MaxPayload int64
	// MaxRequestRate bounds an account's requests per second and
	// MaxInvokeRate its invocations per second of one runtime (0: none);
	// past them a ThrottlingException.
	MaxRequestRate, MaxInvokeRate int
	// TrustedProxies are the reverse proxies whose forwarding headers name
	// the client for the loopback rule (peer.go).
	TrustedProxies []netip.Prefix
	// InvokeTimeout bounds the wait for the agent's answer (AgentCore: 15 min).
	InvokeTimeout int64 // nanoseconds; 0 = 15 minutes
	// Telemetry traces every operation and serves GET /metrics; nil = none.
	Telemetry *telemetry.Telemetry
	// Observability serves /_agentcore/observability/; nil = not enabled.
	Observability *observability.Service
	// OTLP is the OTLP/HTTP receiver (internal/observability/otlphttp)
	// served at /v1/{traces,logs,metrics}; nil = not served.
	OTLP http.Handler
	// Memory serves the AgentCore Memory operations; nil = not enabled.
	Memory *memory.Service
	// CodeInterpreter serves the Code Interpreter operations; nil = not enabled.
	CodeInterpreter *codeinterpreter.Service
	// Datasets and Batches serve evaluation datasets (control plane) and
	// batch evaluations (data plane); nil = not enabled.
	Datasets *evaluation.Datasets
	Batches  *evaluation.Batches
	// Browser serves the Browser operations; nil = not enabled.
	// BrowserStreams serves its sessions' stream endpoints (automation,
	// live view; internal/browser/streams); nil = those answer
	// UnknownOperationException.
	Browser        *browser.Service
	BrowserStreams BrowserStreams
	// Evaluation serves evaluators and Evaluate; nil = not enabled.
	Evaluation *evaluation.Service
	// OnlineEvaluation serves online evaluation configs and the
	// /_agentcore/evaluations listing; nil = not enabled.
	OnlineEvaluation *evaluation.Online

	// Identity: inbound authentication and the Identity service.
	// SigV4 verifies signatures against configured keys; nil = local mode
	// (loopback only): any or no signature acts in Tenant.
	SigV4 *sigv4.Verifier
	// ConsoleSessions keeps the web console's sign-in sessions (with SigV4
	// set; console_session.go); nil = console sign-in refused.
	ConsoleSessions *consoleauth.Service
	// JWT validates bearer tokens of runtimes with a customJWTAuthorizer.
	JWT *jwtauth.Validator
	// Identity is the workload identity / token vault service (nil = off).
	Identity *identity.Service
	// OAuthCallbackURL is the public URL of the OAuth2 callback endpoint.
	OAuthCallbackURL string

	// Gateway serves the gateway control plane.
	Gateway *gateway.Service
	// GatewayMCP serves each gateway's MCP endpoint and its protected
	// resource metadata (internal/gateway/mcpserver); nil = not served.
	GatewayMCP GatewayMCP
	// Policy serves policy engines and policies.
	Policy *policy.Service

	// RuntimeData serves InvokeAgentRuntime, its WebSocket stream, agent
	// cards and RFC 9728 metadata (internal/runtime/invokehttp); nil = not
	// served. OpenAI serves the OpenAI-compatible front door
	// (internal/openaicompat); nil = not served.
	RuntimeData RuntimeData
	OpenAI      OpenAI

	// Console serves the web console under /console/ (internal/console);
	// nil = not served (/console/* answers 404).
	Console http.Handler
	// ClusterSecret authenticates requests forwarded between server
	// replicas to the one hosting a runtime session (forward.go); empty:
	// this server is alone and forwards nothing.
	ClusterSecret []byte
	// Replicas resolves the replica names that Code Interpreter and
	// Browser session records keep (forward_routes.go); nil: not a replica.
	Replicas Replicas
}

// Server is the http.Handler for the whole API.
type Server struct {
	cfg    Config
	log    *slog.Logger
	router *router
	off    *router          // the paths of services that are not enabled (routes.go)
	logs   *insights.Engine // the CloudWatch Logs subset's queries (cloudwatchlogs.go)
	rates  *rateLimits      // request-rate quotas; nil = none (ratelimit.go)
}

// New builds the server.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxPayload == 0 {
		cfg.MaxPayload = 100_000_000
	}
	s := &Server{cfg: cfg, log: cfg.Logger.With("component", "httpapi"), logs: &insights.Engine{Obs: cfg.Observability},
		rates: newRateLimits(cfg.MaxRequestRate, cfg.MaxInvokeRate)}
	if cfg.Runtime != nil {
		s.logs.Runtimes = logsRuntimes{cfg.Runtime}
	}
	if cfg.Console != nil { // sign-in gate of the console's pages (console_auth.go)
		s.cfg.Console = s.gateConsole(cfg.Console)
	}
	on, off := s.routes()
	s.router, s.off = newRouter(on), newRouter(off)
	return s
}

// Ops lists the routed operations (those of the enabled services).
func (s *Server) Ops() []string { return s.router.Ops() }

// AllOps lists every operation of every service, enabled or not (for tests
// and docs).
func AllOps() []string {
	s := &Server{}
	var all []route
	for _, svc := range s.services() {
		all = append(all, svc.routes...)
	}
	return newRouter(all).Ops()
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := uuid.NewString()
	w.Header().Set("X-Amzn-Requestid", reqID)
	op := "unknown"
	w, r, endOp := s.startOp(w, r, reqID, &op) // span + metrics (tracing.go)
	defer endOp()
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic in handler", "op", op, "panic", v)
			writeError(w, s.log, op, fmt.Errorf("panic: %v", v))
		}
	}()
	path := r.URL.EscapedPath()
	rt, p, other := s.router.lookup(r.Method, path)
	var off, offOther *route // a disabled service's route of the path
	if rt == nil && other == nil {
		off, _, offOther = s.off.lookup(r.Method, path)
	}
	ctx, hops, fwd := s.forwarded(r) // forward.go: from another replica, authenticated there
	var aerr error
	if !fwd {
		ctx, aerr = s.authenticate(r, path, authOf(path, rt, other, off, offOther)) // auth.go (Identity)
	}
	if aerr != nil {
		op = "authenticate"
		if !writeAuthError(w, aerr) {
			writeError(w, s.log, op, aerr)
		}
		return
	}
	ctx = context.WithValue(ctx, requestIDKey{}, reqID)
	if rt == nil && isLogsRequest(r, path) { // CloudWatch Logs subset (cloudwatchlogs.go)
		s.serveLogs(ctx, w, r, &op)
		return
	}
	if rt == nil {
		writeError(w, s.log, op, unknown(ctx, r, path, other != nil || offOther != nil, off))
		return
	}
	op = rt.Op
	if s.rates != nil && !fwd { // ratelimit.go (counted where the request arrived)
		if err := s.rates.check(tenantAccount(ctx), op, p["agentRuntimeArn"]); err != nil {
			writeError(w, s.log, op, err)
			return
		}
	}
	if s.maybeForward(ctx, w, r, p, op, hops) { // forward.go: the session lives on another replica
		return
	}
	if err := rt.H(ctx, w, r.WithContext(ctx), p); err != nil && !writeAuthError(w, err) {
		writeError(w, s.log, op, err)
	}
}

// unknown is the answer to a request no enabled route takes: the off error
// of a service that is not enabled, else UnknownOperationException.
func unknown(ctx context.Context, r *http.Request, path string, otherMethod bool, off *route) error {
	switch {
	case otherMethod:
		return errs.E(errs.UnknownOperation, "method %s is not supported on %s", r.Method, path)
	case off != nil:
		return off.H(ctx, nil, r, nil)
	}
	return errs.E(errs.UnknownOperation, "no AgentCore operation matches %s %s", r.Method, path)
}

type requestIDKey struct{}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
