package observability

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
)

// IngestLogs queues the records of an OTLP logs request (its resource_logs)
// and forwards them.
// Records with a malformed trace or span id (present but not 16/8 bytes)
// and records beyond the per-request bound are rejected and counted.
func (s *Service) IngestLogs(ctx context.Context, req []*logspb.ResourceLogs, tag Tag) (rejected int64, err error) {
	if tag.Account == "" {
		return 0, fmt.Errorf("%w: no account", ErrInvalid)
	}
	var recs []LogRecord
	for _, rl := range req {
		res := s.lim.convertAttrs(rl.GetResource().GetAttributes(), 0)
		for _, sl := range rl.GetScopeLogs() {
			for _, lr := range sl.GetLogRecords() {
				if len(recs) >= s.opt.MaxSpans {
					rejected++
					continue
				}
				r := LogRecord{Account: tag.Account, Stream: StreamOTLP, Severity: lr.GetSeverityText(),
					Attributes: s.lim.convertAttrs(lr.GetAttributes(), 0)}
				ok := true
				if b := lr.GetTraceId(); len(b) > 0 {
					r.TraceID, ok = hexID(b, 16)
					ok = ok || len(b) == 16
				}
				if b := lr.GetSpanId(); ok && len(b) > 0 {
					r.SpanID, ok = hexID(b, 8)
					ok = ok || len(b) == 8
				}
				if !ok {
					rejected++
					continue
				}
				if r.Severity == "" && lr.GetSeverityNumber() > 0 {
					r.Severity = severityName(int32(lr.GetSeverityNumber()))
				}
				r.Time = nanos(lr.GetTimeUnixNano())
				if r.Time.IsZero() {
					r.Time = nanos(lr.GetObservedTimeUnixNano())
				}
				if r.Time.IsZero() {
					r.Time = s.opt.Now().UTC()
				}
				r.Body, r.Attributes = s.lim.logBody(lr.GetBody(), r.Attributes)
				r.Attributes = withScope(r.Attributes, sl.GetScope())
				r.SessionID = firstString(tag.SessionID, r.Attributes[AttrSessionID], res[AttrSessionID])
				r.RuntimeARN = firstString(tag.RuntimeARN, res[AttrResourceID])
				recs = append(recs, r)
			}
		}
	}
	s.rejectedLogs.Add(rejected)
	if len(recs) > 0 {
		s.queueLogs(recs)
	}
	if s.fwd != nil {
		s.fwd.enqueue(SignalLogs, enrichLogs(req, tag))
	}
	return rejected, nil
}

// logBody renders an OTLP log body: strings as they are (bounded), kvlist
// and array bodies as JSON, marked with AttrBodyJSON so ADOTLog returns them
// as structures.
func (l limits) logBody(v *commonpb.AnyValue, attrs map[string]any) (string, map[string]any) {
	switch v.GetValue().(type) {
	case *commonpb.AnyValue_KvlistValue, *commonpb.AnyValue_ArrayValue:
		if b, err := json.Marshal(l.value_(v, -bodyExtraDepth)); err == nil {
			if attrs == nil {
				attrs = map[string]any{}
			}
			attrs[AttrBodyJSON] = true
			return string(b), attrs
		}
	}
	return l.truncate(bodyString(l, v)), attrs
}

func bodyString(l limits, v *commonpb.AnyValue) string {
	if sv, ok := v.GetValue().(*commonpb.AnyValue_StringValue); ok {
		return sv.StringValue
	}
	if v == nil {
		return ""
	}
	return fmt.Sprint(l.value_(v, 0))
}

// severityName maps an OTLP severity number to its short name.
func severityName(n int32) string {
	switch {
	case n >= 21:
		return "FATAL"
	case n >= 17:
		return "ERROR"
	case n >= 13:
		return "WARN"
	case n >= 9:
		return "INFO"
	case n >= 5:
		return "DEBUG"
	}
	return "TRACE"
}

// IsErrorSeverity reports whether a severity name is ERROR or worse.
func IsErrorSeverity(s string) bool {
	s = strings.ToUpper(s)
	return strings.HasPrefix(s, "ERR") || strings.HasPrefix(s, "FATAL") || strings.HasPrefix(s, "CRIT") || strings.HasPrefix(s, "PANIC")
}
