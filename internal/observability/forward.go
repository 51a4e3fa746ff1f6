package observability

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// OTLP signals, as in the /v1/{signal} paths.
const (
	SignalTraces  = "traces"
	SignalLogs    = "logs"
	SignalMetrics = "metrics"
)

// Sender delivers one protobuf-encoded OTLP export request of a signal to
// the export endpoint (otlphttp implements it over OTLP/HTTP).
type Sender interface {
	Send(ctx context.Context, signal string, body []byte) error
}

// forwarder queues batches for a Sender: enqueue never blocks; a full queue
// (in batches or bytes) or a failed send drops the batch and counts it.
type forwarder struct {
	send      Sender
	queue     chan batch
	maxBytes  int64
	bytes     atomic.Int64
	timeout   time.Duration
	log       *slog.Logger
	forwarded atomic.Int64
	dropped   atomic.Int64
	ctx       context.Context
	cancel    context.CancelFunc
	closing   chan struct{}
	wg        sync.WaitGroup
}

type batch struct {
	signal string
	body   []byte
}

func newForwarder(s Sender, size int, maxBytes int64, timeout time.Duration, lg *slog.Logger) *forwarder {
	if size <= 0 {
		size = 1000
	}
	if maxBytes <= 0 {
		maxBytes = 64 << 20
	}
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	f := &forwarder{send: s, queue: make(chan batch, size), maxBytes: maxBytes, timeout: timeout, log: lg, closing: make(chan struct{})}
	f.ctx, f.cancel = context.WithCancel(context.Background())
	f.wg.Add(1)
	go f.run()
	return f
}

// enqueue encodes items as an Export{Trace,Logs}ServiceRequest: field 1
// repeated, which is all those messages hold (this package stays clear of
// the collector packages, which drag in gRPC and net/http).
func (f *forwarder) enqueue(signal string, items []proto.Message) {
	var body []byte
	for _, m := range items {
		b, err := proto.Marshal(m)
		if err != nil {
			f.dropped.Add(1)
			return
		}
		body = protowire.AppendTag(body, 1, protowire.BytesType)
		body = protowire.AppendBytes(body, b)
	}
	f.enqueueRaw(signal, body)
}

func (f *forwarder) enqueueRaw(signal string, body []byte) {
	if f.bytes.Add(int64(len(body))) > f.maxBytes {
		f.bytes.Add(-int64(len(body)))
		f.dropped.Add(1)
		return
	}
	select {
	case f.queue <- batch{signal, body}:
	default:
		f.bytes.Add(-int64(len(body)))
		f.dropped.Add(1)
	}
}

func (f *forwarder) run() {
	defer f.wg.Done()
	for {
		select {
		case b := <-f.queue:
			f.deliver(b)
		case <-f.closing:
			return
		}
	}
}

func (f *forwarder) deliver(b batch) {
	defer f.bytes.Add(-int64(len(b.body)))
	ctx, cancel := context.WithTimeout(f.ctx, f.timeout)
	defer cancel()
	if err := f.send.Send(ctx, b.signal, b.body); err != nil {
		if f.dropped.Add(1) == 1 || f.dropped.Load()%100 == 0 {
			f.log.Warn("OTLP export failed; batch dropped", "signal", b.signal, "error", err, "dropped", f.dropped.Load())
		}
		return
	}
	f.forwarded.Add(1)
}

// close gives queued batches one short chance (at most the export timeout
// in total) and counts the rest as dropped.
func (f *forwarder) close() {
	deadline := time.AfterFunc(f.timeout, f.cancel)
	defer deadline.Stop()
	close(f.closing)
	f.wg.Wait()
	for {
		select {
		case b := <-f.queue:
			if f.ctx.Err() != nil {
				f.dropped.Add(1)
				continue
			}
			f.deliver(b)
		default:
			f.cancel()
			return
		}
	}
}

// enrichTraces adds the tag's session and runtime to each resource that
// lacks them, so the export endpoint sees what the store saw.
func enrichTraces(req []*tracepb.ResourceSpans, tag Tag) []proto.Message {
	out := make([]proto.Message, 0, len(req))
	for _, rs := range req {
		if rs.Resource == nil {
			rs.Resource = &resourcepb.Resource{}
		}
		addAttrs(rs.Resource, tag)
		out = append(out, rs)
	}
	return out
}

func enrichLogs(req []*logspb.ResourceLogs, tag Tag) []proto.Message {
	out := make([]proto.Message, 0, len(req))
	for _, rl := range req {
		if rl.Resource == nil {
			rl.Resource = &resourcepb.Resource{}
		}
		addAttrs(rl.Resource, tag)
		out = append(out, rl)
	}
	return out
}

func addAttrs(r *resourcepb.Resource, tag Tag) {
	have := map[string]bool{}
	for _, kv := range r.Attributes {
		have[kv.GetKey()] = true
	}
	for k, v := range map[string]string{AttrSessionID: tag.SessionID, AttrResourceID: tag.RuntimeARN} {
		if v != "" && !have[k] {
			r.Attributes = append(r.Attributes, &commonpb.KeyValue{Key: k,
				Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}})
		}
	}
}
