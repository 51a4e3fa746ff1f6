package httpapi

import (
	"context"
	"net/http"
	"net/url"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"go.opentelemetry.io/otel/attribute"
)

// Browser data plane operations: sessions, the automation stream's
// status, actions, profile saves.

// browserStreams is a READY session's stream endpoints on this server:
// the request's Host, wss/https when it came over TLS, else ws/http.
func browserStreams(r *http.Request, sess *browser.Session) *browserSessionStreams {
	if sess.Status != browser.SessionReady {
		return nil
	}
	ws, web := "ws", "http"
	if r.TLS != nil {
		ws, web = "wss", "https"
	}
	base := "://" + r.Host + "/browser-streams/" + url.PathEscape(sess.BrowserID) + "/sessions/" + url.PathEscape(sess.ID)
	return &browserSessionStreams{
		AutomationStream: automationStream{StreamEndpoint: ws + base + "/automation", StreamStatus: sess.Automation},
		LiveViewStream:   &liveViewStream{StreamEndpoint: web + base + "/live-view"},
	}
}

func (s *Server) startBrowserSession(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *startBrowserSessionInput) (*startBrowserSessionOutput, error) {
		tr := traceBrowser(w, in.BrowserIdentifier, "")
		sess, err := svc.Start(ctx, in.BrowserIdentifier, in.domain())
		if err != nil {
			return nil, err
		}
		tr.browser, tr.session = sess.BrowserID, sess.ID
		return &startBrowserSessionOutput{BrowserIdentifier: sess.BrowserID, SessionID: sess.ID, CreatedAt: awsTime(sess.CreatedAt),
			Streams: browserStreams(r, sess)}, nil
	})(ctx, w, r, p)
}

func (s *Server) getBrowserSession(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *browserSessionInput) (*getBrowserSessionOutput, error) {
		traceBrowser(w, in.BrowserIdentifier, in.SessionID)
		sess, err := svc.GetSession(ctx, in.BrowserIdentifier, in.SessionID)
		if err != nil {
			return nil, err
		}
		out := &getBrowserSessionOutput{BrowserIdentifier: sess.BrowserID, SessionID: sess.ID, Name: sess.Name, Status: sess.Status,
			SessionTimeoutSeconds: sess.TimeoutSeconds, ViewPort: sess.ViewPort,
			ProxyConfiguration: optRaw(sess.Extras.ProxyConfiguration), Extensions: optRaw(sess.Extras.Extensions),
			EnterprisePolicies: optRaw(sess.Extras.EnterprisePolicies), Certificates: optRaw(sess.Extras.Certificates),
			FilesystemConfigurations: optRaw(sess.Extras.FilesystemConfigurations), Streams: browserStreams(r, sess),
			CreatedAt: awsTime(sess.CreatedAt), LastUpdatedAt: awsTime(sess.UpdatedAt)}
		if sess.ProfileID != "" {
			out.ProfileConfiguration = &profileConfiguration{ProfileIdentifier: sess.ProfileID}
		}
		if rec := sess.Recording; rec != nil {
			out.SessionReplayArtifact = "s3://" + rec.Bucket + "/" + rec.Prefix
		}
		return out, nil
	})(ctx, w, r, p)
}

func (s *Server) listBrowserSessions(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *listBrowserSessionsInput) (*listBrowserSessionsOutput, error) {
		pg := in.page()
		items, next, err := svc.ListSessions(ctx, in.BrowserIdentifier, in.Status, browser.Page{MaxResults: pg.MaxResults, NextToken: pg.NextToken})
		if err != nil {
			return nil, err
		}
		return &listBrowserSessionsOutput{Items: mapItems(items, browserSessionSummaryOf), NextToken: nullIfEmpty(next)}, nil
	})(ctx, w, r, p)
}

func (s *Server) stopBrowserSession(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *stopBrowserSessionInput) (*stopBrowserSessionOutput, error) {
		traceBrowser(w, in.BrowserIdentifier, in.SessionID)
		sess, err := svc.StopSession(ctx, in.BrowserIdentifier, in.SessionID)
		if err != nil {
			return nil, err
		}
		return &stopBrowserSessionOutput{BrowserIdentifier: sess.BrowserID, SessionID: sess.ID, LastUpdatedAt: awsTime(sess.UpdatedAt)}, nil
	})(ctx, w, r, p)
}

