package browser

import (
	"context"
	"encoding/json"
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

// terminatedKept is how long a TERMINATED session stays gettable and listable.
const terminatedKept = 24 * time.Hour

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
}

// Service is the Browser tool: browsers, browser profiles and sessions.
type Service struct {
	o        Options
	kv       store.KV
	sessions *runtime.Sessions
	log      *slog.Logger
	dir      string // DataDir/browser

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
	return &Service{o: o, kv: o.KV, sessions: o.Sessions, log: o.Logger.With("component", "browser"),
		dir: filepath.Join(o.DataDir, "browser"), timers: map[string]*time.Timer{}, streams: map[string]*streamState{},
		live: map[string]*live{},
		ctx:  ctx, cancel: cancel}
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
	if err := s.sweep(ctx); err != nil {
		return err
	}
	s.wg.Add(1)
	go s.sweeper()
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

// sweeper runs the retention sweep every few minutes.
func (s *Service) sweeper() {
	defer s.wg.Done()
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			if err := s.sweep(s.ctx); err != nil && s.ctx.Err() == nil {
				s.log.Warn("session sweep failed", "err", err)
			}
		}
	}
}

// sweep marks READY sessions whose Chromium is not running here
// TERMINATED and deletes sessions terminated more than terminatedKept ago.
func (s *Service) sweep(ctx context.Context) error {
	after := ""
	for {
		items, err := s.kv.List(ctx, tblSession, "", after, 500)
		if err != nil {
			return err
		}
		for _, it := range items {
			s.sweepOne(ctx, it)
		}
		if len(items) < 500 {
			return nil
		}
		after = items[len(items)-1].Key
	}
}

func (s *Service) sweepOne(ctx context.Context, it store.Item) {
	acct, rest, _ := strings.Cut(it.Key, "/")
	bid, sid, _ := strings.Cut(rest, "/")
	var sess Session
	if err := json.Unmarshal(it.Value, &sess); err != nil {
		return
	}
	switch {
	case sess.Status == SessionReady && !s.running(acct, &sess):
		s.terminated(ctx, acct, bid, sid)
	case sess.Status == SessionTerminated && s.o.Now().Sub(sess.UpdatedAt) > terminatedKept:
		if err := s.kv.Txn(ctx, store.DeleteAt(tblSession, it.Key, it.Revision)); err != nil && !store.Concurrent(err) {
			s.log.Warn("deleting an expired session", "session", sid, "err", err)
		}
	}
}
