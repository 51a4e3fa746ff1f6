// Package invokehttp serves the runtime's data plane over HTTP: the
// InvokeAgentRuntime relay (JSON and SSE streamed byte for byte, the agent
// contract's headers), MCP session mapping and JSON-RPC error shaping, the
// A2A agent card and the WebSocket proxy. It talks to agents only through
// the operations of runtime.AgentConn; the AWS edge (internal/httpapi)
// matches routes, authenticates and hands requests here.
package invokehttp

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// Header names of the runtime data plane (agent contract §4).
const (
	HeaderSession  = "X-Amzn-Bedrock-Agentcore-Runtime-Session-Id"
	HeaderRequest  = "X-Amzn-Bedrock-Agentcore-Runtime-Request-Id"
	HeaderEndpoint = "X-Amzn-Bedrock-Agentcore-Runtime-Session-Endpoint-Url"
	HeaderUserID   = "X-Amzn-Bedrock-Agentcore-Runtime-User-Id"
	customPrefix   = "x-amzn-bedrock-agentcore-runtime-custom-"
	hWAT           = "X-Amz-Bedrock-Agentcore-Identity-Wat"
	hWATOld        = "Workloadaccesstoken"
	hAuthz         = "Authorization"
)

// Invoker is what the handlers use of the runtime service
// (runtime.Service): target resolution with a session lease, and the
// inbound authorizer of a runtime.
type Invoker interface {
	Invoke(ctx context.Context, tg runtime.Target) (*runtime.Invocation, error)
	// Inbound is the runtime's inbound authorizer configuration.
	Inbound(ctx context.Context, tg runtime.Target) (*runtime.Inbound, error)
}

// Identity is who an invocation runs for.
type Identity struct {
	Workload string // the runtime's workload identity (its name)
	UserID   string // JWT sub or runtimeUserId; "" = none
	Bearer   bool   // authenticated by a JWT (Authorization may go to the agent)
}

// Observation instruments one invocation (spans and metrics). Its methods
// must accept a nil receiver when the implementation is a pointer.
type Observation interface {
	// Resolved: what the target resolved to.
	Resolved(inv *runtime.Invocation)
	// Inject puts the invocation's trace context into the agent's headers.
	Inject(ctx context.Context, h http.Header, sessionID string)
	// AgentStatus: the agent's HTTP status.
	AgentStatus(code int)
	// End is deferred with the handler's error and recover()'s value, which
	// it re-raises.
	End(err error, recovered any)
}

// ErrorShape is how the edge answers an error (errs.Shape).
type ErrorShape = errs.Shape

// Config is what the handlers need from the server around them.
type Config struct {
	Runtime Invoker
	Logger  *slog.Logger
	// MaxPayload bounds invocation bodies (AgentCore: 100 MB).
	MaxPayload int64
	// Timeout bounds the wait for the agent's answer (0: 15 minutes).
	Timeout time.Duration
	// Caller is how the edge authenticated the request of ctx (nil: a
	// verified SigV4 caller).
	Caller func(ctx context.Context) Caller
	// SigV4Required: the edge verifies signatures (false: local mode,
	// where unsigned requests are trusted).
	SigV4Required bool
	// JWT validates the bearer tokens of runtimes with a
	// customJWTAuthorizer (nil: calls to them fail as unavailable).
	JWT *jwtauth.Validator
	// WAT issues the workload access token an agent receives for workload
	// and user (nil: none is sent).
	WAT func(ctx context.Context, workload, userID string) (string, error)
	// Observe starts an invocation's instrumentation (nil: none).
	Observe func(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) (context.Context, Observation)
	// Shape is the edge's error table (it logs and masks internal errors).
	Shape func(err error) ErrorShape
}

// Handler serves the runtime data plane's HTTP operations. One per server.
type Handler struct {
	cfg Config
	log *slog.Logger
	mcp mcpSessions
}

// New builds the handler.
func New(cfg Config) *Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxPayload == 0 {
		cfg.MaxPayload = 100_000_000
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Minute
	}
	if cfg.Observe == nil {
		cfg.Observe = NoObservation
	}
	if cfg.Caller == nil {
		cfg.Caller = func(context.Context) Caller { return Caller{SigV4: true} }
	}
	return &Handler{cfg: cfg, log: cfg.Logger}
}

type nopObservation struct{}

func (nopObservation) Resolved(*runtime.Invocation)                {}
func (nopObservation) Inject(context.Context, http.Header, string) {}
func (nopObservation) AgentStatus(int)                             {}
func (nopObservation) End(_ error, v any) {
	if v != nil {
		panic(v)
	}
}

// NoObservation is a Config.Observe that instruments nothing.
func NoObservation(ctx context.Context, _ http.ResponseWriter, _ *http.Request, _ runtime.Target) (context.Context, Observation) {
	return ctx, nopObservation{}
}
