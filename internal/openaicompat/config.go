package openaicompat

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/runtime/invokehttp"
)

// Runtime is what the front door uses of the runtime service.
type Runtime interface {
	invokehttp.Invoker
	List(ctx context.Context, p runtime.Page) ([]*runtime.RuntimeView, string, error)
	ListEndpoints(ctx context.Context, runtimeID string, p runtime.Page) (*runtime.Runtime, []*runtime.Endpoint, string, error)
	GetEndpoint(ctx context.Context, runtimeID, name string) (*runtime.Endpoint, error)
	// StopSession ends the session a stateless completion started.
	StopSession(ctx context.Context, tg runtime.Target) error
}

// Config is what the front door needs from the server around it.
type Config struct {
	Runtime Runtime
	// Agent sets the identity headers agents receive (the same as for
	// InvokeAgentRuntime).
	Agent *invokehttp.Handler
	// MaxPayload bounds request bodies; Timeout the wait for the agent (0:
	// 15 minutes).
	MaxPayload int64
	Timeout    time.Duration
	// Caller is how the edge authenticated the request of ctx.
	Caller func(ctx context.Context) invokehttp.Caller
	// Observe starts an invocation's instrumentation (nil: none).
	Observe func(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) (context.Context, invokehttp.Observation)
	// Shape is the edge's error table (it logs and masks internal errors).
	Shape func(err error) invokehttp.ErrorShape
}

// Handler serves the front door.
type Handler struct{ cfg Config }

// New builds the front door.
func New(cfg Config) *Handler {
	if cfg.MaxPayload == 0 {
		cfg.MaxPayload = 100_000_000
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Minute
	}
	if cfg.Observe == nil {
		cfg.Observe = invokehttp.NoObservation
	}
	return &Handler{cfg: cfg}
}

// writeJSON answers v as JSON with an explicit length.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// authorize applies the runtime's authorizer to a front-door request: the
// bearer token (OpenAI API key) counts only for JWT runtimes.
func (s *Handler) authorize(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) (*invokehttp.Identity, error) {
	c := s.cfg.Caller(ctx)
	in, err := s.cfg.Runtime.Inbound(ctx, tg)
	if err != nil {
		return nil, err
	}
	if az, _ := jwtauth.ParseAuthorizer(in.Authorizer); az != nil {
		c = invokehttp.Caller{Bearer: c.Bearer}
	} else {
		c.Bearer = ""
	}
	return s.cfg.Agent.Authorize(ctx, w, r, tg, c)
}
