package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Ping statuses an agent reports on /ping.
const (
	PingHealthy     = "Healthy"
	PingHealthyBusy = "HealthyBusy"
)

// PingResult is one answer of the agent's health check.
type PingResult struct {
	Status     string
	LastUpdate time.Time // zero when the agent does not report time_of_last_update
}

// Connector builds the AgentConn for a started instance.
type Connector func(inst sandbox.Instance, port int, protocol string) AgentConn

// SessionOptions configure the session manager.
type SessionOptions struct {
	Driver  sandbox.Driver
	Connect Connector
	Logger  *slog.Logger
	// InitTimeout bounds start-up until /ping answers (AgentCore: 60 s).
	InitTimeout time.Duration
	// PingInterval is how often running sessions are health-checked.
	PingInterval time.Duration
	// DefaultIdle and DefaultMaxLifetime apply when a runtime's
	// lifecycleConfiguration leaves them unset (AgentCore: 900 s and 8 h).
	DefaultIdle, DefaultMaxLifetime time.Duration
	// UnhealthyAfter is how many failed pings in a row end a session.
	UnhealthyAfter int
	// Tracer records a "sandbox.start" span per environment start, child of
	// the invocation that asked for it (nil: no spans).
	Tracer trace.Tracer
	// Observer hears about session starts and ends (nil: nobody).
	Observer Observer
	// MaxSessions bounds the sessions running on this server and
	// MaxPerAccount those of one account (0: no bound); a new session past
	// either is a ServiceQuotaExceededException (quota.go).
	MaxSessions, MaxPerAccount int
	// MaxPerRuntime bounds the sessions of one agent runtime (0: no bound).
	MaxPerRuntime int
	// Ended is told when a runtime session (one with an account) is gone,
	// e.g. to release its owner row (sessions_cluster.go); nil: nobody.
	Ended func(acct, runtimeID, sessionID string)
}

// Observer is told about session lifecycle events (metrics).
type Observer interface {
	// SessionStarted: a session is ready (took: start-up; 0 for a warm-pool environment).
	SessionStarted(runtimeID string, took time.Duration)
	// SessionEnded: a session was torn down after running for lived.
	SessionEnded(runtimeID string, lived time.Duration, reason string)
}

type nopObserver struct{}

func (nopObserver) SessionStarted(string, time.Duration)       {}
func (nopObserver) SessionEnded(string, time.Duration, string) {}

// Launch is everything needed to start one session's environment.
type Launch struct {
	Spec     sandbox.Spec
	Port     int      // contract port requests go to
	Protocol string   // HTTP, MCP, A2A, AGUI, CDP (Chromium DevTools)
	Path     string   // HTTP path of the agent's entry route
	Allow    []string // lower-cased allow-listed request headers
	Idle     time.Duration
	MaxLife  time.Duration
	Cleanup  func() // called once the environment is gone
	// OTLP, when set, serves the platform's OTLP/HTTP receiver inside the
	// environment (see startTelemetry) for its whole life.
	OTLP func(ln net.Listener, sessionID func() string) (stop func())
	// SessionAPI: that receiver also serves the platform API, so agents in
	// their own network namespace get it as their AgentCore endpoint.
	SessionAPI bool
	// Checkpoint, when set, pauses the session at its idle timeout instead
	// of ending it, and restores it from there (checkpoint.go).
	Checkpoint *CheckpointTarget
}

// Session is one running agent environment bound to a runtimeSessionId.
type Session struct {
	ID        string
	RuntimeID string
	Version   int
	Port      int
	Protocol  string
	Path      string
	Allow     []string
	Conn      AgentConn
	Started   time.Time

	key           string
	inst          sandbox.Instance
	ready         chan struct{}
	err           error
	idle, maxLife time.Duration
	cleanup       func()
	ckpt          *CheckpointTarget      // checkpoint on idle (Launch.Checkpoint)
	parent        trace.SpanContext      // span of the request that started it
	otlpStop      func()                 // ends the session's OTLP receiver
	boundID       atomic.Pointer[string] // session id for telemetry (pooled: set when bound)

	// guarded by Sessions.mu
	inflight   int
	lastActive time.Time
	busy       bool
	pinging    bool
	lastPing   time.Time
	failures   int
	stopped    bool
	pooled     bool // started ahead of demand, not yet bound to a session

	lastUsage atomic.Pointer[sandbox.Usage] // last resource-use reading (usage.go)
}

