package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// BrowserStreams serves a browser session's stream endpoints
// (internal/browser/streams, built by internal/server). ctx carries the
// caller's tenant; a returned error is answered by the error table when
// nothing has been written yet (write WebSocket close codes yourself once
// upgraded).
type BrowserStreams interface {
	// Automation serves GET /browser-streams/{browserIdentifier}/sessions/
	// {sessionId}/automation: a WebSocket upgrade relaying browser-level
	// CDP. The caller is SigV4-authenticated (header auth, as the SDK's
	// generate_ws_headers signs it; any signature in local mode).
	Automation(ctx context.Context, w http.ResponseWriter, r *http.Request, browserID, sessionID string) error
	// LiveView serves GET …/live-view (rest "") and everything under
	// …/live-view/{rest+}. signed reports a verified SigV4 signature (a
	// presigned URL or header auth; in local mode, any signature): ctx
	// then holds the signer's tenant. An unsigned request reaches LiveView
	// too, with the server's default tenant in ctx: the implementation
	// authenticates it itself (e.g. a token it issued with the page) and
	// must not trust ctx's tenant for it.
	LiveView(ctx context.Context, w http.ResponseWriter, r *http.Request, browserID, sessionID, rest string, signed bool) error
}

// errNoStreams answers the stream routes when no BrowserStreams is wired.
var errNoStreams = errs.E(errs.UnknownOperation, "browser streams are not served by this server")

func (s *Server) browserAutomation(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	if s.cfg.BrowserStreams == nil {
		return errNoStreams
	}
	traceBrowser(w, p["browserIdentifier"], p["sessionId"])
	return s.cfg.BrowserStreams.Automation(ctx, w, r, p["browserIdentifier"], p["sessionId"])
}

func (s *Server) browserLiveView(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	if s.cfg.BrowserStreams == nil {
		return errNoStreams
	}
	traceBrowser(w, p["browserIdentifier"], p["sessionId"])
	return s.cfg.BrowserStreams.LiveView(ctx, w, r, p["browserIdentifier"], p["sessionId"], p["rest"], callerOf(ctx).SigV4)
}
