package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/agentclient"
	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/builtins"
	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
	"github.com/agentcore-dev/agentcore/internal/image"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/observability/otlphttp"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sessionstore"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/store/postgres"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/telemetry"
)

// build assembles the server in small steps; each returns its part and
// pushes its closer on s.closers (Start closes them if a later step fails).
func (s *Server) build(ctx context.Context) (err error) {
	if s.cfg.DataDir, err = dataDir(s.cfg.DataDir); err != nil {
		return err
	}
	if s.kv, err = openStore(ctx, s.cfg, &s.closers); err != nil {
		return err
	}
	if s.leases, err = s.startLeases(); err != nil { // node.go
		return err
	}
	driver, err := newDriver(s.cfg)
	if err != nil {
		return err
	}
	if c, ok := driver.(sandbox.Closer); ok {
		s.closers.push("sandbox driver", func(context.Context) error { return c.Close() }) // runs after the sessions' closer
	}
	creds, err := s.cfg.credentials() // identity.go
	if err != nil {
		return err
	}
	if err := checkAuthConfig(s.cfg, creds); err != nil {
		return err
	}
	if len(creds) > 0 && !driver.Capabilities().Isolated && !s.cfg.AllowUnisolated {
		return fmt.Errorf("refusing to serve accounts from --credentials-file with the %q sandbox driver: it does not isolate sessions, so one account's agent "+
			"could reach the server's loopback-only endpoints and another account's files. Use --sandbox linuxns or gvisor, "+
			"or pass --allow-unisolated to accept that", driver.Name())
	}
	ln, err := listen(s.cfg.Listen, &s.closers)
	if err != nil {
		return err
	}
	s.url = "http://" + ln.Addr().String()
	if s.cfg.TLSListen != "" {
		if s.tls, err = s.listenTLS(); err != nil { // tls.go
			return err
		}
	}
	if s.obs, s.otlpGRPC, err = s.startObservability(); err != nil {
		return err
	}
	if s.tel, err = s.startTelemetry(ctx); err != nil {
		return err
	}
	if s.idp, err = s.buildIdentity(s.cfg, creds); err != nil { // identity.go
		return err
	}
	artifacts, err := s.openArtifacts(ctx) // artifacts.go
	if err != nil {
		return err
	}
	tags := tagging.New(s.kv)
	tags.AddChecker(s.idp.svc.Exists) // workload identities
	if s.sessions, s.runtime, err = s.startRuntime(ctx, driver, artifacts, tags); err != nil {
		return err
	}
	prov, err := newModelProvider(s.cfg) // memory.go: one provider for Memory and the judges
	if err != nil {
		return err
	}
	if s.memory, err = newMemory(s.cfg, prov, s.kv, s.cfg.Logger, s.leases.Leader()); err != nil { // memory.go
		return err
	}
	if s.evaluation, err = s.newEvaluation(prov, tags); err != nil { // evaluation.go
		return err
	}
	s.memory.Start()
	s.closers.push("memory", func(context.Context) error { s.memory.Close(); return nil })
	tags.AddChecker(s.memory.Exists)
	if s.codeInterp, err = s.startCodeInterpreter(ctx, driver, tags); err != nil { // codeinterpreter.go
		return err
	}
	if s.browser, err = s.startBrowser(ctx, driver, tags); err != nil { // browser.go
		return err
	}
	s.onlineEval = s.startOnlineEvaluation(s.evaluation, tags)                                        // evaluation_online.go
	if s.evalDatasets, s.evalBatches, err = s.startEvaluationData(ctx, tags, artifacts); err != nil { // evaluation_batch.go
		return err
	}
	gw, pol := s.buildGateway(s.kv, artifacts, tags) // gateway.go
	s.serveHTTP(ln, s.newEdge(gw, pol, tags, artifacts))
	if s.tls != nil {
		s.serveTLS()
	}
	return nil
}

// dataDir creates the data directory and makes its path absolute
// (sandboxes need absolute bundle paths).
func dataDir(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return filepath.Abs(dir)
}

