// Package observability keeps the spans and logs that hosted agents (and the
// platform itself) export over OTLP, and agents' stdout/stderr: ingest with
// bounds, storage through the Store interface, queries by session, trace,
// runtime, time and error status, retention, and forwarding to an external
// OTLP endpoint. It has no HTTP: internal/httpapi decodes requests and
// otlphttp sends forwarded batches.
package observability

import (
	"context"
	"time"
)

// Span is one stored span. SessionID, RuntimeARN, ServiceName and Error are
// derived at ingest (see Service.IngestTraces).
type Span struct {
	Account       string         `json:"-"`
	TraceID       string         `json:"traceId"` // 32 lowercase hex
	SpanID        string         `json:"spanId"`  // 16 lowercase hex
	ParentSpanID  string         `json:"parentSpanId,omitempty"`
	Name          string         `json:"name"`
	Kind          int32          `json:"kind"` // OTLP SpanKind
	Start         time.Time      `json:"startTime"`
	End           time.Time      `json:"endTime"`
	StatusCode    int32          `json:"statusCode"` // 0 unset, 1 ok, 2 error
	StatusMessage string         `json:"statusMessage,omitempty"`
	Attributes    map[string]any `json:"attributes,omitempty"`
	Resource      map[string]any `json:"resourceAttributes,omitempty"`
	Events        []Event        `json:"events,omitempty"`
	SessionID     string         `json:"sessionId,omitempty"`
	RuntimeARN    string         `json:"runtimeArn,omitempty"`
	ServiceName   string         `json:"serviceName,omitempty"`
	Error         bool           `json:"error"`
}

// Event is a span event.
type Event struct {
	Time       time.Time      `json:"time"`
	Name       string         `json:"name"`
	Attributes map[string]any `json:"attributes,omitempty"`
}

// Log streams.
const (
	StreamStdout = "stdout"
	StreamStderr = "stderr"
	StreamOTLP   = "otlp"
)

// LogRecord is one stored log line or OTLP log record.
type LogRecord struct {
	Account    string         `json:"-"`
	Time       time.Time      `json:"time"`
	SessionID  string         `json:"sessionId,omitempty"`
	TraceID    string         `json:"traceId,omitempty"`
	SpanID     string         `json:"spanId,omitempty"`
	RuntimeARN string         `json:"runtimeArn,omitempty"`
	Stream     string         `json:"stream"`
	Severity   string         `json:"severity,omitempty"`
	Body       string         `json:"body"`
	Attributes map[string]any `json:"attributes,omitempty"`
}

// Filter selects spans, logs, sessions or traces. Empty fields do not
// filter; From is inclusive and To exclusive (span start / log time).
type Filter struct {
	Account    string
	SessionID  string
	TraceID    string
	RuntimeARN string
	From, To   time.Time
	ErrorsOnly bool   // spans with error status; for logs, severity ERROR and above or stderr
	Limit      int    // 0 = default (100); capped at 1000
	Cursor     string // opaque, from a previous page
}

// SessionSummary is one session seen in spans.
type SessionSummary struct {
	SessionID  string    `json:"sessionId"`
	RuntimeARN string    `json:"runtimeArn,omitempty"`
	FirstSeen  time.Time `json:"firstSeen"`
	LastSeen   time.Time `json:"lastSeen"`
	SpanCount  int64     `json:"spanCount"`
	ErrorCount int64     `json:"errorCount"`
}

// TraceSummary is one trace (of a session).
type TraceSummary struct {
	TraceID    string    `json:"traceId"`
	RootName   string    `json:"rootName,omitempty"`
	Start      time.Time `json:"startTime"`
	End        time.Time `json:"endTime"`
	SpanCount  int64     `json:"spanCount"`
	ErrorCount int64     `json:"errorCount"`
}

// Store keeps spans and logs. Implementations: internal/store/sqlstore
// (SQLite and PostgreSQL); the conformance suite is obstest.Run.
type Store interface {
	// InsertSpans stores spans; a span already stored (same account,
	// trace and span id) is kept as it was.
	InsertSpans(ctx context.Context, spans []Span) error
	InsertLogs(ctx context.Context, logs []LogRecord) error
	// QuerySpans returns spans ordered by start time, and a cursor for the
	// next page ("" at the end).
	QuerySpans(ctx context.Context, f Filter) ([]Span, string, error)
	// QueryLogs returns logs ordered by time (then insertion), and a cursor.
	QueryLogs(ctx context.Context, f Filter) ([]LogRecord, string, error)
	// ListSessions summarises sessions seen in spans, most recent first
	// (filters: Account, RuntimeARN, From/To, ErrorsOnly, Limit).
	ListSessions(ctx context.Context, f Filter) ([]SessionSummary, error)
	// ListTraces summarises traces, earliest first (filters: Account,
	// SessionID, RuntimeARN, From/To, ErrorsOnly, Limit).
	ListTraces(ctx context.Context, f Filter) ([]TraceSummary, error)
	// DeleteBefore removes spans that started and logs written before t.
	DeleteBefore(ctx context.Context, t time.Time) (spans, logs int64, err error)
}

// Limits for pages.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// PageLimit applies the default and the cap to a requested limit.
func PageLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}
