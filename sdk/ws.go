package agentcore

import (
	"net/http"

	"github.com/coder/websocket"
)

// DefaultWebSocketReadLimit is the largest message a /ws handler reads
// unless it calls conn.SetReadLimit (1 MiB, above the platform's 64 KiB).
const DefaultWebSocketReadLimit = 1 << 20

// handleWebSocket serves /ws: it builds the RequestContext from the handshake headers,
// accepts the upgrade and hands the connection to the registered handler.
func (a *App) handleWebSocket(w http.ResponseWriter, r *http.Request) {
	rc := newRequestContext(r)
	log := a.requestLogger(rc)
	if a.ws == nil {
		// The Python SDK closes with 1011 before accepting, which clients see as a 403.
		log.Error("No WebSocket handler defined")
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	}
	opts := a.wsAccept
	conn, err := websocket.Accept(w, r, &opts)
	if err != nil {
		log.Warn("WebSocket handshake failed", "error", err)
		return
	}
	// The websocket library's default (32 KiB) is below what the platform
	// relays (64 KiB); handlers may set their own limit.
	conn.SetReadLimit(DefaultWebSocketReadLimit)
	ctx := withRequestContext(r.Context(), rc)
	log.Debug("WebSocket connection established")
	defer func() {
		if v := recover(); v != nil {
			log.Error("WebSocket handler failed", "panic", v)
			_ = conn.Close(websocket.StatusInternalError, "internal error")
			return
		}
		_ = conn.Close(websocket.StatusNormalClosure, "")
	}()
	a.ws(ctx, conn, rc)
}
