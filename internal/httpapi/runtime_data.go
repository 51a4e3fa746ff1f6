package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
)

// The runtime data plane is served by internal/runtime/invokehttp; the
// edge matches the route, authenticates, binds the target and encodes the
// errors the handlers return.

// hSession is the runtime session header of the data plane's operations.
const hSession = "X-Amzn-Bedrock-Agentcore-Runtime-Session-Id"

// RuntimeData serves the runtime's data plane over HTTP
// (internal/runtime/invokehttp: the invoke relay with MCP and A2A, the
// WebSocket proxy, the runtime's inbound authorizer). The server builds it
// with this edge's hooks (CallerOf, StartInvoke, ErrorShape); the edge
// matches the route, authenticates the caller and binds the target.
type RuntimeData interface {
	Invoke(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) error
	WebSocket(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) error
	AgentCard(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) error
	ProtectedResourceMetadata(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) error
}

// ErrorShape is the error table's answer to err for operation op, for
// handlers that write errors in their own envelope (JSON-RPC, OpenAI).
// Internal errors are logged here and masked.
func (s *Server) ErrorShape(op string, err error) errs.Shape {
	var authErr *sigv4.Error
	if errors.As(err, &authErr) {
		return errs.Shape{Kind: errs.AccessDenied, Type: authErr.Type, Status: http.StatusForbidden, Message: authErr.Message, Auth: true}
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
	return errs.Shape{Kind: e.Kind, Type: row.Type, Status: row.Status, Message: msg}
}

func target(r *http.Request, p params) runtime.Target {
	tg := runtime.Target{ARN: p["agentRuntimeArn"], SessionID: r.Header.Get(hSession)}
	if r.URL.RawQuery != "" { // most invocations have no query: no map for it
		q := r.URL.Query()
		tg.AccountID, tg.Qualifier = q.Get("accountId"), q.Get("qualifier")
	}
	return tg
}

// invokeAgentRuntime is InvokeAgentRuntime (POST; GET and DELETE for MCP).
func (s *Server) invokeAgentRuntime(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return s.cfg.RuntimeData.Invoke(ctx, w, r, target(r, p))
}

// wsTarget is target for the WebSocket route, where presigned URLs and
// browsers (which cannot set headers on an upgrade) name the session in
// the query instead.
// Query parameters are case-sensitive: this is the SDKs' spelling
// (generate_presigned_url, generate_ws_connection).
func wsTarget(r *http.Request, p params) runtime.Target {
	tg := target(r, p)
	if tg.SessionID == "" {
		tg.SessionID = r.URL.Query().Get(wsSessionParam)
	}
	return tg
}

const wsSessionParam = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"

// invokeAgentRuntimeWebSocket is InvokeAgentRuntimeWithWebSocketStream.
func (s *Server) invokeAgentRuntimeWebSocket(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return s.cfg.RuntimeData.WebSocket(ctx, w, r, wsTarget(r, p))
}

// getAgentCard is GetAgentCard (A2A runtimes).
func (s *Server) getAgentCard(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return s.cfg.RuntimeData.AgentCard(ctx, w, r, target(r, p))
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
