// Package server assembles an agentcore server from its configuration:
// store, artifact store, sandbox driver, services and the HTTP API.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/agentclient"
	"github.com/agentcore-dev/agentcore/internal/artifact/localdir"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/httpapi"
	"github.com/agentcore-dev/agentcore/internal/idempotency"
	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
	"github.com/agentcore-dev/agentcore/internal/image"
	"github.com/agentcore-dev/agentcore/internal/memory"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/observability/otlphttp"
	"github.com/agentcore-dev/agentcore/internal/observability/sdkexport"
	"github.com/agentcore-dev/agentcore/internal/otlpgrpc"
	"github.com/agentcore-dev/agentcore/internal/policy"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/store/postgres"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/telemetry"
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

	// SessionOTLP builds the OTLP/HTTP handler served to one session's agent
	// inside its environment (127.0.0.1:4318 in its own network namespace, a
	// free loopback port under the process driver; the agent gets
	// OTEL_EXPORTER_OTLP_ENDPOINT). nil = the platform's own receiver when
	// observability is wired; tests set it to see what agents export.
	SessionOTLP func(account, runtimeARN, sessionID string) http.Handler

	// OTLPExport forwards every received span, log and metric to this
	// OTLP/HTTP endpoint (base URL; "" = no forwarding).
	OTLPExport string
	// OTLPGRPCListen is where the OTLP/gRPC receiver listens ("" = off;
	// the OTLP/HTTP receiver on Listen is always on), e.g. 127.0.0.1:4317.
	OTLPGRPCListen string
	// MetricsInterval is how often the /metrics registry is pushed over
	// OTLP to OTLPExport (default 30s).
	MetricsInterval time.Duration
	// Retention is how long spans and logs are kept (default 7 days;
	// negative = forever).
	Retention time.Duration
	// DisableTracing turns the server's own spans off (--tracing=false);
	// trace headers then pass to agents unchanged. Metrics stay on.
	DisableTracing bool
	// TraceExport is the OTLP/HTTP traces URL the server's own spans are
	// exported to: "" = its own receiver (stored, and forwarded to
	// OTLPExport), "none" = not exported (benchmarks).
	TraceExport string

	// Memory: the model the extraction pipeline calls (OpenAI-compatible
	// chat completions; "" = none, long-term jobs then FAIL with a reason)
	// and the embedder ("" = the built-in offline hashing embedder).
	ModelProvider     string // openai (default), anthropic or bedrock
	ModelEndpoint     string
	ModelAPIKey       string
	Model             string
	EmbeddingEndpoint string
	EmbeddingModel    string
	EmbeddingAPIKey   string
	// MemoryJobLease bounds how long a crashed worker's extraction job
	// waits before another run takes it (default 30s).
	MemoryJobLease time.Duration

	Logger *slog.Logger

	// Identity: inbound authentication and the token vault.
	// Credentials are the access keys accepted (SigV4); with none the server
	// only listens on loopback and does not check signatures (local mode).
	Credentials []sigv4.Credential
	// CredentialsFile is a JSON/YAML list of {accessKeyId, secretAccessKey, account}.
	CredentialsFile string
	// OAuthHTTPClient is used for outbound OAuth2 calls (nil = 10 s timeout).
	OAuthHTTPClient *http.Client
	// Gateway
	// GatewayCredentials supplies outbound credentials to gateway targets
	// (nil: an empty outcreds registry until the token vault is wired).
	GatewayCredentials gateway.Credentials
	// LambdaEndpoint is the Lambda Invoke API base URL for Lambda targets
	// and interceptors (default https://lambda.<region>.amazonaws.com).
	LambdaEndpoint string
	// SmithyEndpoint receives the calls of Smithy-model targets (e.g.
	// LocalStack); "" = the AWS endpoint of the model's service.
	SmithyEndpoint string
	// GatewayCallTimeout bounds one backend call (default 30s).
	GatewayCallTimeout time.Duration
	// GatewayEmbedder embeds tool descriptions for semantic tool search
	// (nil: the built-in offline embedder).
	GatewayEmbedder gateway.Embedder
	// GatewayIAM verifies SigV4 on AWS_IAM gateways and returns the caller's
	// ARN (nil: AWS_IAM gateways answer 401).
	GatewayIAM func(ctx context.Context, r *http.Request) (callerArn string, err error)
	// PolicyGenerator turns natural language into Cedar for
	// StartPolicyGeneration (nil: policy generation is refused).
	PolicyGenerator policy.Generator
}

