// Package sdkexport stores the platform's own OpenTelemetry spans in the
// observability service in process: an SDK SpanExporter (the SDK pulls in
// net/http through its propagators, so this lives apart from the service).
package sdkexport

import (
	"context"

	"github.com/agentcore-dev/agentcore/internal/observability"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// SpanExporter converts finished spans straight to observability.Span rows
// (no OTLP encoding, HTTP or decoding on the way to the store), filed under
// Account. It does not forward: the server exports its spans to
// --otlp-export with a second, OTLP exporter.
type SpanExporter struct {
	Service *observability.Service
	Account string
}

var _ sdktrace.SpanExporter = (*SpanExporter)(nil)

// ExportSpans implements sdktrace.SpanExporter.
func (e *SpanExporter) ExportSpans(ctx context.Context, in []sdktrace.ReadOnlySpan) error {
	if len(in) == 0 || e.Service == nil {
		return nil
	}
	res := kvs(in[0].Resource().Attributes())
	spans := make([]observability.Span, 0, len(in))
	for _, sp := range in {
		spans = append(spans, convert(sp, res, e.Account))
	}
	return e.Service.StoreSpans(ctx, spans)
}

// Shutdown implements sdktrace.SpanExporter.
func (e *SpanExporter) Shutdown(context.Context) error { return nil }

// convert turns a finished SDK span into a Span (the service bounds sizes
// and derives session, runtime and service columns).
func convert(sp sdktrace.ReadOnlySpan, res map[string]any, account string) observability.Span {
	sc := sp.SpanContext()
	s := observability.Span{
		Account: account, TraceID: sc.TraceID().String(), SpanID: sc.SpanID().String(),
		Name: sp.Name(), Kind: int32(sp.SpanKind()), // trace.SpanKind and OTLP SpanKind share values
		Start: sp.StartTime().UTC(), End: sp.EndTime().UTC(),
		StatusMessage: sp.Status().Description, Attributes: kvs(sp.Attributes()), Resource: res,
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
	for _, ev := range sp.Events() {
		s.Events = append(s.Events, observability.Event{Time: ev.Time.UTC(), Name: ev.Name, Attributes: kvs(ev.Attributes)})
	}
	return s
}

func kvs(in []attribute.KeyValue) map[string]any {
	if len(in) == 0 {
		return nil
	}
	m := make(map[string]any, len(in))
	for _, kv := range in {
		m[string(kv.Key)] = value(kv.Value)
	}
	return m
}

func value(v attribute.Value) any {
	switch v.Type() {
	case attribute.STRING:
		return v.AsString()
	case attribute.BOOL:
		return v.AsBool()
	case attribute.INT64:
		return v.AsInt64()
	case attribute.FLOAT64:
		return v.AsFloat64()
	case attribute.STRINGSLICE:
		ss := v.AsStringSlice()
		out := make([]any, len(ss))
		for i, x := range ss {
			out[i] = x
		}
		return out
	case attribute.BOOLSLICE, attribute.INT64SLICE, attribute.FLOAT64SLICE:
		return v.AsInterface()
	}
	return v.Emit()
}
