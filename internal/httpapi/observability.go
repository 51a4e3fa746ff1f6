package httpapi

import (
	"context"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// The read API over stored telemetry (docs/observability.md; Config.Observability).
func (s *Server) observabilityRoutes() []route {
	return []route{
		{Method: "GET", Path: "/_agentcore/observability/sessions", Op: "ListObservedSessions", H: s.listObservedSessions, Auth: authLoopback},
		{Method: "GET", Path: "/_agentcore/observability/sessions/{sessionId}", Op: "GetObservedSession", H: s.getObservedSession, Auth: authLoopback},
		{Method: "GET", Path: "/_agentcore/observability/traces/{traceId}", Op: "GetTrace", H: s.getTrace, Auth: authLoopback},
		{Method: "GET", Path: "/_agentcore/observability/spans", Op: "ListSpans", H: s.listSpans, Auth: authLoopback},
		{Method: "GET", Path: "/_agentcore/observability/logs", Op: "ListLogs", H: s.listLogs, Auth: authLoopback},
		{Method: "GET", Path: "/_agentcore/observability/stats", Op: "GetObservabilityStats", H: s.getObservabilityStats, Auth: authLoopback},
		{Method: "GET", Path: "/_agentcore/observability/series", Op: "GetObservabilitySeries", H: s.getObservabilitySeries, Auth: authLoopback},
	}
}

// obsQuery reads the common query parameters, in the caller's account (a
// signed request's key's; the server's for unsigned loopback calls).
func (s *Server) obsQuery(ctx context.Context, r *http.Request) (observability.Filter, error) {
	f, err := obsFilter(r.URL.Query())
	f.Account = s.cfg.Tenant.Account
	if t, terr := tenant.From(ctx); terr == nil && t.Account != "" {
		f.Account = t.Account
	}
	return f, err
}

// listObservedSessions: the sessions seen in spans.
func (s *Server) listObservedSessions(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	f, err := s.obsQuery(ctx, r)
	if err != nil {
		return err
	}
	out, err := s.cfg.Observability.Sessions(ctx, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
}

// getObservedSession: a session's traces.
func (s *Server) getObservedSession(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	f, err := s.obsQuery(ctx, r)
	if err != nil {
		return err
	}
	f.SessionID = p["sessionId"]
	out, err := s.cfg.Observability.Traces(ctx, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"sessionId": f.SessionID, "traces": out})
}

// getTrace: a trace's spans (?view=tree for a tree).
func (s *Server) getTrace(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	f, err := s.obsQuery(ctx, r)
	if err != nil {
		return err
	}
	id := p["traceId"]
	if err := checkTraceID(id); err != nil {
		return err
	}
	spans, err := s.cfg.Observability.Trace(ctx, f.Account, strings.ToLower(id))
	if err != nil {
		return err
	}
	if r.URL.Query().Get("view") == "tree" {
		return writeJSON(w, http.StatusOK, map[string]any{"traceId": id, "roots": observability.Tree(spans)})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"traceId": id, "spans": spans})
}

// listSpans: spans by filter, paginated.
func (s *Server) listSpans(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	f, err := s.obsQuery(ctx, r)
	if err != nil {
		return err
	}
	out, next, err := s.cfg.Observability.Spans(ctx, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, obsPage("spans", nonNilSlice(out), next))
}

// listLogs: logs by filter, paginated.
func (s *Server) listLogs(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	f, err := s.obsQuery(ctx, r)
	if err != nil {
		return err
	}
	out, next, err := s.cfg.Observability.Logs(ctx, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, obsPage("logs", nonNilSlice(out), next))
}

// getObservabilityStats: ingest and export counters.
func (s *Server) getObservabilityStats(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	if _, err := s.obsQuery(ctx, r); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.cfg.Observability.Stats())
}

// getObservabilitySeries: invocations, errors, latency percentiles, tokens
// and evaluation scores over time (?from&to, default the last hour;
// ?buckets, default 60; ?runtimeArn, ?sessionId).
func (s *Server) getObservabilitySeries(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	f, err := s.obsQuery(ctx, r)
	if err != nil {
		return err
	}
	if f.To.IsZero() {
		f.To = time.Now()
	}
	if f.From.IsZero() {
		f.From = f.To.Add(-time.Hour)
	}
	if !f.From.Before(f.To) || f.To.Sub(f.From) > 31*24*time.Hour {
		return errs.Field("from", "must be before to, at most 31 days earlier")
	}
	n := 60
	if v := r.URL.Query().Get("buckets"); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 1000 {
			return errs.Field("buckets", "must be between 1 and 1000")
		}
	}
	out, err := s.cfg.Observability.Series(ctx, f, n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func obsPage(key string, items any, next string) map[string]any {
	m := map[string]any{key: items}
	if next != "" {
		m["nextToken"] = next
	}
	return m
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// obsFilter reads the common query parameters.
func obsFilter(q url.Values) (observability.Filter, error) {
	f := observability.Filter{SessionID: q.Get("sessionId"), TraceID: q.Get("traceId"), RuntimeARN: q.Get("runtimeArn"),
		Cursor: q.Get("nextToken")}
	if f.TraceID != "" {
		if err := checkTraceID(f.TraceID); err != nil {
			return f, err
		}
	}
	var err error
	if f.From, err = obsTime(q, "from"); err != nil {
		return f, err
	}
	if f.To, err = obsTime(q, "to"); err != nil {
		return f, err
	}
	if v := q.Get("errors"); v != "" {
		if f.ErrorsOnly, err = strconv.ParseBool(v); err != nil {
			return f, errs.Field("errors", "must be true or false")
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > observability.MaxLimit {
			return f, errs.Field("limit", "must be between 1 and %d", observability.MaxLimit)
		}
		f.Limit = n
	}
	return f, nil
}

// obsTime parses RFC 3339 or Unix milliseconds.
func obsTime(q url.Values, name string) (time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms), nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return t, errs.Field(name, "must be RFC 3339 or Unix milliseconds")
	}
	return t, nil
}

func checkTraceID(id string) error {
	if b, err := hex.DecodeString(id); err != nil || len(b) != 16 {
		return errs.Field("traceId", "must be 32 hexadecimal digits")
	}
	return nil
}