// Sessions owns every running session on this server.
type Sessions struct {
	o   SessionOptions
	log *slog.Logger

	mu       sync.Mutex
	m        map[string]*Session
	usage    usageState
	pausing  map[string]chan struct{} // key → closed when its idle checkpoint is written
	paused   map[string]time.Time     // key → when this server checkpointed it
	draining bool                     // no new sessions (sessions_cluster.go)

	poolMu sync.Mutex // never held with mu
	pools  map[string]*warmPool

	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
}

// NewSessions starts the manager and its reaper.
func NewSessions(o SessionOptions) *Sessions {
	if o.InitTimeout == 0 {
		o.InitTimeout = 60 * time.Second
	}
	if o.PingInterval == 0 {
		o.PingInterval = 2 * time.Second
	}
	if o.DefaultIdle == 0 {
		o.DefaultIdle = 900 * time.Second
	}
	if o.DefaultMaxLifetime == 0 {
		o.DefaultMaxLifetime = 8 * time.Hour
	}
	if o.UnhealthyAfter == 0 {
		o.UnhealthyAfter = 3
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Tracer == nil {
		o.Tracer = noop.NewTracerProvider().Tracer("")
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sessions{o: o, log: o.Logger.With("component", "sessions"), m: map[string]*Session{}, pausing: map[string]chan struct{}{}, paused: map[string]time.Time{}, ctx: ctx, cancel: cancel}
	s.wg.Add(1)
	go s.reaper()
	return s
}

// DriverName names the sandbox driver in use.
func (s *Sessions) DriverName() string { return s.o.Driver.Name() }

// Capabilities reports the sandbox driver's capabilities.
func (s *Sessions) Capabilities() sandbox.Capabilities { return s.o.Driver.Capabilities() }

// SupportsImages reports whether container images can run (isolating drivers).
func (s *Sessions) SupportsImages() bool {
	d, ok := s.o.Driver.(sandbox.ImageDriver)
	return ok && d.SupportsImages()
}

// Lease is one request's hold on a session; Release it when done.
type Lease struct {
	*Session
	s    *Sessions
	once sync.Once
}

// Release returns the session to idle accounting.
func (l *Lease) Release() {
	l.once.Do(func() {
		l.s.mu.Lock()
		l.inflight--
		l.lastActive = time.Now()
		l.s.mu.Unlock()
	})
}

// Fail ends the session after a failed request (crash, broken connection),
// so the next request with the same id gets a fresh environment.
func (l *Lease) Fail(reason string) {
	l.Release()
	l.s.stop(l.Session, reason)
}

func sessionKey(acct, runtimeID, sessionID string) string {
	return acct + "/" + runtimeID + "/" + sessionID
}

// Acquire returns a lease on the session, starting it with launch when it
// does not exist. Start-up failures are RuntimeClient errors.
func (s *Sessions) Acquire(ctx context.Context, acct, runtimeID, sessionID string, version int, launch func() (*Launch, error)) (*Lease, error) {
	key := sessionKey(acct, runtimeID, sessionID)
	s.mu.Lock()
	if s.ctx.Err() != nil {
		s.mu.Unlock()
		return nil, errs.E(errs.Unavailable, "server is shutting down")
	}
	sess := s.m[key]
	if sess == nil {
		if s.draining {
			s.mu.Unlock()
			return nil, errs.E(errs.Unavailable, "this server is draining: it starts no new sessions; retry")
		}
		if err := s.checkQuotaLocked(acct, runtimeID); err != nil {
			s.mu.Unlock()
			return nil, err
		}
		s.mu.Unlock()
		pooled := s.takePooled(acct, runtimeID, version)
		s.mu.Lock()
		if sess = s.m[key]; sess == nil && pooled != nil {
			sess, pooled = pooled, nil
			sess.ID, sess.key, sess.pooled, sess.lastActive = sessionID, key, false, time.Now()
			sess.boundID.Store(&sessionID)
			if b, ok := sess.inst.(sandbox.Binder); ok {
				go b.Bind(s.ctx, sessionID) //nolint:errcheck // a label only; the driver logs failures
			}
			s.m[key] = sess
			s.watch(sess)
			s.o.Observer.SessionStarted(runtimeID, 0)
		} else if sess == nil {
			sess = &Session{ID: sessionID, RuntimeID: runtimeID, Version: version, key: key, ready: make(chan struct{}), lastActive: time.Now(),
				parent: trace.SpanContextFromContext(ctx)}
			s.m[key] = sess
			s.wg.Add(1)
			go s.start(sess, launch)
		}
		if pooled != nil { // lost a race for this session id: keep it warm for the next one
			go s.teardown(pooled, "duplicate pooled environment")
		}
	}
	sess.inflight++
	s.mu.Unlock()
	l := &Lease{Session: sess, s: s}
	select {
	case <-sess.ready:
	case <-ctx.Done():
		l.Release()
		return nil, ctx.Err()
	}
	if sess.err != nil {
		l.Release()
		return nil, sess.err
	}
	return l, nil
}

func (s *Sessions) start(sess *Session, launch func() (*Launch, error)) {
	defer s.wg.Done()
	err := s.boot(sess, launch)
	if err != nil {
		sess.err = err
		s.mu.Lock()
		if s.m[sess.key] == sess {
			delete(s.m, sess.key)
		}
		s.mu.Unlock()
		s.log.Warn("session start failed", "runtime", sess.RuntimeID, "session", sess.ID, "err", err)
	}
	close(sess.ready)
}

func (s *Sessions) boot(sess *Session, launch func() (*Launch, error)) (err error) {
	tb := time.Now()
	_, span := s.o.Tracer.Start(trace.ContextWithSpanContext(s.ctx, sess.parent), "sandbox.start", trace.WithAttributes(
		attribute.String("aws.agentcore.runtime.id", sess.RuntimeID), attribute.Int("aws.agentcore.runtime.version", sess.Version),
		attribute.String("session.id", sess.ID), attribute.Bool("agentcore.session.pooled", sess.pooled),
		attribute.String("agentcore.sandbox.driver", s.o.Driver.Name())))
	defer func() {
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
		} else if !sess.pooled {
			s.o.Observer.SessionStarted(sess.RuntimeID, time.Since(tb))
		}
		span.End()
	}()
	L, err := launch()
	if err != nil {
		return err
	}
	sess.Port, sess.Protocol, sess.Path, sess.Allow = L.Port, L.Protocol, L.Path, L.Allow
	sess.idle, sess.maxLife, sess.cleanup, sess.ckpt = L.Idle, L.MaxLife, L.Cleanup, L.Checkpoint
	if sess.idle == 0 {
		sess.idle = s.o.DefaultIdle
	}
	if sess.maxLife == 0 {
		sess.maxLife = s.o.DefaultMaxLifetime
	}
	if sess.ID != "" {
		id := sess.ID
		sess.boundID.Store(&id)
	}
	t0 := time.Now()
	s.startTelemetry(s.ctx, sess, L, nil)
	inst, restored, err := s.startOrRestore(sess, L)
	if err != nil {
		sess.runCleanup()
		return errs.Wrap(errs.RuntimeClient, err, "Runtime initialization failed")
	}
	span.AddEvent("sandbox started", trace.WithAttributes(attribute.Int64("agentcore.sandbox.start_ms", time.Since(t0).Milliseconds())))
	tStarted := time.Now()
	err = s.connect(sess, L, inst)
	if err != nil && restored {
		// The image loads after runsc restore returned: a restore can fail here.
		s.restoreFailed(sess, err, time.Since(t0))
		restored = false
		if inst, err = s.o.Driver.Start(s.ctx, L.Spec); err != nil {
			sess.runCleanup()
			return errs.Wrap(errs.RuntimeClient, err, "Runtime initialization failed")
		}
		err = s.connect(sess, L, inst)
	}
	s.consumeCheckpoint(L)
	if err != nil {
		sess.runCleanup()
		return err
	}
	sess.Started = time.Now()
	s.log.Info("session started", "runtime", sess.RuntimeID, "version", sess.Version, "session", sess.ID, "pooled", sess.pooled, "took", time.Since(t0),
		"sandboxStart", tStarted.Sub(t0), "readyWait", time.Since(tStarted), "restored", restored)
	if restored {
		span.SetAttributes(attribute.Bool("agentcore.session.restored", true))
		if obs := s.cpObserver(); obs != nil {
			obs.SessionRestored(sess.RuntimeID, "restored", time.Since(t0))
		}
	}
	if !sess.pooled {
		s.watch(sess)
	}
	return nil
}

// connect makes inst the session's environment and waits until the agent
// answers; on failure the environment is stopped.
func (s *Sessions) connect(sess *Session, L *Launch, inst sandbox.Instance) error {
	sess.inst = inst
	s.startTelemetry(s.ctx, sess, L, inst)
	sess.Conn = s.o.Connect(inst, L.Port, L.Protocol)
	if err := s.waitReady(sess); err != nil {
		sess.Conn.Close()
		inst.Stop(context.Background())
		if _, pre := s.o.Driver.(sandbox.Listener); !pre {
			sess.stopTelemetry() // the receiver listened in inst's namespace
		}
		return err
	}
	return nil
}

// Readiness probing: how often waitReady connects to a starting agent.
const (
	// readyProbe is the interval between connection attempts while the
	// agent is not listening yet: a refused loopback connect costs a few
	// µs, so the agent is seen within ~1 ms of its listen(2).
	readyProbe = time.Millisecond
	// readyProbeFast bounds how long waitReady probes at readyProbe; slower
	// starters (interpreters, images) are probed every readyProbeSlow.
	readyProbeFast = 2 * time.Second
	readyProbeSlow = 10 * time.Millisecond
)

// waitReady waits until the agent answers, exits, or InitTimeout passes. It
// tries to connect to the agent's contract port (through the driver's Dial,
// so inside the session's network namespace where it has one) every
// readyProbe, and sends one /ping as soon as a connection is accepted:
// readiness is seen as soon as the agent listens, not on a backoff timer.
func (s *Sessions) waitReady(sess *Session) error {
	start := time.Now()
	deadline := time.NewTimer(s.o.InitTimeout)
	defer deadline.Stop()
	tick := time.NewTimer(0)
	defer tick.Stop()
	<-tick.C
	for {
		if s.probe(sess) {
			return nil
		}
		delay := readyProbe
		if time.Since(start) > readyProbeFast {
			delay = readyProbeSlow
		}
		tick.Reset(delay)
		select {
		case <-sess.inst.Done():
			return errs.E(errs.RuntimeClient, "Runtime initialization failed: the agent process exited (%v) before answering /ping. Please check the session logs for more information", sess.inst.Err())
		case <-deadline.C:
			return errs.E(errs.RuntimeClient, "Runtime initialization time exceeded. Please make sure that initialization completes in %ds.", int(s.o.InitTimeout.Seconds()))
		case <-s.ctx.Done():
			return errs.E(errs.Unavailable, "server is shutting down")
		case <-tick.C:
		}
	}
}

// probe reports whether the agent accepts a connection on its contract port
// and then answers its health check.
func (s *Sessions) probe(sess *Session) bool {
	ctx, cancel := context.WithTimeout(s.ctx, time.Second)
	defer cancel()
	c, err := sess.inst.Dial(ctx, sess.Port)
	if err != nil {
		return false
	}
	c.Close()
	_, err = sess.Conn.Ping(ctx)
	return err == nil
}

// watch forgets the session when its process exits: through the
// instance's exit hook where it has one (no goroutine per session), else a
// goroutine waiting on Done. After Close no session is stopped here (Close
// stops them all).
func (s *Sessions) watch(sess *Session) {
	if n, ok := sess.inst.(sandbox.ExitNotifier); ok {
		n.OnExit(func() {
			if s.ctx.Err() == nil {
				s.stop(sess, fmt.Sprintf("agent process exited: %v", sess.inst.Err()))
			}
		})
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case <-sess.inst.Done():
			s.stop(sess, fmt.Sprintf("agent process exited: %v", sess.inst.Err()))
		case <-s.ctx.Done():
		}
	}()
}

