package observability

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// Tag says where a payload came from. Account is always set. A per-session
// OTLP endpoint also sets SessionID and RuntimeARN: they are then
// authoritative (an agent cannot file data under another session); on the
// public endpoint session and runtime come from the data itself.
type Tag struct {
	Account, SessionID, RuntimeARN string
}

// Options configure a Service. Zero values take the documented defaults.
type Options struct {
	Store Store
	// Retention is how long spans and logs are kept (default 7 days;
	// negative keeps them forever).
	Retention time.Duration
	// RetentionInterval is how often old rows are deleted (default
	// Retention/4, between 100ms and 1h).
	RetentionInterval time.Duration
	// Export forwards every received payload (nil = no forwarding), e.g.
	// otlphttp.New(url) for --otlp-export.
	Export Sender
	// QueueSize bounds the batches waiting to be forwarded (default 1000);
	// QueueBytes bounds their total size (default 64 MiB).
	QueueSize  int
	QueueBytes int64
	// ExportTimeout bounds one forwarding attempt (default 10s).
	ExportTimeout time.Duration
	// MaxAttrValue bounds string attribute values and log bodies (default 8 KiB).
	MaxAttrValue int
	// MaxSpans bounds spans (or log records) per request (default 10000);
	// the excess is rejected.
	MaxSpans int
	Logger   *slog.Logger
	Now      func() time.Time
	// Leader, when set, says whether this replica runs the retention pass
	// now (replicas sharing a store delete old rows once, not once each;
	// see internal/lease). Nil: always.
	Leader func(ctx context.Context, job string, ttl time.Duration) bool
	// OnSpans, when set, sees every batch of spans after it is stored (e.g.
	// to count GenAI token usage into metrics). It must not block.
	OnSpans func(spans []Span)
}

// Stats are the service's counters since start.
type Stats struct {
	IngestedSpans int64 `json:"ingestedSpans"`
	IngestedLogs  int64 `json:"ingestedLogs"`
	RejectedSpans int64 `json:"rejectedSpans"`
	RejectedLogs  int64 `json:"rejectedLogs"`
	DroppedLogs   int64 `json:"droppedLogs"`   // agent log lines and OTLP log records dropped (queue full or store error)
	DroppedSpans  int64 `json:"droppedSpans"`  // OTLP spans dropped (write queue full or store error)
	MetricsPoints int64 `json:"metricsPoints"` // OTLP metric requests accepted (not stored)
	Forwarded     int64 `json:"forwarded"`     // batches delivered to the export endpoint
	Dropped       int64 `json:"dropped"`       // batches not delivered (queue full, endpoint down or slow)
	Queued        int64 `json:"queued"`        // batches waiting to be forwarded
	Deleted       int64 `json:"deleted"`       // rows removed by retention
	// RetentionPasses counts the retention passes this replica ran (with
	// replicas sharing a store, one of them runs each pass).
	RetentionPasses int64 `json:"retentionPasses"`
}

// Service ingests, stores, queries and forwards telemetry.
type Service struct {
	opt       Options
	lim       limits
	log       *slog.Logger
	fwd       *forwarder
	agentLogs chan []LogRecord
	writes    chan writeItem // OTLP input waiting to be stored (writer.go)
	pending   atomic.Int64   // batches in writes not stored yet

	ingestedSpans, ingestedLogs, rejectedSpans, rejectedLogs atomic.Int64
	droppedLogs, droppedSpans, metrics, deleted, passes      atomic.Int64

	stop      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// New starts a service (its retention loop, agent-log writer and
// forwarder). Close stops them.
func New(opt Options) *Service {
	if opt.Retention == 0 {
		opt.Retention = 7 * 24 * time.Hour
	}
	if opt.RetentionInterval <= 0 {
		opt.RetentionInterval = min(max(opt.Retention/4, 100*time.Millisecond), time.Hour)
	}
	if opt.MaxAttrValue <= 0 {
		opt.MaxAttrValue = 8 << 10
	}
	if opt.MaxSpans <= 0 {
		opt.MaxSpans = 10000
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	s := &Service{opt: opt, lim: limits{value: opt.MaxAttrValue, attrs: 128, events: 128},
		log: opt.Logger.With("component", "observability"), stop: make(chan struct{}),
		agentLogs: make(chan []LogRecord, 1024), writes: make(chan writeItem, writeQueue)}
	if opt.Export != nil {
		s.fwd = newForwarder(opt.Export, opt.QueueSize, opt.QueueBytes, opt.ExportTimeout, s.log)
	}
	s.wg.Add(3)
	go s.retentionLoop()
	go s.agentLogLoop()
	go s.writeLoop()
	return s
}

// Close stops the background goroutines, storing agent log lines already
// written and OTLP input already queued. Idempotent.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		s.wg.Wait()
		if s.fwd != nil {
			s.fwd.close()
		}
	})
	return nil
}

