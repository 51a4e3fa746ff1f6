package observability

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// SpanExporter stores the platform's own spans in process: an OpenTelemetry
// SDK exporter that converts finished spans straight to Span rows (no OTLP
// encoding, HTTP or decoding on the way to the store). Spans are filed under
// Account. It does not forward: the server exports its spans to
// --otlp-export with a second, OTLP exporter.
type SpanExporter struct {
	Service *Service
	Account string
}

var _ sdktrace.SpanExporter = (*SpanExporter)(nil)

// ExportSpans implements sdktrace.SpanExporter.
func (e *SpanExporter) ExportSpans(ctx context.Context, in []sdktrace.ReadOnlySpan) error {
	if len(in) == 0 {
		return nil
	}
	res := e.Service.lim.convertKVs(in[0].Resource().Attributes())
	spans := make([]Span, 0, len(in))
	for _, sp := range in {
		spans = append(spans, e.Service.lim.convertSDKSpan(sp, res, e.Account))
	}
	return e.Service.storeSpans(ctx, spans)
}

// Shutdown implements sdktrace.SpanExporter.
func (e *SpanExporter) Shutdown(context.Context) error { return nil }

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

// convertSDKSpan turns a finished SDK span into a Span (same derivations as
// convertSpan for OTLP input).
func (l limits) convertSDKSpan(sp sdktrace.ReadOnlySpan, res map[string]any, account string) Span {
	sc := sp.SpanContext()
	s := Span{
		Account: account, TraceID: sc.TraceID().String(), SpanID: sc.SpanID().String(),
		Name: l.truncate(sp.Name()), Kind: int32(sp.SpanKind()), // trace.SpanKind and OTLP SpanKind share values
		Start: sp.StartTime().UTC(), End: sp.EndTime().UTC(),
		StatusMessage: l.truncate(sp.Status().Description),
		Attributes:    l.convertKVs(sp.Attributes()), Resource: res,
	}
	if p := sp.Parent(); p.SpanID().IsValid() {
		s.ParentSpanID = p.SpanID().String()
	}
	switch sp.Status().Code {
	case codes.Ok:
		s.StatusCode = 1
	case codes.Error:
		s.StatusCode, s.Error = 2, true
	}
	if s.End.Before(s.Start) {
		s.End = s.Start
	}
	for i, ev := range sp.Events() {
		if i >= l.events {
			break
		}
		s.Events = append(s.Events, Event{Time: ev.Time.UTC(), Name: l.truncate(ev.Name), Attributes: l.convertKVs(ev.Attributes)})
	}
	s.SessionID = firstString(s.Attributes[AttrSessionID], res[AttrSessionID])
	s.RuntimeARN = firstString(res[AttrResourceID], s.Attributes[AttrResourceID], s.Attributes[AttrRuntimeARN])
	s.ServiceName, _ = res[AttrServiceName].(string)
	return s
}

// AttrRuntimeARN is the platform's own span attribute naming the runtime.
const AttrRuntimeARN = "aws.agentcore.runtime.arn"

// convertKVs flattens SDK attributes to JSON-ready values with the bounds
// of convertAttrs.
func (l limits) convertKVs(kvs []attribute.KeyValue) map[string]any {
	if len(kvs) == 0 {
		return nil
	}
	m := make(map[string]any, min(len(kvs), l.attrs))
	for _, kv := range kvs {
		if len(m) >= l.attrs {
			m["agentcore.dropped_attributes"] = int64(len(kvs) - l.attrs)
			break
		}
		m[l.truncate(string(kv.Key))] = l.sdkValue(kv.Value)
	}
	return m
}

func (l limits) sdkValue(v attribute.Value) any {
	switch v.Type() {
	case attribute.STRING:
		return l.truncate(v.AsString())
	case attribute.BOOL:
		return v.AsBool()
	case attribute.INT64:
		return v.AsInt64()
	case attribute.FLOAT64:
		return v.AsFloat64()
	case attribute.STRINGSLICE:
		ss := v.AsStringSlice()
		out := make([]any, 0, min(len(ss), l.attrs))
		for i, x := range ss {
			if i >= l.attrs {
				break
			}
			out = append(out, l.truncate(x))
		}
		return out
	case attribute.BOOLSLICE, attribute.INT64SLICE, attribute.FLOAT64SLICE:
		return v.AsInterface()
	}
	return v.Emit()
}
