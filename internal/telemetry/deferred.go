package telemetry

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Deferred spans keep the request path cheap. A request needs its span's
// identity at once (the agent's spans must name it as their parent), but
// the span's content — name, status, attributes, end time — is known only
// when the request ends. So the request path only draws the ids
// (StartDeferred) and, at the end, hands a SpanRecord to Record; a
// background goroutine turns records into ordinary SDK spans (same ids,
// explicit timestamps) in batches, off the request's critical path. Spans
// reach the exporters exactly as if they had been made inline.

// SpanRecord is a finished span waiting to be built.
type SpanRecord struct {
	Parent     trace.SpanContext // the caller's span (remote), or invalid for a root span
	Context    trace.SpanContext // this span's ids (from StartDeferred)
	Name       string
	Kind       trace.SpanKind
	Start, End time.Time
	Attrs      []attribute.KeyValue
	Lazy       AttrAppender // more attributes, computed when the span is built (may be nil)
	Status     codes.Code
	StatusDesc string
}

// AttrAppender supplies a deferred span's attributes when the span is built,
// off the request path; it must not change after Record.
type AttrAppender interface {
	AppendAttrs(dst []attribute.KeyValue) []attribute.KeyValue
}

// StartDeferred draws the ids of a span that will be recorded later: a
// child of the span context in ctx (a caller's traceparent), or a root span
// (honouring a trace id carried from an X-Amzn-Trace-Id Root). It returns
// ctx carrying the new span context, so that spans started from it (inline,
// with Tracer) and the trace headers injected to agents name it as parent.
// The sampling decision is the provider's: ParentBased(AlwaysSample).
func (t *Telemetry) StartDeferred(ctx context.Context) (context.Context, trace.SpanContext, trace.SpanContext) {
	parent := trace.SpanContextFromContext(ctx)
	cfg := trace.SpanContextConfig{SpanID: newSpanID(), TraceFlags: trace.FlagsSampled}
	if parent.IsValid() {
		cfg.TraceID, cfg.TraceFlags, cfg.TraceState = parent.TraceID(), parent.TraceFlags(), parent.TraceState()
	} else if tid, ok := ctx.Value(traceIDKey{}).(trace.TraceID); ok && tid.IsValid() {
		cfg.TraceID = tid
	} else {
		for !cfg.TraceID.IsValid() {
			putUint64(cfg.TraceID[:8], rand.Uint64())
			putUint64(cfg.TraceID[8:], rand.Uint64())
		}
	}
	sc := trace.NewSpanContext(cfg)
	return trace.ContextWithSpanContext(ctx, sc), sc, parent
}

// Record queues a finished span for building. It never blocks: beyond
// maxDeferred queued records new ones are dropped (and counted).
func (t *Telemetry) Record(r SpanRecord) {
	if t == nil || t.def == nil || !r.Context.IsSampled() {
		return
	}
	t.def.add(r)
}

// maxDeferred bounds the records waiting to be built.
const maxDeferred = 16384

// deferredBuilder builds queued records into SDK spans every interval (or
// at once when a batch is full).
type deferredBuilder struct {
	t       *Telemetry
	mu      sync.Mutex
	q       []SpanRecord
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	dropped atomic.Int64
	once    sync.Once
}

const (
	deferredInterval = 100 * time.Millisecond
	deferredBatch    = 512
)

func newDeferredBuilder(t *Telemetry) *deferredBuilder {
	d := &deferredBuilder{t: t, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go d.loop()
	return d
}

func (d *deferredBuilder) add(r SpanRecord) {
	d.mu.Lock()
	if len(d.q) >= maxDeferred {
		d.mu.Unlock()
		d.dropped.Add(1)
		return
	}
	d.q = append(d.q, r)
	full := len(d.q) == deferredBatch
	d.mu.Unlock()
	if full {
		select {
		case d.kick <- struct{}{}:
		default:
		}
	}
}

func (d *deferredBuilder) loop() {
	defer close(d.done)
	tick := time.NewTicker(deferredInterval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-d.kick:
		case <-d.stop:
			d.flush()
			return
		}
		d.flush()
	}
}

// flush builds every queued record.
func (d *deferredBuilder) flush() {
	d.mu.Lock()
	batch := d.q
	d.q = make([]SpanRecord, 0, len(batch))
	d.mu.Unlock()
	var buf []attribute.KeyValue
	for i := range batch {
		buf = d.build(&batch[i], buf[:0])
	}
}

func (d *deferredBuilder) build(r *SpanRecord, buf []attribute.KeyValue) []attribute.KeyValue {
	ctx := context.WithValue(context.Background(), spanIDKey{}, r.Context.SpanID())
	if r.Parent.IsValid() {
		ctx = trace.ContextWithRemoteSpanContext(ctx, r.Parent)
	} else {
		ctx = context.WithValue(ctx, traceIDKey{}, r.Context.TraceID())
	}
	attrs := r.Attrs
	if r.Lazy != nil {
		buf = r.Lazy.AppendAttrs(append(buf, r.Attrs...))
		attrs = buf
	}
	_, sp := d.t.tracer.Start(ctx, r.Name, trace.WithSpanKind(r.Kind), trace.WithTimestamp(r.Start), trace.WithAttributes(attrs...))
	if r.Status != codes.Unset {
		sp.SetStatus(r.Status, r.StatusDesc)
	}
	sp.End(trace.WithTimestamp(r.End))
	return buf
}

// close builds what is queued and stops the goroutine.
func (d *deferredBuilder) close() {
	d.once.Do(func() { close(d.stop) })
	<-d.done
}

// spanIDKey carries the span id a deferred span was given on the request
// path (the idGenerator honours it).
type spanIDKey struct{}
