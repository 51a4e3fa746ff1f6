package memory

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/embed"
	"github.com/agentcore-dev/agentcore/internal/model"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Options configure the service.
type Options struct {
	KV store.KV
	// Embedder vectors records and queries; nil = embed.NewHashing(256).
	Embedder embed.Embedder
	// Model extracts and consolidates long-term records; nil = none (jobs
	// of long-term strategies then FAIL with a clear reason, and can be
	// redriven once a model is configured).
	Model model.Provider
	// MasterKey derives the keys of memories created with an
	// encryptionKeyArn; nil = such memories are refused.
	MasterKey []byte
	Logger    *slog.Logger
	// Workers is the number of extraction workers (default 2).
	Workers int
	// Lease is how long a worker owns a job before another may take it
	// over (default 30s; renewed while the job runs).
	Lease time.Duration
	// ActivationDelay is how long memories and strategies stay CREATING
	// (default 200ms).
	ActivationDelay time.Duration
	// Poll is how often idle workers look for jobs (default 500ms; new
	// events wake them at once).
	Poll time.Duration
	// Webhooks delivers self-managed strategies' payloads to subscribed
	// endpoints; nil = deliveries wait (and finally FAIL).
	Webhooks Webhooks
	// Now is the clock (tests).
	Now func() time.Time
	// Leader, when set, says whether this replica runs the expiry reaper
	// now (replicas sharing a store reap once, not once each; see
	// internal/lease). Nil: always.
	Leader func(ctx context.Context, job string, ttl time.Duration) bool
	// ReembedInterval is how often the background pass looks for memories
	// whose records another embedder wrote (default 1 minute; it also runs
	// at Start).
	ReembedInterval time.Duration
}

// Service implements the Memory control and data planes.
type Service struct {
	kv           store.KV
	emb          embed.Embedder
	model        model.Provider
	master       []byte
	log          *slog.Logger
	now          func() time.Time
	workers      int
	lease        time.Duration
	activate     time.Duration
	poll         time.Duration
	owner        string
	leader       func(ctx context.Context, job string, ttl time.Duration) bool
	reembedEvery time.Duration
	hooks        Webhooks
	smWake       chan struct{}

	idxMu   sync.Mutex
	indexes map[string]*index // acct|memoryId → records

	wake   chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds the service; call Start to run the pipeline.
func New(o Options) *Service {
	s := &Service{kv: o.KV, emb: o.Embedder, model: o.Model, master: o.MasterKey, log: o.Logger, now: o.Now,
		workers: o.Workers, lease: o.Lease, activate: o.ActivationDelay, poll: o.Poll,
		indexes: map[string]*index{}, wake: make(chan struct{}, 1), owner: newHex(8), leader: o.Leader, reembedEvery: o.ReembedInterval,
		hooks: o.Webhooks, smWake: make(chan struct{}, 1)}
	if s.emb == nil {
		s.emb = embed.NewHashing(256)
	}
	if s.model == nil {
		s.model = model.Unconfigured{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "memory")
	if s.now == nil {
		s.now = time.Now
	}
	if s.workers <= 0 {
		s.workers = 2
	}
	if s.lease <= 0 {
		s.lease = 30 * time.Second
	}
	if s.activate <= 0 {
		s.activate = 200 * time.Millisecond
	}
	if s.reembedEvery <= 0 {
		s.reembedEvery = time.Minute
	}
	if s.poll <= 0 {
		s.poll = 500 * time.Millisecond
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s
}

// Start runs the extraction workers and the expiry reaper until Close.
func (s *Service) Start() {
	for i := 0; i < s.workers; i++ {
		s.wg.Add(1)
		go func() { defer s.wg.Done(); s.worker() }()
	}
	s.wg.Add(1)
	go func() { defer s.wg.Done(); s.reaper() }()
	s.wg.Add(1)
	go func() { defer s.wg.Done(); s.triggers() }()
	s.wg.Add(1)
	go func() { defer s.wg.Done(); s.reembedder(s.reembedEvery) }()
}

// Close stops the workers; a job in flight is left to the next run.
func (s *Service) Close() {
	s.cancel()
	s.wg.Wait()
}

func (s *Service) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
	select {
	case s.smWake <- struct{}{}:
	default:
	}
}