func openStore(ctx context.Context, cfg Config, cl *closers) (store.KV, error) {
	var kv store.KV
	var err error
	switch {
	case strings.HasPrefix(cfg.Database, "postgres://") || strings.HasPrefix(cfg.Database, "postgresql://"):
		kv, err = postgres.Open(ctx, cfg.Database)
	case cfg.Database == "" || strings.HasPrefix(cfg.Database, "sqlite:"):
		path := strings.TrimPrefix(cfg.Database, "sqlite:")
		if path == "" {
			path = filepath.Join(cfg.DataDir, "agentcore.db")
		}
		kv, err = sqlite.Open(ctx, path)
	default:
		return nil, fmt.Errorf("--database %q: want postgres://... or sqlite:PATH", cfg.Database)
	}
	if err != nil {
		return nil, err
	}
	cl.push("store", func(context.Context) error { return kv.Close() })
	return kv, nil
}

// newDriver opens the sandbox driver --sandbox names ("auto": the strongest
// available one).
func newDriver(cfg Config) (sandbox.Driver, error) {
	lg := cfg.Logger
	var driver sandbox.Driver
	var err error
	opts := map[string]map[string]string{}
	if cfg.Runsc != "" {
		opts["gvisor"] = map[string]string{"runsc": cfg.Runsc}
	}
	opts["linuxns"] = map[string]string{"prepared": strconv.Itoa(cfg.LinuxnsPrepared)}
	if cfg.Sandbox == "kubernetes" {
		k := cfg.Kube
		if k.ServerID == "" {
			k.ServerID, _ = os.Hostname()
		}
		opts["kubernetes"] = k.Options()
	}
	if cfg.Sandbox == "auto" {
		var why []string
		driver, why, err = sandbox.Auto(builtins.AutoOrder, opts)
		for _, line := range why {
			lg.Info("sandbox auto-selection", "result", line)
		}
	} else {
		driver, err = sandbox.New(cfg.Sandbox, opts[cfg.Sandbox])
		if a, ok := driver.(sandbox.Availability); err == nil && ok {
			if aerr := a.Available(); aerr != nil {
				err = fmt.Errorf("sandbox driver %q is not available on this host: %w", cfg.Sandbox, aerr)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if l, ok := driver.(interface{ SetLogger(*slog.Logger) }); ok {
		l.SetLogger(lg)
	}
	caps := driver.Capabilities()
	lg.Info("sandbox driver", "driver", driver.Name(), "isolation", caps.Isolation, "isolated", caps.Isolated)
	if !caps.Isolated {
		lg.Warn("the process sandbox driver does not isolate sessions from each other or from the host; use it for development only. " +
			"For isolation run the server as root on Linux with nftables installed (--sandbox linuxns: namespaces, cgroups, seccomp) " +
			"or with gVisor's runsc (Debian: apt-get install runsc nftables; --sandbox gvisor); --sandbox auto picks the strongest that works and logs why the others did not")
	}
	return driver, nil
}

// listen opens the API listener. Serving takes it over (http.Server.Shutdown
// closes it); the closer covers a build that fails before.
func listen(addr string, cl *closers) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	cl.push("listener", func(context.Context) error {
		if err := ln.Close(); !errors.Is(err, net.ErrClosed) {
			return err
		}
		return nil
	})
	return ln, nil
}

var _ runtime.CheckpointObserver = (*telemetry.Metrics)(nil)

// startRuntime starts the session manager and the runtime service and
// resumes unfinished deployments.
func (s *Server) startRuntime(ctx context.Context, driver sandbox.Driver, artifacts artifact.Store, tags *tagging.Service) (*runtime.Sessions, *runtime.Service, error) {
	cfg, lg := s.cfg, s.cfg.Logger
	images, err := image.New(filepath.Join(cfg.DataDir, "images"), image.Options{})
	if err != nil {
		return nil, nil, err
	}
	sessions := runtime.NewSessions(runtime.SessionOptions{
		Driver: driver, Connect: agentclient.Connect, Logger: lg,
		InitTimeout: cfg.InitTimeout, PingInterval: cfg.PingInterval,
		DefaultIdle: cfg.IdleTimeout, DefaultMaxLifetime: cfg.MaxLifetime,
		Tracer: s.tel.Tracer(), Observer: s.tel.Metrics,
		MaxSessions: cfg.MaxSessions, MaxPerAccount: cfg.MaxSessionsPerAccount, MaxPerRuntime: cfg.MaxSessionsPerRuntime,
		Ended: func(acct, runtimeID, sessionID string) {
			if s.replicated() { // cluster.go: the session's owner row goes with it
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				s.cluster.Release(ctx, acct, runtimeID, sessionID)
			}
		},
	})
	if s.cluster, err = s.startCluster(ctx, sessions); err != nil {
		return nil, nil, err
	}
	var owners runtime.Owners
	if s.replicated() {
		owners = s.cluster
	}
	s.tel.Metrics.SetSessionCounts(sessions.Counts)
	s.tel.Metrics.SetUsage(func() []telemetry.UsageSample {
		var out []telemetry.UsageSample
		for _, u := range sessions.Usage() {
			out = append(out, telemetry.UsageSample{Runtime: u.RuntimeID, MemoryBytes: float64(u.MemoryBytes), CPUSeconds: u.CPUTime.Seconds()})
		}
		return out
	})
	var agentLogs func(acct, runtimeARN, sessionID, stream string) io.WriteCloser
	sessionAPI, sessionOTLPHandler := false, cfg.SessionOTLP
	if s.obs != nil {
		agentLogs = s.obs.AgentLogWriter
		if sessionOTLPHandler == nil {
			sessionOTLPHandler = func(acct, arn, sid string) http.Handler {
				return s.sessionAPIHandler(otlphttp.NewReceiver(s.obs, observability.Tag{Account: acct, RuntimeARN: arn, SessionID: sid}, lg))
			}
			sessionAPI = true // identity.go
		}
	}
	idp := s.idp
	shared, err := cfg.FilesystemMap()
	if err != nil {
		return nil, nil, err
	}
	sso := sessionstore.Options{
		Root: filepath.Join(cfg.DataDir, "session-storage"), TTL: cfg.SessionStorageTTL,
		MaxBytes: cfg.SessionStorageMaxBytes, MaxFiles: int64(cfg.SessionStorageMaxFiles),
		Interval: cfg.SessionStorageCheck, Logger: lg,
	}
	if cfg.ArtifactBackend() != "dir" { // shared by the replicas: sessions resume on any of them
		sso.Remote, sso.KV = artifacts, s.kv
	}
	storage := sessionstore.New(sso)
	s.closers.push("session storage", func(context.Context) error { storage.Close(); return nil })
	s.tel.Metrics.SetStorageStats(func() telemetry.StorageStats {
		st := storage.Stats()
		return telemetry.StorageStats{Resumes: st.Resumes, Resets: st.Resets, Expired: st.Expired, Held: st.Held, HeldBytes: st.HeldBytes, HeldFiles: st.HeldFiles,
			Uploads: st.Uploads, UploadBytes: st.UploadBytes, UploadSeconds: st.UploadSeconds,
			Restores: st.Restores, RestoreBytes: st.RestoreBytes, RestoreSeconds: st.RestoreSeconds, SyncFailures: st.SyncFailures,
			Unchanged: st.Unchanged}
	})
	otlpServe, otlpClose := sessionOTLP(sessionOTLPHandler, lg)
	s.closers.push("session OTLP receivers", otlpClose) // after the runtime's sessions (closers run in reverse)
	rt := runtime.New(runtime.Options{
		DataDir: cfg.DataDir, KV: s.kv, Artifacts: artifacts, Images: image.ForRuntime{Store: images}, Sessions: sessions, Logger: lg,
		AgentEnv: map[string]string{
			"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE":         s.url,
			"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL": s.url,
			"AGENTCORE_ENDPOINT":                         s.url,
		},
		AgentPath: cfg.AgentPath, PythonFallback: cfg.PythonFallback,
		Limits:     cfg.Limits,
		WarmPool:   cfg.WarmPool,
		OnDelete:   idp.forgetRuntime,
		OTLP:       otlpServe,
		AgentLogs:  agentLogs,
		AccountEnv: idp.agentEnv, CheckAuthorizer: jwtauth.CheckRaw, SessionAPI: sessionAPI,
		SessionStorage: storage, Filesystems: shared, Owners: owners,
		Leases: s.leases, PrepareSweep: s.cfg.PrepareSweep,
	})
	s.closers.push("runtime", rt.Close) // ends every session
	tags.AddChecker(rt.Exists)
	if err := rt.Open(ctx); err != nil {
		return nil, nil, err
	}
	return sessions, rt, nil
}

// serveHTTP serves the API on ln; its closer flushes the platform's spans
// (while the receiver still listens) and shuts the server down.