// Stats returns the counters.
func (s *Service) Stats() Stats {
	st := Stats{IngestedSpans: s.ingestedSpans.Load(), IngestedLogs: s.ingestedLogs.Load(),
		RejectedSpans: s.rejectedSpans.Load(), RejectedLogs: s.rejectedLogs.Load(), DroppedLogs: s.droppedLogs.Load(),
		DroppedSpans:  s.droppedSpans.Load(),
		MetricsPoints: s.metrics.Load(), Deleted: s.deleted.Load(), RetentionPasses: s.passes.Load()}
	if s.fwd != nil {
		st.Forwarded, st.Dropped, st.Queued = s.fwd.forwarded.Load(), s.fwd.dropped.Load(), int64(len(s.fwd.queue))
	}
	return st
}

// ErrInvalid marks a payload that cannot be accepted at all.
var ErrInvalid = errors.New("invalid OTLP payload")

// IngestTraces queues the spans of an OTLP export request (its
// resource_spans) for storing (writer.go) and forwards them. Spans with
// malformed ids, and spans beyond the per-request bound, are rejected and
// counted in rejected (OTLP partial success); spans whose parent is unknown
// are kept.
func (s *Service) IngestTraces(ctx context.Context, req []*tracepb.ResourceSpans, tag Tag) (rejected int64, err error) {
	if tag.Account == "" {
		return 0, fmt.Errorf("%w: no account", ErrInvalid)
	}
	var spans []Span
	for _, rs := range req {
		res := s.lim.convertAttrs(rs.GetResource().GetAttributes(), 0)
		for _, ss := range rs.GetScopeSpans() {
			for _, sp := range ss.GetSpans() {
				if len(spans) >= s.opt.MaxSpans {
					rejected++
					continue
				}
				if c, ok := s.lim.convertSpan(sp, res, tag); ok {
					c.Attributes = withScope(c.Attributes, ss.GetScope())
					spans = append(spans, c)
				} else {
					rejected++
				}
			}
		}
	}
	s.rejectedSpans.Add(rejected)
	if len(spans) > 0 {
		s.queueSpans(spans)
	}
	if s.fwd != nil {
		s.fwd.enqueue(SignalTraces, enrichTraces(req, tag))
	}
	return rejected, nil
}

// CountMetrics records an accepted OTLP metrics request (metrics are not
// stored; they are forwarded when export is on).
func (s *Service) CountMetrics(body []byte) {
	s.metrics.Add(1)
	if s.fwd != nil {
		s.fwd.enqueueRaw(SignalMetrics, body)
	}
}

func (s *Service) retentionLoop() {
	defer s.wg.Done()
	if s.opt.Retention < 0 {
		<-s.stop
		return
	}
	t := time.NewTicker(s.opt.RetentionInterval)
	defer t.Stop()
	for {
		// The lease outlives two intervals: a live leader renews it each
		// pass; another replica takes over when the leader stops.
		if s.opt.Leader == nil || s.opt.Leader(context.Background(), "observability-retention", 2*s.opt.RetentionInterval+time.Second) {
			s.passes.Add(1)
			s.DeleteBefore(context.Background(), s.opt.Now().Add(-s.opt.Retention))
		}
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

// DeleteBefore removes spans and logs older than t (the retention loop calls
// it; tests and operators may too).
func (s *Service) DeleteBefore(ctx context.Context, t time.Time) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	sp, lg, err := s.opt.Store.DeleteBefore(ctx, t)
	if err != nil {
		s.log.Warn("retention delete failed", "error", err)
		return 0, err
	}
	if n := sp + lg; n > 0 {
		s.deleted.Add(n)
		s.log.Debug("retention deleted telemetry", "spans", sp, "logs", lg, "before", t)
	}
	return sp + lg, nil
}
