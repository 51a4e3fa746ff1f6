package evaluation

// THROWAWAY (H-online): observability.Service.SessionDocuments (H-spans)
// until h/espans is merged; at merge pass the *observability.Service itself
// as the SessionStore and delete this file.

import (
	"context"
	"encoding/json"
	"time"

	"github.com/agentcore-dev/agentcore/internal/observability"
)

// ShimSessions adds SessionDocuments to an observability service.
func ShimSessions(o *observability.Service) SessionStore { return shimSessions{o} }

type shimSessions struct{ *observability.Service }

func (s shimSessions) SessionDocuments(ctx context.Context, account, sessionID string, from, to time.Time) ([]map[string]any, error) {
	var out []map[string]any
	f := observability.Filter{Account: account, SessionID: sessionID, From: from, To: to, Limit: observability.MaxLimit}
	for {
		spans, next, err := s.Spans(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, sp := range spans {
			attrs := map[string]any{}
			for k, v := range sp.Attributes {
				attrs[k] = v
			}
			if _, ok := attrs["session.id"]; !ok && sp.SessionID != "" {
				attrs["session.id"] = sp.SessionID
			}
			out = append(out, map[string]any{"traceId": sp.TraceID, "spanId": sp.SpanID, "parentSpanId": sp.ParentSpanID,
				"name": sp.Name, "kind": sp.Kind, "startTimeUnixNano": sp.Start.UnixNano(), "endTimeUnixNano": sp.End.UnixNano(),
				"attributes": attrs, "resource": map[string]any{"attributes": sp.Resource},
				"status": map[string]any{"code": sp.StatusCode, "message": sp.StatusMessage}})
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	f.Cursor = ""
	for {
		logs, next, err := s.Logs(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, l := range logs {
			if l.Stream != observability.StreamOTLP || l.TraceID == "" {
				continue
			}
			var body any = l.Body
			var m map[string]any
			if json.Unmarshal([]byte(l.Body), &m) == nil {
				body = m
			}
			out = append(out, map[string]any{"traceId": l.TraceID, "spanId": l.SpanID, "timeUnixNano": l.Time.UnixNano(),
				"body": body, "attributes": l.Attributes})
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	return out, nil
}
