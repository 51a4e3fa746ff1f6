package codeinterpreter

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

	"github.com/agentcore-dev/agentcore/internal/codeinterpreter/kernel"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// DefaultCallTimeout bounds one tool call when Options.CallTimeout is 0:
// the answer, interruption included, comes within the 300 s read timeout
// of the bedrock-agentcore SDK's client.
const DefaultCallTimeout = 270 * time.Second

// Options configure the service.
type Options struct {
	KV store.KV
	// Sessions runs the kernels (its own manager on the server's sandbox
	// driver, so interpreter sessions never share a runtime's pools).
	Sessions *runtime.Sessions
	// Env says where python, node and the data libraries are.
	Env Environment
	// DataDir holds the installed kernel and the kernels' own output
	// (DataDir/codeinterpreter).
	DataDir string
	Limits  sandbox.Limits
	// CallTimeout bounds one tool call (default DefaultCallTimeout).
	CallTimeout time.Duration
	// WarmPool keeps that many ready kernels per network mode (0 = off):
	// SANDBOX from Open, PUBLIC from the first PUBLIC session on.
	WarmPool int
	// Logs returns the writer of one stream ("stdout", "stderr") of a
	// session's tool output (observability.Service.AgentLogWriter); nil =
	// not recorded.
	Logs     func(acct, arn, sessionID, stream string) io.WriteCloser
	Observer Observer // tool-call metrics; nil = none
	// Transpile turns TypeScript into JavaScript, or returns the compiler's
	// message (internal/codeinterpreter/typescript); nil = no TypeScript.
	Transpile func(code string) (js, errMsg string)
	// Filesystems maps access point ARNs to host directories (the
	// server's --filesystems): filesystemConfigurations mount them into
	// sessions (filesystems.go).
	Filesystems map[string]string
	Logger      *slog.Logger
	Now         func() time.Time
	// Node names this replica among those sharing the store; NodeAlive
	// reports whether another replica still runs (nil: a single server).
	// The session sweep leaves other live replicas' sessions alone.
	Node      string
	NodeAlive func(ctx context.Context, node string) bool
}

// Observer hears about every finished tool call (metrics).
type Observer interface {
	CodeInterpreterCall(tool, language string, isError bool, took time.Duration)
}

// Service is the code interpreter.
type Service struct {
	o         Options
	kv        store.KV
	sessions  *runtime.Sessions
	log       *slog.Logger
	kernelDir string
	records   *toolsession.Records[Session]

	mu     sync.Mutex
	timers map[string]*time.Timer // session key -> its timeout
	pooled map[string]bool        // network modes whose warm pool is filling

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds the service; Open starts it.
func New(o Options) *Service {
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{o: o, kv: o.KV, sessions: o.Sessions, log: o.Logger.With("component", "codeinterpreter"),
		kernelDir: filepath.Join(o.DataDir, "codeinterpreter", "kernel", kernel.Version),
		timers:    map[string]*time.Timer{}, pooled: map[string]bool{}, ctx: ctx, cancel: cancel}
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

// Open installs the kernel, marks the sessions whose environment is gone
// (all of them after a restart) TERMINATED, starts the retention sweep and
// the SANDBOX warm pool.
func (s *Service) Open(ctx context.Context) error {
	if err := kernel.Install(s.kernelDir); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(s.o.DataDir, "codeinterpreter", "logs"), 0o700); err != nil {
		return err
	}
	if err := s.records.Sweep(ctx); err != nil {
		return err
	}
	s.wg.Add(1)
	go func() { defer s.wg.Done(); s.records.SweepEvery(s.ctx, 5*time.Minute) }()
	s.ensurePool(NetworkSandbox)
	return nil
}

// Close stops every session's timer; the sessions themselves end with
// their runtime.Sessions manager.
func (s *Service) Close(context.Context) error {
	s.cancel()
	s.mu.Lock()
	for k, t := range s.timers {
		t.Stop()
		delete(s.timers, k)
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// CallTimeout is the bound of one tool call.
func (s *Service) CallTimeout() time.Duration { return s.o.CallTimeout }

// Exists reports whether an ARN names a custom interpreter (tagging).
func (s *Service) Exists(ctx context.Context, arn string) bool {
	i := strings.Index(arn, ":code-interpreter-custom/")
	if i < 0 {
		return false
	}
	t, err := tenant.From(ctx)
	if err != nil {
		return false
	}
	it, _, err := s.interpreterRev(ctx, t.Account, arn[i+len(":code-interpreter-custom/"):])
	return err == nil && it.ARN == arn
}
