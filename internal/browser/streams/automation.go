package streams

import (
	"context"
	"net/http"

	"github.com/coder/websocket"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/runtime/wsconn"
)

// ClosePolicy is the close code an automation client gets when a person
// takes control of the session (RFC 6455 1008, policy violation).
const ClosePolicy = 1008

// Automation serves the automation stream (GET
// /browser-streams/{browserIdentifier}/sessions/{sessionId}/automation): the
// caller's WebSocket is relayed message for message to Chromium's
// browser-level CDP endpoint, so CDP clients see the browser itself (its
// default context with the about:blank page it started with).
//
// Refusals happen before the upgrade, as typed errors: an unknown, ended
// or foreign session (the service's errors), and a session whose
// automation stream is DISABLED (AccessDenied, HTTP 403). When a person
// takes control later, open automation connections are closed with 1008
// and a reason; when the session ends, with 1001.
func (h *Handler) Automation(ctx context.Context, w http.ResponseWriter, r *http.Request, browserID, sessionID string) error {
	if !wsconn.IsUpgrade(r) {
		return errs.E(errs.Invalid, "the automation stream is a WebSocket: send GET with Upgrade: websocket")
	}
	att, err := h.svc.Attach(ctx, browserID, sessionID)
	if err != nil {
		return err
	}
	defer func() { att.Release() }()
	if att.Automation() == browser.StreamDisabled {
		return errDisabled(sessionID)
	}
	chromium, err := att.Conn.DialWebSocket(ctx, att.BrowserWS, nil, nil)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return errs.Wrap(errs.Unavailable, err, "the session's browser did not accept the connection")
	}
	client, err := accept(w, r)
	if err != nil {
		chromium.CloseNow() //nolint:errcheck // the caller is gone
		return nil          // Accept answered the request
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		wsconn.Relay(ctx, client, chromium, wsconn.Upstream{Name: "browser", LostCode: runtime.CloseGoingAway, LostReason: "the browser session ended"}, cdp.MaxMessage)
	}()
	for {
		select {
		case <-done:
			return nil
		case <-att.Changed:
		}
		next, err := h.svc.Attach(ctx, browserID, sessionID)
		if err != nil { // the session ended
			client.Close(runtime.CloseGoingAway, "the browser session ended") //nolint:errcheck // best effort
			chromium.CloseNow()                                               //nolint:errcheck // best effort
			<-done
			return nil
		}
		att.Release()
		att = next
		if att.Automation() == browser.StreamDisabled {
			client.Close(ClosePolicy, "automation stream DISABLED: a person has taken control of the session") //nolint:errcheck // best effort
			chromium.CloseNow()                                                                                //nolint:errcheck // best effort
			<-done
			return nil
		}
	}
}

func errDisabled(sessionID string) error {
	return errs.E(errs.AccessDenied, "the automation stream of session %s is DISABLED: a person has control in the live view (UpdateBrowserStream ENABLED gives it back)", sessionID)
}

// accept upgrades the caller's request: any Origin (the request is
// authenticated instead), no compression, CDP-sized messages.
func accept(w http.ResponseWriter, r *http.Request) (runtime.WebSocketConn, error) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return nil, err
	}
	ws := wsconn.Wrap(c)
	ws.SetReadLimit(cdp.MaxMessage)
	return ws, nil
}
