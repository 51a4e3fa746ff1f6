package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/runtime/invokehttp"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
)

// The runtime data plane is served by internal/runtime/invokehttp; the
// edge matches the route, authenticates, binds the target and encodes the
// errors the handlers return.

const hSession = invokehttp.HeaderSession

func init() {
	dataPlaneOps["InvokeAgentRuntimeCommand"] = true
	dataPlaneOps["InvokeAgentRuntimeWithWebSocketStream"] = true
}

// newInvokeHandler wires the data plane's handlers to this edge: its
// authorizer, identity service, instrumentation and error table.
func (s *Server) newInvokeHandler() *invokehttp.Handler {
	cfg := invokehttp.Config{
		Runtime:       s.cfg.Runtime,
		Logger:        s.cfg.Logger.With("component", "invokehttp"),
		MaxPayload:    s.cfg.MaxPayload,
		Timeout:       time.Duration(s.cfg.InvokeTimeout),
		Caller:        invokeCaller, // runtime_auth.go
		SigV4Required: s.cfg.SigV4 != nil,
		JWT:           s.cfg.JWT,
		Observe: func(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) (context.Context, invokehttp.Observation) {
			return s.startInvoke(ctx, w, r, tg) // tracing.go
		},
		Shape: s.errorShape("InvokeAgentRuntime"),
	}
	if s.cfg.Identity != nil {
		cfg.WAT = s.cfg.Identity.InvocationWAT
	}
	return invokehttp.New(cfg)
}

// errorShape is the error table's answer for errors of operation op, for
// handlers that write errors in their own envelope (JSON-RPC, OpenAI).
// Internal errors are logged here and masked.
func (s *Server) errorShape(op string) func(error) invokehttp.ErrorShape {
	return func(err error) invokehttp.ErrorShape {
		var authErr *sigv4.Error
		if errors.As(err, &authErr) {
			return invokehttp.ErrorShape{Kind: errs.AccessDenied, Type: authErr.Type, Status: http.StatusForbidden, Message: authErr.Message, Auth: true}
		}
		e := classify(err)
		row, ok := errorTable[e.Kind]
		if !ok {
			row = errorTable[errs.Internal]
		}
		msg := e.Error()
		if e.Kind == errs.Internal {
			s.log.Error("internal error", "op", op, "err", err)
			msg = "An internal error occurred. Check the server log for details."
		}
		return invokehttp.ErrorShape{Kind: e.Kind, Type: row.Type, Status: row.Status, Message: msg}
	}
}

func target(r *http.Request, p params) runtime.Target {
	q := r.URL.Query()
	return runtime.Target{ARN: p["agentRuntimeArn"], AccountID: q.Get("accountId"), Qualifier: q.Get("qualifier"),
		SessionID: r.Header.Get(hSession)}
}

// invokeAgentRuntime is InvokeAgentRuntime (POST; GET and DELETE for MCP).
func (s *Server) invokeAgentRuntime(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return s.invoke.Invoke(ctx, w, r, target(r, p))
}

// invokeAgentRuntimeWebSocket is InvokeAgentRuntimeWithWebSocketStream.
func (s *Server) invokeAgentRuntimeWebSocket(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return s.invoke.WebSocket(ctx, w, r, target(r, p))
}

// getAgentCard is GetAgentCard (A2A runtimes).
func (s *Server) getAgentCard(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return s.invoke.AgentCard(ctx, w, r, target(r, p))
}

func (s *Server) stopRuntimeSession(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	tg := target(r, p)
	if tg.SessionID == "" {
		return errs.Field("runtimeSessionId", "the X-Amzn-Bedrock-AgentCore-Runtime-Session-Id header is required")
	}
	if err := s.cfg.Runtime.StopSession(ctx, tg); err != nil {
		return err
	}
	w.Header().Set(hSession, tg.SessionID)
	return writeJSON(w, http.StatusOK, emptyOutput{})
}
