// Package server assembles an agentcore server from its configuration:
// store, artifact store, sandbox driver, services and the HTTP API.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/agentclient"
	"github.com/agentcore-dev/agentcore/internal/artifact/localdir"
	"github.com/agentcore-dev/agentcore/internal/httpapi"
	"github.com/agentcore-dev/agentcore/internal/idempotency"
	"github.com/agentcore-dev/agentcore/internal/image"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/store/postgres"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"

	"github.com/agentcore-dev/agentcore/internal/builtins"
)

// Config is the server's configuration. Zero values take the defaults
// documented on each field.
type Config struct {
	Listen   string // default 127.0.0.1:8765
	DataDir  string // default ./.agentcore-data
	Database string // "" = SQLite file in DataDir; postgres://... = PostgreSQL
	Sandbox  string // sandbox driver name or "auto"; default "process"
	Region   string // default us-east-1
	Account  string // default 123456789012

	InitTimeout   time.Duration // agent start-up bound; default 60s
	PingInterval  time.Duration // /ping poll interval; default 2s
	IdleTimeout   time.Duration // default idleRuntimeSessionTimeout; default 900s
	MaxLifetime   time.Duration // default maxLifetime; default 8h
	InvokeTimeout time.Duration // wait for the agent's answer; default 15m

	Limits   sandbox.Limits // per-session resource limits; zero = driver defaults
	WarmPool int            // pre-started environments per runtime version; 0 = off

	Logger *slog.Logger
}

// Server is a running agentcore server.
type Server struct {
	cfg      Config
	kv       store.KV
	sessions *runtime.Sessions
	runtime  *runtime.Service
	http     *http.Server
	ln       net.Listener
	url      string
	done     chan error
}

func (c *Config) defaults() {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8765"
	}
	if c.DataDir == "" {
		c.DataDir = ".agentcore-data"
	}
	if c.Sandbox == "" {
		c.Sandbox = "process"
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.Account == "" {
		c.Account = "123456789012"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Start opens everything and serves on cfg.Listen until Close.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg.defaults()
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(cfg.DataDir) // sandboxes need absolute bundle paths
	if err != nil {
		return nil, err
	}
	cfg.DataDir = abs
	kv, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, kv: kv, done: make(chan error, 1)}
	if err := s.build(ctx); err != nil {
		kv.Close()
		return nil, err
	}
	return s, nil
}

func openStore(ctx context.Context, cfg Config) (store.KV, error) {
	if strings.HasPrefix(cfg.Database, "postgres://") || strings.HasPrefix(cfg.Database, "postgresql://") {
		return postgres.Open(ctx, cfg.Database)
	}
	if cfg.Database != "" && !strings.HasPrefix(cfg.Database, "sqlite:") {
		return nil, fmt.Errorf("--database %q: want postgres://... or sqlite:PATH", cfg.Database)
	}
	path := strings.TrimPrefix(cfg.Database, "sqlite:")
	if path == "" {
		path = filepath.Join(cfg.DataDir, "agentcore.db")
	}
	return sqlite.Open(ctx, path)
}

func (s *Server) build(ctx context.Context) error {
	cfg := s.cfg
	if err := checkLimits(cfg.Limits); err != nil {
		return err
	}
	var driver sandbox.Driver
	var err error
	if cfg.Sandbox == "auto" {
		var why []string
		driver, why, err = sandbox.Auto(builtins.AutoOrder)
		for _, line := range why {
			cfg.Logger.Info("sandbox auto-selection", "result", line)
		}
	} else {
		driver, err = sandbox.New(cfg.Sandbox, nil)
		if a, ok := driver.(sandbox.Availability); err == nil && ok {
			if aerr := a.Available(); aerr != nil {
				err = fmt.Errorf("sandbox driver %q is not available on this host: %w", cfg.Sandbox, aerr)
			}
		}
	}
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	lg := cfg.Logger
	caps := driver.Capabilities()
	lg.Info("sandbox driver", "driver", driver.Name(), "isolation", caps.Isolation, "isolated", caps.Isolated)
	if !caps.Isolated {
		lg.Warn("the process sandbox driver does not isolate sessions from each other or from the host; use it for development only")
	}
	artifacts, err := localdir.New(filepath.Join(cfg.DataDir, "artifacts"))
	if err != nil {
		ln.Close()
		return err
	}
	images, err := image.New(filepath.Join(cfg.DataDir, "images"), image.Options{})
	if err != nil {
		ln.Close()
		return err
	}
	s.sessions = runtime.NewSessions(runtime.SessionOptions{
		Driver: driver, Connect: agentclient.Connect, Logger: lg,
		InitTimeout: cfg.InitTimeout, PingInterval: cfg.PingInterval,
		DefaultIdle: cfg.IdleTimeout, DefaultMaxLifetime: cfg.MaxLifetime,
	})
	tags := tagging.New(s.kv)
	s.runtime = runtime.New(runtime.Options{
		DataDir: cfg.DataDir, KV: s.kv, Artifacts: artifacts, Images: image.ForRuntime{Store: images}, Sessions: s.sessions, Logger: lg,
		AgentEnv: map[string]string{
			"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE":         s.url,
			"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL": s.url,
			"AGENTCORE_ENDPOINT":                         s.url,
		},
		Limits:   cfg.Limits,
		WarmPool: cfg.WarmPool,
		OnDelete: tags.Forget,
	})
	tags.AddChecker(s.runtime.Exists)
	if err := s.runtime.Open(ctx); err != nil {
		ln.Close()
		return err
	}
	api := httpapi.New(httpapi.Config{
		Runtime: s.runtime, Sessions: s.sessions, Tags: tags, Idempotency: idempotency.New(s.kv),
		Artifacts: artifacts, Logger: lg, Tenant: tenant.Tenant{Account: cfg.Account, Region: cfg.Region},
		InvokeTimeout: int64(cfg.InvokeTimeout),
	})
	s.http = &http.Server{Handler: api, ReadHeaderTimeout: 30 * time.Second, ErrorLog: slog.NewLogLogger(lg.Handler(), slog.LevelDebug)}
	go func() {
		err := s.http.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	lg.Info("agentcore server listening", "url", s.url, "dataDir", cfg.DataDir, "region", cfg.Region, "account", cfg.Account)
	return nil
}

// URL is the base URL clients use (http://host:port).
func (s *Server) URL() string { return s.url }

// Sessions exposes the session manager (tests, status).
func (s *Server) Sessions() *runtime.Sessions { return s.sessions }

// Done reports when serving stops.
func (s *Server) Done() <-chan error { return s.done }

// Close stops serving, ends every session and closes the store.
func (s *Server) Close(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	if err != nil {
		s.http.Close()
	}
	s.runtime.Close(ctx)
	if cerr := s.kv.Close(); err == nil {
		err = cerr
	}
	return err
}

// checkLimits rejects per-session limits outside what a session can use.
func checkLimits(l sandbox.Limits) error {
	switch {
	case l.MemoryBytes != 0 && (l.MemoryBytes < 64<<20 || l.MemoryBytes > 1<<40):
		return fmt.Errorf("session memory limit %d bytes is out of range (64 MiB to 1 TiB)", l.MemoryBytes)
	case l.CPUMillis != 0 && (l.CPUMillis < 10 || l.CPUMillis > 1024*1000):
		return fmt.Errorf("session CPU limit %d millicores is out of range (10 to 1024000)", l.CPUMillis)
	case l.Pids != 0 && (l.Pids < 8 || l.Pids > 1<<20):
		return fmt.Errorf("session pids limit %d is out of range (8 to 1048576)", l.Pids)
	}
	return nil
}
