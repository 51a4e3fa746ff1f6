package main

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"

	agentcore "github.com/agentcore-dev/agentcore/sdk"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// The "trace" action does what an instrumented agent does with an unchanged
// OpenTelemetry SDK: the exporter is configured only by the environment the
// platform sets (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_SERVICE_NAME), the incoming W3C traceparent is the parent of an
// "agent.handle" span with a nested "llm.call" span (gen_ai attributes), and
// the spans are flushed before the answer.
var (
	tpOnce sync.Once
	tp     *sdktrace.TracerProvider
	tpErr  error
)

func tracerProvider() (*sdktrace.TracerProvider, error) {
	tpOnce.Do(func() {
		if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
			tpErr = errors.New("OTEL_EXPORTER_OTLP_ENDPOINT is not set")
			return
		}
		exp, err := otlptracehttp.New(context.Background()) // endpoint, headers, timeout: from the environment
		if err != nil {
			tpErr = err
			return
		}
		res, err := resource.Merge(resource.Default(), resource.Environment())
		if err != nil {
			res = resource.Default()
		}
		tp = sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	})
	return tp, tpErr
}

func traceAction(ctx context.Context, rc *agentcore.RequestContext) (any, error) {
	p, err := tracerProvider()
	if err != nil {
		return map[string]any{"traced": false, "reason": err.Error()}, nil
	}
	if rc != nil && rc.Request != nil {
		ctx = propagation.TraceContext{}.Extract(ctx, propagation.HeaderCarrier(rc.Request.Header))
	}
	incoming := trace.SpanContextFromContext(ctx)
	tr := p.Tracer("agentcore/testagent")
	sessionID := ""
	if rc != nil {
		sessionID = rc.SessionID
	}
	ctx, span := tr.Start(ctx, "agent.handle", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("session.id", sessionID)))
	_, llm := tr.Start(ctx, "llm.call", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.system", "testagent"),
		attribute.String("gen_ai.request.model", "test-model"),
		attribute.Int("gen_ai.usage.input_tokens", 12),
		attribute.Int("gen_ai.usage.output_tokens", 34),
	))
	time.Sleep(time.Millisecond)
	llm.End()
	span.End()
	fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out := map[string]any{
		"traced":    true,
		"traceId":   span.SpanContext().TraceID().String(),
		"spanId":    span.SpanContext().SpanID().String(),
		"llmSpanId": llm.SpanContext().SpanID().String(),
		"endpoint":  os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"),
	}
	if incoming.IsValid() {
		out["parentSpanId"] = incoming.SpanID().String()
	}
	if err := p.ForceFlush(fctx); err != nil {
		out["flushError"] = err.Error()
	}
	return out, nil
}
