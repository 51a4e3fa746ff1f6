package streams

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"github.com/agentcore-dev/agentcore/internal/runtime/wsconn"
	"html/template"
	"net/http"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

//go:embed assets/*.html
var assets embed.FS

var pages = template.Must(template.ParseFS(assets, "assets/*.html"))

// liveQuality is the JPEG quality of live-view frames.
const liveQuality = 70

// LiveView serves GET …/live-view and everything under it (rest):
//
//	""            the live-view page (signed: the presigned URL the SDK's
//	              generate_live_view_url builds)
//	"ws"          the page's WebSocket (?token= minted with the page)
//	"replay"      the replay page of a recorded session (signed)
//	"replay/data" the replay's files (?token=&file=)
//
// signed says the edge verified a SigV4 signature and ctx holds the
// signer's tenant; the token routes do not trust ctx's tenant and take the
// token's instead. The pages refuse unsigned requests (AccessDenied).
func (h *Handler) LiveView(ctx context.Context, w http.ResponseWriter, r *http.Request, browserID, sessionID, rest string, signed bool) error {
	switch rest {
	case "", "replay":
		if !signed {
			return errs.E(errs.AccessDenied, "the %s page needs a SigV4-signed (presigned) URL", pageName(rest))
		}
		if rest == "" {
			return h.livePage(ctx, w, browserID, sessionID)
		}
		return h.replayPage(ctx, w, browserID, sessionID)
	case "ws":
		return h.liveSocket(ctx, w, r, browserID, sessionID)
	case "replay/data":
		return h.replayData(ctx, w, r, browserID, sessionID)
	}
	return errs.E(errs.NotFound, "no live-view resource %q", rest)
}

func pageName(rest string) string {
	if rest == "" {
		return "live-view"
	}
	return rest
}

// livePage serves the live-view page; it opens the live-view WebSocket
// with a token bound to this account and session.
func (h *Handler) livePage(ctx context.Context, w http.ResponseWriter, browserID, sessionID string) error {
	t, err := tenant.From(ctx)
	if err != nil {
		return err
	}
	att, err := h.svc.Attach(ctx, browserID, sessionID) // the session must be the caller's and READY
	if err != nil {
		return err
	}
	att.Release()
	return servePage(w, "liveview.html", map[string]any{"Token": h.mint(t, purposeLive, browserID, sessionID, liveTokenTTL),
		"Session": sessionID, "Browser": browserID})
}

func servePage(w http.ResponseWriter, name string, data any) error {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // the URL carries a signature
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self'")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	return err
}

// liveSocket serves the live view's WebSocket (GET …/live-view/ws?token=).
// It sends {"type":"frame"} messages with the current page's screencast,
// {"type":"status"} with the automation stream's status (DISABLED: the
// person has control), and takes {"type":"control","take":bool},
// {"type":"mouse",…} and {"type":"key",…} messages; input is dispatched
// only while the person has control.
func (h *Handler) liveSocket(ctx context.Context, w http.ResponseWriter, r *http.Request, browserID, sessionID string) error {
	if !wsconn.IsUpgrade(r) {
		return errs.E(errs.Invalid, "the live view's stream is a WebSocket: send GET with Upgrade: websocket")
	}
	t, err := h.verify(r.URL.Query().Get("token"), purposeLive, browserID, sessionID)
	if err != nil {
		return err
	}
	ctx = tenant.With(ctx, t)
	att, err := h.svc.Attach(ctx, browserID, sessionID)
	if err != nil {
		return err
	}
	defer func() { att.Release() }()
	conn, err := cdp.DialPath(ctx, att.Conn, att.BrowserWS)
	if err != nil {
		return errs.Wrap(errs.Unavailable, err, "the session's browser did not accept the connection")
	}
	defer conn.Close()
	ws, err := accept(w, r)
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	v := &viewer{ws: ws, browserID: browserID, sessionID: sessionID, h: h}
	v.status.Store(att.Automation())
	v.send(ctx, map[string]any{"type": "status", "automation": att.Automation()})
	v.cast = &caster{conn: conn, quality: liveQuality, onFrame: func(f frame) error { return v.sendFrame(ctx, f) }}
	go func() {
		defer cancel()
		if err := v.cast.run(ctx); err != nil && ctx.Err() == nil {
			ws.Close(runtime.CloseGoingAway, "the browser session ended") //nolint:errcheck // best effort
		}
	}()
	go func() { defer cancel(); v.readLoop(ctx) }()
	for { // status changes, until the session or the viewer goes
		select {
		case <-ctx.Done():
			ws.CloseNow() //nolint:errcheck // done
			return nil
		case <-att.Changed:
		}
		next, err := h.svc.Attach(ctx, browserID, sessionID)
		if err != nil {
			ws.Close(runtime.CloseGoingAway, "the browser session ended") //nolint:errcheck // best effort
			return nil
		}
		att.Release()
		att = next
		v.status.Store(att.Automation())
		v.send(ctx, map[string]any{"type": "status", "automation": att.Automation()})
	}
}

// viewer is one live-view connection.
type viewer struct {
	h                    *Handler
	ws                   runtime.WebSocketConn
	cast                 *caster
	browserID, sessionID string
	status               atomicString
	wmu                  sync.Mutex // one writer at a time keeps messages whole and in order
}

func (v *viewer) send(ctx context.Context, msg any) error {
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	v.wmu.Lock()
	defer v.wmu.Unlock()
	return v.ws.Write(ctx, runtime.MessageText, b)
}

func (v *viewer) sendFrame(ctx context.Context, f frame) error {
	return v.send(ctx, map[string]any{"type": "frame", "data": f.JPEG, "width": f.Width, "height": f.Height})
}

// inControl reports whether the person has control (automation DISABLED).
func (v *viewer) inControl() bool { return v.status.Load() == browser.StreamDisabled }