// stop removes the session and tears its environment down.
func (s *Sessions) stop(sess *Session, reason string) {
	s.mu.Lock()
	first := s.detachLocked(sess)
	s.mu.Unlock()
	if first {
		s.teardown(sess, reason)
	}
}

// detachLocked marks the session stopped and forgets it, so no new request
// can lease it. It reports whether this call did it. s.mu must be held.
func (s *Sessions) detachLocked(sess *Session) bool {
	if sess.stopped {
		return false
	}
	sess.stopped = true
	if s.m[sess.key] == sess {
		delete(s.m, sess.key)
	}
	return true
}

func (s *Sessions) teardown(sess *Session, reason string) {
	s.log.Info("session stopped", "runtime", sess.RuntimeID, "session", sess.ID, "reason", reason)
	if sess.ID != "" && !sess.Started.IsZero() {
		s.o.Observer.SessionEnded(sess.RuntimeID, time.Since(sess.Started), reason)
	}
	if sess.Conn != nil {
		sess.Conn.Close()
	}
	if sess.inst != nil && sess.ckpt != nil && reason == reasonIdle {
		s.pause(sess)
	}
	if sess.inst != nil {
		s.recordEnded(sess)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		sess.inst.Stop(ctx)
		cancel()
	}
	sess.runCleanup()
	s.ended(sess)
}

