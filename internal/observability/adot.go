package observability

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// MaxDocuments bounds the documents one SessionDocuments call (or one Logs
// Insights query) reads: CloudWatch returns at most 10,000 rows too.
const MaxDocuments = 10000

var spanKinds = []string{"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"}
var statusCodes = []string{"UNSET", "OK", "ERROR"}

// ADOTSpan renders a stored span as the ADOT span document CloudWatch keeps
// in the `aws/spans` log group. attributes["session.id"] is set from the
// stored session id when missing; the instrumentation scope recorded at
// ingest moves back into "scope".
func ADOTSpan(s Span) map[string]any {
	attrs, scope := splitScope(s.Attributes, s.SessionID)
	kind := "UNSPECIFIED"
	if s.Kind >= 0 && int(s.Kind) < len(spanKinds) {
		kind = spanKinds[s.Kind]
	}
	status := map[string]any{"code": "UNSET"}
	if s.StatusCode >= 0 && int(s.StatusCode) < len(statusCodes) {
		status["code"] = statusCodes[s.StatusCode]
	}
	if s.StatusMessage != "" {
		status["message"] = s.StatusMessage
	}
	res := s.Resource
	if res == nil {
		res = map[string]any{}
	}
	doc := map[string]any{
		"resource": map[string]any{"attributes": res}, "scope": scope,
		"traceId": s.TraceID, "spanId": s.SpanID, "name": s.Name, "kind": kind,
		"startTimeUnixNano": s.Start.UnixNano(), "endTimeUnixNano": s.End.UnixNano(),
		"durationNano": s.End.Sub(s.Start).Nanoseconds(), "attributes": attrs, "status": status,
	}
	if s.ParentSpanID != "" {
		doc["parentSpanId"] = s.ParentSpanID
	}
	if len(s.Events) > 0 {
		evs := make([]any, 0, len(s.Events))
		for _, e := range s.Events {
			ev := map[string]any{"timeUnixNano": e.Time.UnixNano(), "name": e.Name}
			if len(e.Attributes) > 0 {
				ev["attributes"] = e.Attributes
			}
			evs = append(evs, ev)
		}
		doc["events"] = evs
	}
	return doc
}

// ADOTLog renders a stored log record as the document CloudWatch keeps in a
// runtime's log group: OTLP records get resource, scope, severity, trace
// context and their body (a structure when it was a kvlist/array body);
// stdout/stderr lines get only time, body and attributes (no scope).
func ADOTLog(l LogRecord) map[string]any {
	attrs, scope := splitScope(l.Attributes, l.SessionID)
	structured := attrs[AttrBodyJSON] == true
	delete(attrs, AttrBodyJSON)
	var body any = l.Body
	if structured {
		var v any
		if json.Unmarshal([]byte(l.Body), &v) == nil {
			body = v
		}
	}
	doc := map[string]any{"timeUnixNano": l.Time.UnixNano(), "body": body, "attributes": attrs}
	if l.Stream != StreamOTLP {
		doc["stream"] = l.Stream
		return doc
	}
	res := map[string]any{}
	if l.RuntimeARN != "" {
		res[AttrResourceID] = l.RuntimeARN
	}
	doc["resource"] = map[string]any{"attributes": res}
	doc["scope"] = scope
	doc["observedTimeUnixNano"] = l.Time.UnixNano()
	doc["severityText"] = l.Severity
	if l.TraceID != "" {
		doc["traceId"] = l.TraceID
	}
	if l.SpanID != "" {
		doc["spanId"] = l.SpanID
	}
	return doc
}

// splitScope copies attrs without the scope keys, adds session.id when
// missing, and returns the scope object.
func splitScope(in map[string]any, sessionID string) (map[string]any, map[string]any) {
	attrs := make(map[string]any, len(in)+1)
	scope := map[string]any{"name": ""}
	for k, v := range in {
		switch k {
		case AttrScopeName:
			scope["name"] = v
		case AttrScopeVersion:
			scope["version"] = v
		default:
			attrs[k] = v
		}
	}
	if _, ok := attrs[AttrSessionID]; !ok && sessionID != "" {
		attrs[AttrSessionID] = sessionID
	}
	return attrs, scope
}

// SessionDocuments returns every span and OTLP log record of a session
// (between from, inclusive, and to, exclusive; zero times do not bound) as
// ADOT documents ordered by time (span start / log time), up to
// MaxDocuments.
func (s *Service) SessionDocuments(ctx context.Context, account, sessionID string, from, to time.Time) ([]map[string]any, error) {
	type doc struct {
		t time.Time
		d map[string]any
	}
	var docs []doc
	f := Filter{Account: account, SessionID: sessionID, From: from, To: to, Limit: MaxLimit}
	for len(docs) < MaxDocuments {
		page, next, err := s.Spans(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, sp := range page {
			docs = append(docs, doc{sp.Start, ADOTSpan(sp)})
		}
		if f.Cursor = next; next == "" {
			break
		}
	}
	f.Cursor = ""
	for len(docs) < MaxDocuments {
		page, next, err := s.Logs(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, l := range page {
			if l.Stream == StreamOTLP {
				docs = append(docs, doc{l.Time, ADOTLog(l)})
			}
		}
		if f.Cursor = next; next == "" {
			break
		}
	}
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].t.Before(docs[j].t) })
	if len(docs) > MaxDocuments {
		docs = docs[:MaxDocuments]
	}
	out := make([]map[string]any, len(docs))
	for i, d := range docs {
		out[i] = d.d
	}
	return out, nil
}

// RuntimeLogGroup is the CloudWatch log group name of a runtime endpoint's
// logs: /aws/bedrock-agentcore/runtimes/<agentRuntimeId>-<endpointName>.
func RuntimeLogGroup(runtimeID, endpoint string) string {
	return "/aws/bedrock-agentcore/runtimes/" + runtimeID + "-" + endpoint
}

// ParseRuntimeLogGroup splits a runtime log group name into the runtime id
// and endpoint name (runtime ids contain no '-' after their name part's
// random suffix; the endpoint is what follows the last '-').
func ParseRuntimeLogGroup(name string) (runtimeID, endpoint string, ok bool) {
	rest, ok := strings.CutPrefix(name, "/aws/bedrock-agentcore/runtimes/")
	if !ok {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, '-')
	if i <= 0 || i == len(rest)-1 {
		return "", "", false
	}
	return rest[:i], rest[i+1:], true
}
