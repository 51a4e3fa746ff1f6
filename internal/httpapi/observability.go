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
)

const obsPrefix = "/_agentcore/observability/"

// observability serves the read API over stored telemetry (docs/observability.md):
//
//	GET /_agentcore/observability/sessions               sessions seen in spans
//	GET /_agentcore/observability/sessions/{sessionId}   a session's traces
//	GET /_agentcore/observability/traces/{traceId}       a trace's spans (?view=tree for a tree)
//	GET /_agentcore/observability/spans                  spans by filter, paginated
//	GET /_agentcore/observability/logs                   logs by filter, paginated
//	GET /_agentcore/observability/stats                  ingest and export counters
func (s *Server) observability(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	obs := s.cfg.Observability
	if obs == nil {
		return errs.E(errs.UnknownOperation, "observability is not enabled on this server")
	}
	if r.Method != http.MethodGet {
		return errs.E(errs.UnknownOperation, "method %s is not supported on %s", r.Method, r.URL.Path)
	}
	rest := strings.TrimPrefix(r.URL.EscapedPath(), obsPrefix)
	kind, arg, _ := strings.Cut(rest, "/")
	if arg != "" {
		var err error
		if arg, err = url.PathUnescape(arg); err != nil || strings.Contains(arg, "/") {
			return errs.Field("path", "invalid path parameter")
		}
	}
	f, err := obsFilter(r.URL.Query())
	if err != nil {
		return err
	}
	f.Account = s.cfg.Tenant.Account
	switch {
	case kind == "sessions" && arg == "":
		out, err := obs.Sessions(ctx, f)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
	case kind == "sessions":
		f.SessionID = arg
		out, err := obs.Traces(ctx, f)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, map[string]any{"sessionId": arg, "traces": out})
	case kind == "traces" && arg != "":
		if err := checkTraceID(arg); err != nil {
			return err
		}
		spans, err := obs.Trace(ctx, f.Account, strings.ToLower(arg))
		if err != nil {
			return err
		}
		if r.URL.Query().Get("view") == "tree" {
			return writeJSON(w, http.StatusOK, map[string]any{"traceId": arg, "roots": observability.Tree(spans)})
		}
		return writeJSON(w, http.StatusOK, map[string]any{"traceId": arg, "spans": spans})
	case kind == "spans" && arg == "":
		out, next, err := obs.Spans(ctx, f)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, obsPage("spans", nonNilSlice(out), next))
	case kind == "logs" && arg == "":
		out, next, err := obs.Logs(ctx, f)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, obsPage("logs", nonNilSlice(out), next))
	case kind == "stats" && arg == "":
		return writeJSON(w, http.StatusOK, obs.Stats())
	}
	return errs.E(errs.UnknownOperation, "no observability endpoint at %s", r.URL.Path)
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
