package invokehttp

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/runtime/wsconn"
	"github.com/coder/websocket"
	"github.com/google/uuid"
)

// MaxWebSocketMessage is the largest WebSocket message relayed in either
// direction (AgentCore's documented frame size limit is 64 KB). A larger one
// ends the connection with close code 1009 (message too big) on both sides.
const MaxWebSocketMessage = 64 << 10

// MaxPresignedExpiry bounds X-Amz-Expires of presigned WebSocket URLs
// (seconds; the bedrock-agentcore SDK refuses more than 300).
const MaxPresignedExpiry = 300

// wsBearerProtocol prefixes the subprotocols browsers use to carry an OAuth
// token; they are the platform's, never the agent's.
const wsBearerProtocol = "base64UrlBearerAuthorization"

// WebSocket serves InvokeAgentRuntimeWithWebSocketStream (GET
// /runtimes/{arn}/ws): it leases the session (as InvokeAgentRuntime does,
// holding the lease while the socket is open), opens a WebSocket to the
// agent's /ws on the contract port, and only then accepts the caller's
// upgrade, so refusals are typed HTTP errors. Then it relays text and
// binary messages both ways and passes close codes and reasons through.
// Pings are answered by each hop.
func (h *Handler) WebSocket(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) error {
	if !wsconn.IsUpgrade(r) {
		return errs.E(errs.Invalid, "/ws expects a WebSocket upgrade request (GET with Upgrade: websocket)")
	}
	if v := r.URL.Query().Get("X-Amz-Expires"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > MaxPresignedExpiry {
			return errs.E(errs.AccessDenied, "X-Amz-Expires is %q: presigned WebSocket URLs are valid for 1 to %d seconds", v, MaxPresignedExpiry)
		}
	}
	if tg.SessionID == "" { // neither the header nor the query named one (the edge reads both)
		tg.SessionID = uuid.NewString()
	}
	who, err := h.Authorize(ctx, w, r, tg, h.cfg.Caller(ctx)) // the runtime's inbound authorizer
	if err != nil {
		return err
	}
	inv, err := h.cfg.Runtime.Invoke(ctx, tg)
	if err != nil {
		return err
	}
	defer inv.Release()
	if inv.Protocol != "HTTP" && inv.Protocol != "AGUI" {
		return errs.E(errs.Invalid, "agent runtime %s serves the %s protocol; WebSocket connections need an HTTP or AGUI runtime", inv.RuntimeID, inv.Protocol)
	}
	agent, err := h.dialAgentWS(ctx, r, tg.SessionID, inv, who)
	if err != nil {
		return err
	}
	w.Header().Set(HeaderSession, tg.SessionID)
	proto := agent.Subprotocol()
	if proto == "" && offered(r, wsBearerProtocol) {
		// Browsers that sent their token as a subprotocol fail the
		// handshake unless one of their subprotocols is selected.
		proto = wsBearerProtocol
	}
	client, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		InsecureSkipVerify: true, // browsers connect from any origin; the request is authenticated instead
		Subprotocols:       nonEmpty(proto),
		CompressionMode:    websocket.CompressionDisabled,
	})
	if err != nil {
		agent.Close(runtime.CloseGoingAway, "client handshake failed") //nolint:errcheck // best effort
		h.log.Debug("websocket accept failed", "err", err)
		return nil // Accept has answered the request
	}
	wsconn.Relay(ctx, wsconn.Wrap(client), agent, wsconn.Upstream{Name: "agent", LostCode: runtime.CloseInternal, LostReason: "agent connection lost"}, MaxWebSocketMessage) // both sides read and close alike
	return nil
}

// dialAgentWS opens the agent side: /ws on the session's agent, with the
// headers an invocation would carry.
func (h *Handler) dialAgentWS(ctx context.Context, r *http.Request, sessionID string, inv *runtime.Invocation, who *Identity) (runtime.WebSocketConn, error) {
	hdr := http.Header{}
	AgentHeaders(hdr, r.Header, sessionID, inv.Allow)
	if err := h.IdentityHeaders(ctx, hdr, who); err != nil {
		return nil, err
	}
	hdr.Del("Content-Type")
	hdr.Del("Accept")
	// Presigned URLs carry custom headers as query parameters.
	for k, v := range r.URL.Query() {
		if strings.HasPrefix(strings.ToLower(k), customPrefix) {
			hdr[http.CanonicalHeaderKey(k)] = v
		}
	}
	var protos []string
	for _, sp := range subprotocols(r) {
		if !strings.HasPrefix(sp, wsBearerProtocol) {
			protos = append(protos, sp)
		}
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := inv.Conn.DialWebSocket(dctx, "/ws", hdr, protos)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var refused *runtime.WebSocketRefusedError
		if errors.As(err, &refused) {
			return nil, errs.E(errs.RuntimeClient, "Received error (%d) from runtime on the WebSocket handshake: the agent has no /ws handler or refused it. Please check the session logs for more information", refused.Status)
		}
		return nil, errs.E(errs.RuntimeClient, "Received error (connection failed) from runtime: could not open the agent's /ws: %v", err)
	}
	return conn, nil
}

// subprotocols lists the Sec-WebSocket-Protocol values the client offered.
func subprotocols(r *http.Request) []string {
	var out []string
	for _, v := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, sp := range strings.Split(v, ",") {
			if sp = strings.TrimSpace(sp); sp != "" {
				out = append(out, sp)
			}
		}
	}
	return out
}

func offered(r *http.Request, proto string) bool {
	for _, sp := range subprotocols(r) {
		if sp == proto {
			return true
		}
	}
	return false
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
