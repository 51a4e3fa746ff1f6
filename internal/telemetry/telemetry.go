// Package telemetry is the server's own instrumentation: an OpenTelemetry
// tracer provider that exports the platform's spans over OTLP/HTTP (to the
// server's own receiver, which stores them and forwards them to any
// --otlp-export endpoint), the W3C / X-Ray propagation used on the invocation
// path, and the Prometheus registry behind GET /metrics.
//
// Attribute names follow the OpenTelemetry semantic conventions pinned below
// (semconv v1.41.0), GenAI conventions included.
package telemetry

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// SchemaURL is the semantic-conventions version every span follows.
const SchemaURL = semconv.SchemaURL

// ScopeName is the instrumentation scope of the platform's spans.
const ScopeName = "github.com/agentcore-dev/agentcore"

// Options configure New.
type Options struct {
	// Tracing turns span creation and export on (--tracing, default true).
	// Off, the tracer is a no-op and trace headers pass through unchanged.
	Tracing bool
	// Endpoint is the full OTLP/HTTP traces URL spans are exported to,
	// e.g. an --otlp-export collector's /v1/traces. "" = none.
	Endpoint string
	// Exporter, when set, replaces the OTLP exporter (tests).
	Exporter sdktrace.SpanExporter
	// Local, when set, also receives every span in process (the server's
	// span store: no OTLP round trip on the way).
	Local sdktrace.SpanExporter
	// ServiceVersion is service.version; "" = the module version.
	ServiceVersion string
	Logger         *slog.Logger
}

// Telemetry is the server's tracer provider, propagator and metrics.
type Telemetry struct {
	tracing bool
	tp      *sdktrace.TracerProvider // nil when tracing is off
	tracer  trace.Tracer
	prop    propagation.TextMapPropagator
	def     *deferredBuilder // nil when tracing is off
	Metrics *Metrics
}

// New builds the tracer provider (when tracing is on) and the metrics registry.
func New(o Options) (*Telemetry, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	t := &Telemetry{
		tracing: o.Tracing,
		prop:    propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
		Metrics: NewMetrics(),
		tracer:  noop.NewTracerProvider().Tracer(ScopeName),
	}
	if !o.Tracing {
		return t, nil
	}
	exp := o.Exporter
	if exp == nil && o.Endpoint != "" {
		client := otlptracehttp.NewClient(otlptracehttp.WithEndpointURL(o.Endpoint),
			otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}), otlptracehttp.WithTimeout(10*time.Second))
		raw, err := otlptrace.New(context.Background(), client)
		if err != nil {
			return nil, err
		}
		q := &quietExporter{SpanExporter: raw, log: o.Logger.With("component", "telemetry"), endpoint: o.Endpoint}
		t.Metrics.AddDropSource(DropSource{Signal: "spans", Reason: "export_failed", Count: q.total.Load})
		exp = q
	}
	res := resource.NewWithAttributes(SchemaURL,
		semconv.ServiceName("agentcore"), semconv.ServiceVersion(serviceVersion(o.ServiceVersion)))
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res), sdktrace.WithIDGenerator(idGenerator{}),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.AlwaysSample()))}
	for _, e := range []sdktrace.SpanExporter{exp, o.Local} {
		if e != nil {
			opts = append(opts, sdktrace.WithBatcher(e, sdktrace.WithMaxQueueSize(8192), sdktrace.WithMaxExportBatchSize(1024)))
		}
	}
	t.tp = sdktrace.NewTracerProvider(opts...)
	t.tracer = t.tp.Tracer(ScopeName, trace.WithSchemaURL(SchemaURL))
	t.def = newDeferredBuilder(t)
	t.Metrics.AddDropSource(DropSource{Signal: "spans", Reason: "queue_full", Count: t.def.dropped.Load})
	return t, nil
}

// Tracing reports whether spans are recorded.
func (t *Telemetry) Tracing() bool { return t != nil && t.tracing }

// Tracer is the platform's tracer (a no-op one when tracing is off).
func (t *Telemetry) Tracer() trace.Tracer {
	if t == nil {
		return noop.NewTracerProvider().Tracer(ScopeName)
	}
	return t.tracer
}

// TracerProvider is the SDK provider, nil when tracing is off.
func (t *Telemetry) TracerProvider() *sdktrace.TracerProvider { return t.tp }

// ForceFlush exports the spans ended so far.
func (t *Telemetry) ForceFlush(ctx context.Context) error {
	if t == nil || t.tp == nil {
		return nil
	}
	t.def.flush()
	return t.tp.ForceFlush(ctx)
}

// Shutdown flushes and stops the tracer provider.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	if t == nil || t.tp == nil {
		return nil
	}
	t.def.close()
	return t.tp.Shutdown(ctx)
}

func serviceVersion(v string) string {
	if v != "" {
		return v
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// quietExporter keeps export failures out of the global OpenTelemetry error
// handler (which prints to stderr): the server's own receiver may be absent
// (404) or already closed at shutdown. Failures are logged at debug level,
// at most once a minute.
type quietExporter struct {
	sdktrace.SpanExporter
	log      *slog.Logger
	endpoint string

	mu     sync.Mutex
	last   time.Time
	failed int
	total  atomic.Int64 // spans whose export failed (dropped)
}

func (q *quietExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	err := q.SpanExporter.ExportSpans(ctx, spans)
	if err == nil || errors.Is(err, context.Canceled) {
		return nil
	}
	q.total.Add(int64(len(spans)))
	q.mu.Lock()
	q.failed += len(spans)
	if time.Since(q.last) >= time.Minute {
		q.log.Debug("span export failed", "endpoint", q.endpoint, "droppedSpans", q.failed, "err", err)
		q.last, q.failed = time.Now(), 0
	}
	q.mu.Unlock()
	return nil
}
