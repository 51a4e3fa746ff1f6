package browser

import (
	"context"
	"github.com/agentcore-dev/agentcore/internal/toolsession"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	"go.opentelemetry.io/otel/trace"
)

// Options configure the service.
type Options struct {
	KV store.KV
	// Sessions runs the browsers (its own manager on the server's sandbox
	// driver, so browser sessions never share a runtime's pools).
	Sessions *runtime.Sessions
	// CDP runs DevTools operations on a session's Chromium (actions,
	// profile save and restore, viewport).
	CDP CDP
	// Chromium is the Chromium executable ("" = sessions cannot start).
	Chromium string
	// Filesystems maps access point ARNs to host directories (the
	// server's --filesystems) that filesystemConfigurations mount.
	Filesystems map[string]string
	// DataDir holds the browsers' logs (DataDir/browser).
	DataDir string
	Limits  sandbox.Limits
	// WarmPool keeps that many started browsers (default viewport) ready
	// (0 = off).
	WarmPool int
	// Logs returns the writer of one stream ("console", "network") of a
	// session's logs (observability.Service.AgentLogWriter): the pages'
	// console errors and warnings, uncaught exceptions and failed requests
	// go there when CDP is also a Watcher (nil = not kept).
	Logs func(acct, arn, sessionID, stream string) io.WriteCloser
	// Tracer records a span per session (nil = none); Observer counts
	// actions (nil = none).
	Tracer   trace.Tracer
	Observer Observer
	Logger   *slog.Logger
	Now      func() time.Time
	// Node names this replica among those sharing the store; NodeAlive
	// reports whether another replica still runs (nil: a single server).
	// The session sweep leaves other live replicas' sessions alone.
	Node      string
	NodeAlive func(ctx context.Context, node string) bool
}

// Service is the Browser tool: browsers, browser profiles and sessions.
type Service struct {
	o        Options
	kv       store.KV
	sessions *runtime.Sessions
	log      *slog.Logger
	dir      string // DataDir/browser
	records  *toolsession.Records[Session]

	mu       sync.Mutex
	timers   map[string]*time.Timer // session key -> its timeout
	recorder func(*Attachment)      // records sessions with a recording configuration (nil: none)
	streams  map[string]*streamState
	live     map[string]*live // session key -> its span (observe.go)
	pooled   bool

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds the service; Open starts it.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{o: o, kv: o.KV, sessions: o.Sessions, log: o.Logger.With("component", "browser"),
		dir: filepath.Join(o.DataDir, "browser"), timers: map[string]*time.Timer{}, streams: map[string]*streamState{},
		live: map[string]*live{},
		ctx:  ctx, cancel: cancel}
	s.records = &toolsession.Records[Session]{KV: o.KV, Table: tblSession, Now: o.Now, Log: s.log,
		State:   func(x *Session) (string, string, time.Time) { return x.ID, x.Status, x.UpdatedAt },
		Set:     func(x *Session, status string, at time.Time) { x.Status, x.UpdatedAt = status, at },
		Running: s.running,
		Owner:   func(x *Session) string { return x.Node },
		Self:    o.Node, Alive: o.NodeAlive,
		Terminate: s.terminated,
		End: func(ctx context.Context, acct string, x *Session) {
			s.end(ctx, acct, x, "its record was ended by another replica (this one was declared dead, or the tool deleted)")
		}}
	return s
}

// Open marks the sessions whose Chromium is gone (all of them after a
// restart) TERMINATED, starts the retention sweep and the warm pool.
func (s *Service) Open(ctx context.Context) error {
	// root is the (empty) directory Chromium runs from: the isolating
	// drivers' sandbox users must be able to read it.
	if err := os.MkdirAll(filepath.Join(s.dir, "root"), 0o755); err != nil {
		return err
	}
	if err := os.Chmod(filepath.Join(s.dir, "root"), 0o755); err != nil {
		return err
	}
	if err := os.Chmod(s.dir, 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(s.dir, "logs"), 0o700); err != nil {
		return err
	}
	if err := s.records.Sweep(ctx); err != nil {
		return err
	}
	s.wg.Add(1)
	go func() { defer s.wg.Done(); s.records.SweepEvery(s.ctx, 5*time.Minute) }()
	s.ensurePool()
	return nil
}

// Close stops every session's timer and ends the streams' leases; the
// sessions themselves end with their runtime.Sessions manager.
func (s *Service) Close(context.Context) error {
	s.cancel()
	s.mu.Lock()
	for k, t := range s.timers {
		t.Stop()
		delete(s.timers, k)
	}
	for k, st := range s.streams {
		st.end()
		delete(s.streams, k)
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.endSpans("server shutting down")
	return nil
}

// Exists reports whether an ARN names a custom browser or a browser
// profile of the caller (tagging).
func (s *Service) Exists(ctx context.Context, arn string) bool {
	t, err := tenant.From(ctx)
	if err != nil {
		return false
	}
	if i := strings.Index(arn, ":browser-custom/"); i >= 0 {
		b, _, err := s.browserRev(ctx, t.Account, arn[i+len(":browser-custom/"):])
		return err == nil && b.ARN == arn
	}
	if i := strings.Index(arn, ":browser-profile/"); i >= 0 {
		p, _, err := s.profileRev(ctx, t.Account, arn[i+len(":browser-profile/"):])
		return err == nil && p.ARN == arn
	}
	return false
}