func (s *Session) runCleanup() {
	s.stopTelemetry()
	if s.cleanup != nil {
		s.cleanup()
		s.cleanup = nil
	}
}

// Stop ends one session; NotFound when it is not running.
func (s *Sessions) Stop(ctx context.Context, acct, runtimeID, sessionID string) error {
	s.mu.Lock()
	sess := s.m[sessionKey(acct, runtimeID, sessionID)]
	s.mu.Unlock()
	if sess == nil {
		return errs.E(errs.NotFound, "session %s of agent runtime %s is not running", sessionID, runtimeID)
	}
	<-sess.ready
	s.stop(sess, "StopRuntimeSession")
	return nil
}

// StopRuntime ends every session of a runtime, in the background, and then
// calls then (if not nil).
func (s *Sessions) StopRuntime(ctx context.Context, acct, runtimeID string, then func()) {
	prefix := acct + "/" + runtimeID + "/"
	s.mu.Lock()
	var victims []*Session
	for k, sess := range s.m {
		if strings.HasPrefix(k, prefix) {
			victims = append(victims, sess)
		}
	}
	s.forgetPausedLocked(prefix)
	s.mu.Unlock()
	s.dropPools(acct, runtimeID, 0)
	if s.ctx.Err() != nil { // shutting down: every session is being stopped anyway
		if then != nil {
			then()
		}
		return
	}
	// The sessions stop in the background and side by side: an agent that
	// ignores SIGTERM costs its grace period once, not once per session,
	// and the caller (DeleteAgentRuntime) answers at once.
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		var wg sync.WaitGroup
		sem := make(chan struct{}, 16)
		for _, sess := range victims {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				<-sess.ready
				s.stop(sess, "runtime deleted")
			}()
		}
		wg.Wait()
		if then != nil {
			then()
		}
	}()
}

