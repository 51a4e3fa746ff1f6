package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// forwardOps are the operations on one session that its replica serves
// (forward.go): the runtime's, and those of Code Interpreter and Browser
// sessions with where each names its session. Every other operation is
// served by the replica the request reaches (records in the shared store).
var forwardOps = map[string]fwdOp{
	"InvokeAgentRuntime":                    {place: true},
	"InvokeAgentRuntimeWithWebSocketStream": {place: true},
	"InvokeAgentRuntimeCommand":             {place: true},
	"StopRuntimeSession":                    {},

	"InvokeCodeInterpreter":      {tool: toolCI, session: sidHeader(hCISession)},
	"GetCodeInterpreterSession":  {tool: toolCI, session: sidQuery("sessionId")},
	"StopCodeInterpreterSession": {tool: toolCI, session: sidQuery("sessionId")},

	"GetBrowserSession":       {tool: toolBrowser, session: sidQuery("sessionId")},
	"StopBrowserSession":      {tool: toolBrowser, session: sidQuery("sessionId")},
	"UpdateBrowserStream":     {tool: toolBrowser, session: sidQuery("sessionId")},
	"InvokeBrowser":           {tool: toolBrowser, session: sidHeader(hBrowserSession)},
	"BrowserAutomationStream": {tool: toolBrowser, session: sidPath("sessionId")},
	"BrowserLiveViewStream":   {tool: toolBrowser, session: sidPath("sessionId")},
	// Its JSON body names the browser and the session (fromBody).
	"SaveBrowserSessionProfile": {tool: toolBrowser, fromBody: true},
}

// hBrowserSession is the session header of InvokeBrowser.
const hBrowserSession = "X-Amzn-Browser-Session-Id"

// A tool whose sessions are forwarded ("" = a runtime session).
const (
	toolCI      = "codeInterpreter"
	toolBrowser = "browser"
)

// fwdOp is how an operation finds its session's replica. A runtime
// operation (tool "") asks the runtime (place: it may start a new session,
// placed by free capacity); a tool's operation reads its session's record,
// the tool named by the route's {codeInterpreterIdentifier} or
// {browserIdentifier} and the session by session, or both by the
// request's JSON body (fromBody).
type fwdOp struct {
	place    bool
	tool     string
	session  func(r *http.Request, p params) string
	fromBody bool
}

// maxPeekBody bounds the body read to find a session (the rest stays in
// the request, which is forwarded or served whole).
const maxPeekBody = 64 << 10

// peekBody reads the browserIdentifier and sessionId members of r's JSON
// body and leaves the body readable from its start.
func peekBody(r *http.Request) (toolID, sid string) {
	b, _ := io.ReadAll(io.LimitReader(r.Body, maxPeekBody))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), r.Body), r.Body}
	var in struct {
		BrowserIdentifier string `json:"browserIdentifier"`
		SessionID         string `json:"sessionId"`
	}
	json.Unmarshal(b, &in) //nolint:errcheck // a bad body is answered by the handler
	return in.BrowserIdentifier, in.SessionID
}

func sidHeader(name string) func(*http.Request, params) string {
	return func(r *http.Request, _ params) string { return r.Header.Get(name) }
}

func sidQuery(name string) func(*http.Request, params) string {
	return func(r *http.Request, _ params) string { return r.URL.Query().Get(name) }
}

func sidPath(name string) func(*http.Request, params) string {
	return func(_ *http.Request, p params) string { return p[name] }
}

// Replicas finds the live replica of a name that tool session records
// keep (*runtime.Cluster).
type Replicas interface {
	Replica(ctx context.Context, name string) (runtime.Placement, bool)
}

// maybeForward serves a session operation whose session lives on another
// replica by proxying it there; it reports whether it did (or answered an
// error).
func (s *Server) maybeForward(ctx context.Context, w http.ResponseWriter, r *http.Request, p params, op string, hops int) bool {
	fo, ok := forwardOps[op]
	if !ok || len(s.cfg.ClusterSecret) == 0 || hops >= maxHops {
		return false
	}
	var pl runtime.Placement
	if fo.tool == "" {
		if s.cfg.Runtime == nil {
			return false
		}
		tg := target(r, p)
		if op == "InvokeAgentRuntimeWithWebSocketStream" {
			tg = wsTarget(r, p)
		}
		if tg.SessionID == "" {
			return false // a new session: served here
		}
		var err error
		if pl, err = s.cfg.Runtime.Route(ctx, tg, fo.place); err != nil {
			writeError(w, s.log, op, err)
			return true
		}
	} else if pl, ok = s.toolHost(ctx, fo, r, p); !ok {
		return false
	}
	if pl.Local {
		return false
	}
	s.forward(ctx, w, r, op, pl, hops+1)
	return true
}

// toolHost is the other live replica that runs a tool's session (false:
// the session is served here — it runs here, its replica is gone and the
// handler reports it TERMINATED, or the request does not resolve and the
// handler answers the error).
func (s *Server) toolHost(ctx context.Context, fo fwdOp, r *http.Request, p params) (runtime.Placement, bool) {
	if s.cfg.Replicas == nil {
		return runtime.Placement{}, false
	}
	var toolID, sid string
	switch {
	case fo.fromBody:
		toolID, sid = peekBody(r)
	case fo.tool == toolCI:
		toolID, sid = p["codeInterpreterIdentifier"], fo.session(r, p)
	default:
		toolID, sid = p["browserIdentifier"], fo.session(r, p)
	}
	if sid == "" {
		return runtime.Placement{}, false
	}
	var node string
	switch {
	case fo.tool == toolCI && s.cfg.CodeInterpreter != nil:
		node = s.cfg.CodeInterpreter.SessionHost(ctx, toolID, sid)
	case fo.tool == toolBrowser && s.cfg.Browser != nil:
		node = s.cfg.Browser.SessionHost(ctx, toolID, sid)
	}
	if node == "" {
		return runtime.Placement{}, false
	}
	pl, ok := s.cfg.Replicas.Replica(ctx, node)
	return pl, ok && !pl.Local
}