func (s *Server) updateBrowserStream(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *updateBrowserStreamInput) (*updateBrowserStreamOutput, error) {
		traceBrowser(w, in.BrowserIdentifier, in.SessionID)
		sess, at, err := svc.UpdateStream(ctx, in.BrowserIdentifier, in.SessionID, in.StreamUpdate.AutomationStreamUpdate.StreamStatus)
		if err != nil {
			return nil, err
		}
		sess.Automation = in.StreamUpdate.AutomationStreamUpdate.StreamStatus
		return &updateBrowserStreamOutput{BrowserIdentifier: sess.BrowserID, SessionID: sess.ID, Streams: *browserStreams(r, sess),
			UpdatedAt: awsTime(at)}, nil
	})(ctx, w, r, p)
}

func (s *Server) invokeBrowser(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *invokeBrowserInput) (*invokeBrowserOutput, error) {
		tr := traceBrowser(w, in.BrowserIdentifier, in.SessionID)
		a, member, err := in.Action.domain()
		if err != nil {
			return nil, err
		}
		tr.action = member
		res, err := svc.Invoke(ctx, in.BrowserIdentifier, in.SessionID, a)
		if err != nil {
			return nil, err
		}
		tr.status = res.Status
		return &invokeBrowserOutput{SessionID: in.SessionID,
			Result: map[string]actionResult{member: {Status: res.Status, Error: res.Error, Data: res.Data}}}, nil
	})(ctx, w, r, p)
}

func (s *Server) saveBrowserSessionProfile(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return brOp(s, http.StatusOK, func(ctx context.Context, svc *browser.Service, in *saveBrowserSessionProfileInput) (*saveBrowserSessionProfileOutput, error) {
		traceBrowser(w, in.BrowserIdentifier, in.SessionID)
		pr, err := svc.SaveProfile(ctx, in.ProfileIdentifier, in.BrowserIdentifier, in.SessionID)
		if err != nil {
			return nil, err
		}
		at := pr.UpdatedAt
		if pr.LastSavedAt != nil {
			at = *pr.LastSavedAt
		}
		return &saveBrowserSessionProfileOutput{BrowserIdentifier: pr.LastSavedBrowserID, ProfileIdentifier: pr.ID,
			SessionID: pr.LastSavedSessionID, LastUpdatedAt: awsTime(at)}, nil
	})(ctx, w, r, p)
}

// browserTrace is what a Browser data-plane request's span tells: the
// browser and session, and for InvokeBrowser the action and its status.
type browserTrace struct{ browser, session, action, status string }

// traceBrowser gives the request's span (when traced) a browserTrace the
// handler fills in. w may wrap the span's writer (idempotent operations).
func traceBrowser(w http.ResponseWriter, browserID, sessionID string) *browserTrace {
	bt := &browserTrace{browser: browserID, session: sessionID}
	for w != nil {
		switch ww := w.(type) {
		case *obsWriter:
			if ww.rec != nil {
				ww.brOp = bt
			}
			return bt
		case *captureWriter:
			w = ww.ResponseWriter
		default:
			return bt
		}
	}
	return bt
}

func (bt *browserTrace) appendAttrs(a []attribute.KeyValue) []attribute.KeyValue {
	if bt == nil {
		return a
	}
	if bt.browser != "" {
		a = append(a, attribute.String("agentcore.browser.id", bt.browser))
	}
	if bt.session != "" {
		a = append(a, attribute.String("session.id", bt.session))
	}
	if bt.action != "" {
		a = append(a, attribute.String("gen_ai.operation.name", "execute_tool"), attribute.String("gen_ai.tool.name", "browser."+bt.action),
			attribute.String("agentcore.browser.action", bt.action))
	}
	if bt.status != "" {
		a = append(a, attribute.String("agentcore.browser.action.status", bt.status))
	}
	return a
}
