// Package server assembles an agentcore server from its configuration:
// store, artifact store, sandbox driver, services and the HTTP API.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/codeinterpreter"
	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/lease"
	"github.com/agentcore-dev/agentcore/internal/memory"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/policy"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/telemetry"
)

// Config is the server's configuration: the settings (config.Config, whose
// zero fields take their defaults) and what a program injects in code.
type Config struct {
	config.Config

	Logger *slog.Logger // nil = discard

	// SessionOTLP builds the OTLP/HTTP handler served to one session's agent
	// inside its environment (127.0.0.1:4318 in its own network namespace, a
	// free loopback port under the process driver; the agent gets
	// OTEL_EXPORTER_OTLP_ENDPOINT). nil = the platform's own receiver when
	// observability is wired; tests set it to see what agents export.
	SessionOTLP func(account, runtimeARN, sessionID string) http.Handler

	// PrepareSweep is how often this replica looks for runtime versions
	// left CREATING by a replica that stopped (0 = every minute; tests).
	PrepareSweep time.Duration

	// Credentials are access keys accepted (SigV4) besides CredentialsFile
	// and AccessKeyID; with none the server only listens on loopback and
	// does not check signatures (local mode).
	Credentials []sigv4.Credential
	// OAuthHTTPClient is used for outbound OAuth2 calls (nil = 10 s timeout).
	OAuthHTTPClient *http.Client

	// GatewayCredentials supplies outbound credentials to gateway targets
	// (nil: the credential providers of the Identity token vault).
	GatewayCredentials gateway.Credentials
	// GatewayEmbedder embeds tool descriptions for semantic tool search
	// (nil: the built-in offline embedder).
	GatewayEmbedder gateway.Embedder
	// GatewayIAM verifies SigV4 on AWS_IAM gateways and returns the caller's
	// ARN (nil: the server's own SigV4 keys).
	GatewayIAM func(ctx context.Context, r *http.Request) (callerArn string, err error)
	// PolicyGenerator turns natural language into Cedar for
	// StartPolicyGeneration (nil: policy generation is refused).
	PolicyGenerator policy.Generator
}

// Server is a running agentcore server.
type Server struct {
	cfg      Config
	kv       store.KV
	sessions *runtime.Sessions
	runtime  *runtime.Service
	http     *http.Server
	url      string
	tls      *tlsParts // nil unless TLSListen is set (tls.go)
	done     chan error
	obs      *observability.Service // nil when the store keeps no telemetry
	otlpGRPC net.Listener           // nil unless OTLPGRPCListen is set
	tel      *telemetry.Telemetry
	memory   *memory.Service
	// evaluation is AgentCore Evaluations (evaluators, Evaluate).
	evaluation *evaluation.Service
	// codeInterp is the Code Interpreter (nil when turned off).
	codeInterp *codeinterpreter.Service
	// browser is the Browser tool (nil when turned off).
	browser *browser.Service
	// onlineEval serves online evaluation configs and runs them
	// (evaluation_online.go).
	onlineEval *evaluation.Online
	// evalDatasets, evalBatches: evaluation datasets and batch evaluations (evaluation_batch.go).
	evalDatasets *evaluation.Datasets
	evalBatches  *evaluation.Batches
	idp          *identityParts
	cluster      *runtime.Cluster // nil unless a replica (cluster.go)
	closers      closers          // build.go: every step pushes its closer
	// node names this replica (node.go); leases run background jobs once
	// across replicas sharing the database.
	node   string
	leases *lease.Leases
}

// Start applies the defaults, validates the configuration, builds every part
// (build.go) and serves on cfg.Listen until Close. A failed start closes
// what it had opened.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg.Config = cfg.Config.WithDefaults()
	if err := cfg.Config.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, done: make(chan error, 2)} // one per listener
	if err := s.build(ctx); err != nil {
		return nil, errors.Join(err, s.closers.close(ctx))
	}
	return s, nil
}

// URL is the base URL clients use (http://host:port).
func (s *Server) URL() string { return s.url }

// Sessions exposes the session manager (tests, status).
func (s *Server) Sessions() *runtime.Sessions { return s.sessions }

// Telemetry exposes the tracer provider and metrics (tests).
func (s *Server) Telemetry() *telemetry.Telemetry { return s.tel }

// OTLPGRPCAddr is the OTLP/gRPC receiver's address ("" when off).
func (s *Server) OTLPGRPCAddr() string {
	if s.otlpGRPC == nil {
		return ""
	}
	return s.otlpGRPC.Addr().String()
}

// Done reports when serving stops.
func (s *Server) Done() <-chan error { return s.done }

// Close stops serving, ends every session and closes the store: the build
// steps' closers in reverse order, their errors joined.
func (s *Server) Close(ctx context.Context) error { return s.closers.close(ctx) }

// countTokens feeds agentcore_gen_ai_token_usage_total from the GenAI usage
// attributes (semconv gen_ai.usage.*) of spans agents export.
func (s *Server) countTokens(spans []observability.Span) {
	for _, sp := range spans {
		rt := sp.RuntimeARN
		if p, err := runtime.ParseRuntimeARN(rt); err == nil {
			rt = p.RuntimeID
		}
		for attr, kind := range map[string]string{"gen_ai.usage.input_tokens": "input", "gen_ai.usage.output_tokens": "output"} {
			if n, ok := toInt64(sp.Attributes[attr]); ok && rt != "" && s.tel != nil {
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