// Server is a running agentcore server.
type Server struct {
	cfg         Config
	kv          store.KV
	sessions    *runtime.Sessions
	runtime     *runtime.Service
	http        *http.Server
	ln          net.Listener
	url         string
	done        chan error
	obs         *observability.Service
	tel         *telemetry.Telemetry
	stopMetrics func(context.Context) error // OTLP metrics push; nil without --otlp-export
	otlpGRPC    *otlpgrpc.Server            // nil unless OTLPGRPCListen is set
	otlpGRPCLn  net.Listener
	memory      *memory.Service
	idp         *identityParts
	closers     []func() // Gateway: JWKS refreshers, MCP client sessions
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
	creds, err := cfg.credentials() // identity.go
	if err != nil {
		return err
	}
	if err := checkAuthConfig(cfg, creds); err != nil {
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
	// The platform's spans are stored in process (observability.SpanExporter,
	// set below once the service exists) and exported over OTLP to
	// --otlp-export; TraceExport overrides both.
	topt := telemetry.Options{Tracing: !cfg.DisableTracing, Logger: lg}
	local := &sdkexport.SpanExporter{Account: cfg.Account}
	switch ost, ok := s.kv.(observability.Store); {
	case cfg.TraceExport == "none":
	case cfg.TraceExport != "":
		topt.Endpoint = cfg.TraceExport
	default:
		if ok && ost != nil {
			topt.Local = local
		}
		if cfg.OTLPExport != "" {
			topt.Endpoint = otlphttp.New(cfg.OTLPExport).URL + "/v1/traces"
		}
	}
	if s.tel, err = telemetry.New(topt); err != nil {
		ln.Close()
		return err
	}
	s.sessions = runtime.NewSessions(runtime.SessionOptions{
		Driver: driver, Connect: agentclient.Connect, Logger: lg,
		InitTimeout: cfg.InitTimeout, PingInterval: cfg.PingInterval,
		DefaultIdle: cfg.IdleTimeout, DefaultMaxLifetime: cfg.MaxLifetime,
		Tracer: s.tel.Tracer(), Observer: s.tel.Metrics,
	})
	s.tel.Metrics.SetSessionCounts(s.sessions.Counts)
	if cfg.OTLPExport != "" {
		if s.stopMetrics, err = s.tel.Metrics.ExportMetrics(ctx, otlphttp.New(cfg.OTLPExport).URL+"/v1/metrics", cfg.MetricsInterval, ""); err != nil {
			ln.Close()
			return err
		}
	}
	s.tel.Metrics.SetUsage(func() []telemetry.UsageSample {
		var out []telemetry.UsageSample
		for _, u := range s.sessions.Usage() {
			out = append(out, telemetry.UsageSample{Runtime: u.RuntimeID, MemoryBytes: float64(u.MemoryBytes), CPUSeconds: u.CPUTime.Seconds()})
		}
		return out
	})
	idp, err := s.buildIdentity(cfg, creds)
	if err != nil {
		ln.Close()
		return err
	}
	s.idp = idp
	tags := tagging.New(s.kv)
	var agentLogs func(acct, runtimeARN, sessionID, stream string) io.WriteCloser
	sessionAPI := false
	if ost, ok := s.kv.(observability.Store); ok {
		opt := observability.Options{Store: ost, Retention: cfg.Retention, Logger: lg, OnSpans: s.countTokens}
		if cfg.OTLPExport != "" {
			opt.Export = otlphttp.New(cfg.OTLPExport)
		}
		s.obs = observability.New(opt)
		local.Service = s.obs
		s.tel.Metrics.AddDropSource(telemetry.DropSource{Signal: "logs", Reason: "queue_full", Count: func() int64 { return s.obs.Stats().DroppedLogs }})
		s.tel.Metrics.AddDropSource(telemetry.DropSource{Signal: "batches", Reason: "forward_failed", Count: func() int64 { return s.obs.Stats().Dropped }})
		if cfg.OTLPGRPCListen != "" {
			if s.otlpGRPCLn, err = net.Listen("tcp", cfg.OTLPGRPCListen); err != nil {
				ln.Close()
				return fmt.Errorf("OTLP/gRPC listener: %w", err)
			}
			s.otlpGRPC = otlpgrpc.New(s.obs, observability.Tag{Account: cfg.Account}, lg)
			go s.otlpGRPC.Serve(s.otlpGRPCLn) //nolint:errcheck // ends with Stop in Close
		}
		agentLogs = s.obs.AgentLogWriter
		if cfg.SessionOTLP == nil {
			cfg.SessionOTLP = func(acct, arn, sid string) http.Handler {
				return s.sessionAPIHandler(httpapi.OTLPHandler(s.obs, observability.Tag{Account: acct, RuntimeARN: arn, SessionID: sid}, lg))
			}
			sessionAPI = true // identity.go
		}
	}
	s.runtime = runtime.New(runtime.Options{
		DataDir: cfg.DataDir, KV: s.kv, Artifacts: artifacts, Images: image.ForRuntime{Store: images}, Sessions: s.sessions, Logger: lg,
		AgentEnv: map[string]string{
			"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE":         s.url,
			"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL": s.url,
			"AGENTCORE_ENDPOINT":                         s.url,
		},
		Limits:     cfg.Limits,
		WarmPool:   cfg.WarmPool,
		OnDelete:   idp.forgetRuntime,
		OTLP:       sessionOTLP(cfg.SessionOTLP, lg),
		AgentLogs:  agentLogs,
		AccountEnv: idp.agentEnv, CheckAuthorizer: jwtauth.CheckRaw, SessionAPI: sessionAPI,
	})
	tags.AddChecker(s.runtime.Exists)
	tags.AddChecker(idp.svc.Exists) // workload identities (Identity)
	if err := s.runtime.Open(ctx); err != nil {
		if s.obs != nil {
			s.obs.Close()
		}
		ln.Close()
		return err
	}
	// Memory
	if s.memory, err = newMemory(cfg, s.kv, lg); err != nil {
		s.runtime.Close(ctx)
		if s.obs != nil {
			s.obs.Close()
		}
		ln.Close()
		return err
	}
	tags.AddChecker(s.memory.Exists)
	s.memory.Start()
	gw, pol := s.buildGateway(s.kv, artifacts, tags) // Gateway
	if cfg.GatewayIAM == nil {
		cfg.GatewayIAM = s.idp.gatewayIAM(cfg.Account)
	}
	api := httpapi.New(httpapi.Config{
		Memory:  s.memory,
		Gateway: gw, Policy: pol, GatewayIAM: cfg.GatewayIAM, // Gateway
		Runtime: s.runtime, Sessions: s.sessions, Tags: tags, Idempotency: idempotency.New(s.kv),
		Artifacts: artifacts, Logger: lg, Tenant: tenant.Tenant{Account: cfg.Account, Region: cfg.Region},
		InvokeTimeout: int64(cfg.InvokeTimeout),
		Observability: s.obs,
		Telemetry:     s.tel,
		SigV4:         idp.verifier, JWT: idp.jwt, Identity: idp.svc,
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

// Telemetry exposes the tracer provider and metrics (tests).
func (s *Server) Telemetry() *telemetry.Telemetry { return s.tel }

// OTLPGRPCAddr is the OTLP/gRPC receiver's address ("" when off).
func (s *Server) OTLPGRPCAddr() string {
	if s.otlpGRPCLn == nil {
		return ""
	}
	return s.otlpGRPCLn.Addr().String()
}

// Done reports when serving stops.
func (s *Server) Done() <-chan error { return s.done }

// Close stops serving, ends every session and closes the store.
func (s *Server) Close(ctx context.Context) error {
	s.tel.ForceFlush(ctx) //nolint:errcheck // best effort, while the receiver still listens
	err := s.http.Shutdown(ctx)
	if err != nil {
		s.http.Close()
	}
	if s.otlpGRPC != nil {
		s.otlpGRPC.Stop()
	}
	s.runtime.Close(ctx)
	s.memory.Close()
	for _, c := range s.closers { // Gateway
		c()
	}
	s.tel.Shutdown(ctx) //nolint:errcheck // spans ended during shutdown may be lost
	if s.stopMetrics != nil {
		s.stopMetrics(ctx) //nolint:errcheck // last push is best effort
	}
	if s.obs != nil {
		s.obs.Close() // after the runtime: stores the agents' last log lines
	}
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

// sessionOTLP serves newHandler on each session's in-environment listener
// (nil: no per-session receiver). The handler is built per session id: a
// warm-pool environment learns its id when it is bound to a session.
func sessionOTLP(newHandler func(account, runtimeARN, sessionID string) http.Handler, lg *slog.Logger) runtime.OTLPServer {
	if newHandler == nil {
		return nil
	}
	return func(ln net.Listener, tag runtime.TelemetryTag) func() {
		var (
			mu    sync.Mutex
			h     http.Handler
			bound string
		)
		srv := &http.Server{
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				id := tag.SessionID()
				mu.Lock()
				if h == nil || id != bound {
					h, bound = newHandler(tag.Account, tag.RuntimeARN, id), id
				}
				cur := h
				mu.Unlock()
				cur.ServeHTTP(w, r)
			}),
			ReadHeaderTimeout: 30 * time.Second,
			ErrorLog:          slog.NewLogLogger(lg.Handler(), slog.LevelDebug),
		}
		go srv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed or the listener's error
		return func() { srv.Close() }
	}
}

// countTokens feeds agentcore_gen_ai_token_usage_total from the GenAI usage
// attributes (semconv gen_ai.usage.*) of spans agents export.
func (s *Server) countTokens(spans []observability.Span) {
	for _, sp := range spans {
		rt := sp.RuntimeARN
		if p, err := runtime.ParseRuntimeARN(rt); err == nil {
			rt = p.RuntimeID
		}
		for attr, kind := range map[string]string{"gen_ai.usage.input_tokens": "input", "gen_ai.usage.output_tokens": "output"} {
			if n, ok := toInt64(sp.Attributes[attr]); ok && rt != "" {
				s.tel.Metrics.Tokens(rt, kind, n)
			}
		}
	}
}

func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}
