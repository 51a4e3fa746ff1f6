package observability

import (
	"context"
	"fmt"
)

// StoreSpans stores spans converted in process (the platform's own, see
// sdkexport): sizes are bounded as for OTLP input and the session, runtime
// and service columns derived.
func (s *Service) StoreSpans(ctx context.Context, spans []Span) error {
	for i := range spans {
		s.lim.bound(&spans[i])
	}
	return s.storeSpans(ctx, spans)
}

// storeSpans stores converted spans and counts them.
func (s *Service) storeSpans(ctx context.Context, spans []Span) error {
	if err := s.opt.Store.InsertSpans(ctx, spans); err != nil {
		return fmt.Errorf("store spans: %w", err)
	}
	s.ingestedSpans.Add(int64(len(spans)))
	if s.opt.OnSpans != nil {
		s.opt.OnSpans(spans)
	}
	return nil
}

// AttrRuntimeARN is the platform's own span attribute naming the runtime.
const AttrRuntimeARN = "aws.agentcore.runtime.arn"

// bound applies the size limits to a span built in process and derives its
// columns (as convertSpan does for OTLP input).
func (l limits) bound(s *Span) {
	s.Name, s.StatusMessage = l.truncate(s.Name), l.truncate(s.StatusMessage)
	s.Attributes, s.Resource = l.boundMap(s.Attributes, 0), l.boundMap(s.Resource, 0)
	if len(s.Events) > l.events {
		s.Events = s.Events[:l.events]
	}
	for i := range s.Events {
		s.Events[i].Name = l.truncate(s.Events[i].Name)
		s.Events[i].Attributes = l.boundMap(s.Events[i].Attributes, 0)
	}
	if s.End.Before(s.Start) {
		s.End = s.Start
	}
	s.SessionID = firstString(s.Attributes[AttrSessionID], s.Resource[AttrSessionID])
	s.RuntimeARN = firstString(s.Resource[AttrResourceID], s.Attributes[AttrResourceID], s.Attributes[AttrRuntimeARN])
	s.ServiceName, _ = s.Resource[AttrServiceName].(string)
}

func (l limits) boundMap(m map[string]any, depth int) map[string]any {
	if len(m) == 0 {
		return m
	}
	out := make(map[string]any, min(len(m), l.attrs))
	for k, v := range m {
		if len(out) >= l.attrs {
			out["agentcore.dropped_attributes"] = int64(len(m) - l.attrs)
			break
		}
		out[l.truncate(k)] = l.boundValue(v, depth)
	}
	return out
}

func (l limits) boundValue(v any, depth int) any {
	switch x := v.(type) {
	case string:
		return l.truncate(x)
	case []any:
		if depth >= maxAttrDepth {
			return "[nested too deep]"
		}
		if len(x) > l.attrs {
			x = x[:l.attrs]
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = l.boundValue(e, depth+1)
		}
		return out
	case map[string]any:
		if depth >= maxAttrDepth {
			return "[nested too deep]"
		}
		return l.boundMap(x, depth+1)
	}
	return v
}