// Count reports running sessions (for status and tests).
func (s *Sessions) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// Counts reports running sessions and, among them, the idle ones (no
// request in flight, not HealthyBusy).
func (s *Sessions) Counts() (running, idle int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sess := range s.m {
		if sess.Started.IsZero() || sess.stopped {
			continue
		}
		running++
		if sess.inflight == 0 && !sess.busy {
			idle++
		}
	}
	return running, idle
}

// Close stops every session and the reaper.
func (s *Sessions) Close(ctx context.Context) {
	s.mu.Lock()
	var all []*Session
	for _, sess := range s.m {
		all = append(all, sess)
	}
	s.mu.Unlock()
	s.cancel()
	for _, sess := range all {
		<-sess.ready
		s.stop(sess, "server shutting down")
	}
	s.wg.Wait() // pool fills finish (they fail fast once ctx is cancelled)
	s.dropPools("", "", 0)
}

// SessionInfo is a snapshot of one running session.
type SessionInfo struct {
	RuntimeID  string    `json:"runtimeId"`
	SessionID  string    `json:"sessionId"`
	Version    int       `json:"version"`
	Protocol   string    `json:"protocol"`
	Started    time.Time `json:"startedAt"`
	LastActive time.Time `json:"lastActiveAt"`
	Busy       bool      `json:"healthyBusy"`
	InFlight   int       `json:"inFlight"`
}

// List returns the running sessions of an account.
func (s *Sessions) List(acct string) []SessionInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SessionInfo
	for k, sess := range s.m {
		if !strings.HasPrefix(k, acct+"/") || sess.Started.IsZero() {
			continue
		}
		out = append(out, SessionInfo{RuntimeID: sess.RuntimeID, SessionID: sess.ID, Version: sess.Version, Protocol: sess.Protocol,
			Started: sess.Started, LastActive: sess.lastActive, Busy: sess.busy, InFlight: sess.inflight})
	}
	return out
}
