package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/spf13/cobra"
)

func newServerCmd() *cobra.Command {
	var cfg server.Config
	var logJSON bool
	var logLevel string
	var tracing bool
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run the AgentCore-compatible API server",
		Long: `Runs both AgentCore APIs (bedrock-agentcore and bedrock-agentcore-control) on one
listener. Point AWS SDKs at it with AWS_ENDPOINT_URL_BEDROCK_AGENTCORE and
AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL set to http://LISTEN.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var lvl slog.Level
			if err := lvl.UnmarshalText([]byte(logLevel)); err != nil {
				return err
			}
			opts := &slog.HandlerOptions{Level: lvl}
			if logJSON {
				cfg.Logger = slog.New(slog.NewJSONHandler(os.Stderr, opts))
			} else {
				cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, opts))
			}
			cfg.DisableTracing = !tracing
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			srv, err := server.Start(ctx, cfg)
			if err != nil {
				return err
			}
			select {
			case <-ctx.Done():
			case err := <-srv.Done():
				if err != nil {
					return err
				}
			}
			cfg.Logger.Info("shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			return srv.Close(sctx)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Listen, "listen", "127.0.0.1:8765", "address to serve both AgentCore APIs on")
	f.StringVar(&cfg.DataDir, "data-dir", ".agentcore-data", "directory for the embedded database, artifacts, bundles and session files")
	f.StringVar(&cfg.Database, "database", "", "postgres://... to keep state in PostgreSQL (default: SQLite in --data-dir)")
	f.StringVar(&cfg.Sandbox, "sandbox", "auto", "session sandbox driver: auto (strongest available), gvisor, linuxns or process (no isolation)")
	f.Int64Var(&cfg.Limits.MemoryBytes, "session-memory", 0, "memory limit per session in bytes (default 2 GiB)")
	f.IntVar(&cfg.Limits.CPUMillis, "session-cpu-millis", 0, "CPU limit per session in thousandths of a core (default 1000)")
	f.IntVar(&cfg.Limits.Pids, "session-pids", 0, "process limit per session (default 512)")
	f.IntVar(&cfg.WarmPool, "warm-pool", 0, "pre-started environments per runtime version (0 = off; a runtime overrides it with its AGENTCORE_WARM_POOL environment variable)")
	f.StringVar(&cfg.Region, "region", envOr("AWS_REGION", "us-east-1"), "AWS region in ARNs")
	f.StringVar(&cfg.Account, "account", "123456789012", "AWS account id in ARNs")
	f.DurationVar(&cfg.InitTimeout, "session-init-timeout", 60*time.Second, "how long an agent may take to answer /ping after start")
	f.DurationVar(&cfg.IdleTimeout, "session-idle-timeout", 900*time.Second, "idle timeout for runtimes without lifecycleConfiguration.idleRuntimeSessionTimeout")
	f.DurationVar(&cfg.MaxLifetime, "session-max-lifetime", 8*time.Hour, "max lifetime for runtimes without lifecycleConfiguration.maxLifetime")
	f.DurationVar(&cfg.PingInterval, "ping-interval", 2*time.Second, "how often running sessions' /ping is polled")
	f.DurationVar(&cfg.InvokeTimeout, "invoke-timeout", 15*time.Minute, "how long to wait for an agent's answer")
	f.DurationVar(&cfg.MetricsInterval, "otlp-metrics-interval", 30*time.Second, "how often the /metrics series are pushed over OTLP to --otlp-export")
	f.StringVar(&cfg.OTLPGRPCListen, "otlp-grpc-listen", "", "also receive OTLP over gRPC on this address (e.g. 127.0.0.1:4317); OTLP/HTTP is always served on --listen at /v1/{traces,logs,metrics}")
	f.StringVar(&cfg.OTLPExport, "otlp-export", "", "forward every span, log and metric the server records or receives to this OTLP/HTTP endpoint (base URL, e.g. http://collector:4318)")
	// Gateway
	f.StringVar(&cfg.LambdaEndpoint, "lambda-endpoint", os.Getenv("AWS_ENDPOINT_URL_LAMBDA"), "Lambda Invoke API base URL for gateway Lambda targets and interceptors (default https://lambda.<region>.amazonaws.com; e.g. http://localhost:4566 for LocalStack)")
	f.StringVar(&cfg.SmithyEndpoint, "smithy-endpoint", "", "base URL that gateway Smithy-model targets call (default: the AWS endpoint of the model's service)")
	f.DurationVar(&cfg.GatewayCallTimeout, "gateway-call-timeout", 30*time.Second, "how long a gateway waits for one target call")
	f.BoolVar(&tracing, "tracing", true, "record the server's own spans (API operations, invocations, sandbox starts) and propagate trace context to agents; --tracing=false passes trace headers through unchanged")
	// Identity
	f.StringVar(&cfg.CredentialsFile, "credentials-file", "", "JSON or YAML list of {accessKeyId, secretAccessKey, account} accepted for SigV4 (also AGENTCORE_ACCESS_KEY_ID/AGENTCORE_SECRET_ACCESS_KEY for --account); without credentials the server only listens on loopback and does not check signatures")
	f.BoolVar(&logJSON, "log-json", false, "log JSON lines instead of text")
	f.StringVar(&logLevel, "log-level", "info", "log level (debug, info, warn, error)")
	// Memory
	f.StringVar(&cfg.ModelProvider, "model-provider", envOr("AGENTCORE_MODEL_PROVIDER", "openai"), "model API the Memory pipeline speaks: openai (any OpenAI-compatible server), anthropic (Messages API) or bedrock (Converse, AWS credentials from the standard chain, --region)")
	f.StringVar(&cfg.ModelEndpoint, "model-endpoint", os.Getenv("AGENTCORE_MODEL_ENDPOINT"), "OpenAI-compatible base URL (e.g. http://127.0.0.1:11434/v1 for Ollama) the Memory extraction pipeline calls; none = long-term extraction jobs fail with a reason")
	f.StringVar(&cfg.ModelAPIKey, "model-api-key", os.Getenv("AGENTCORE_MODEL_API_KEY"), "API key for --model-endpoint (also used for --embedding-endpoint unless AGENTCORE_EMBEDDING_API_KEY is set)")
	f.StringVar(&cfg.Model, "model", os.Getenv("AGENTCORE_MODEL"), "default model name for Memory extraction and consolidation")
	f.StringVar(&cfg.EmbeddingEndpoint, "embedding-endpoint", os.Getenv("AGENTCORE_EMBEDDING_ENDPOINT"), "OpenAI-compatible base URL for /v1/embeddings (default: the built-in offline hashing embedder)")
	f.StringVar(&cfg.EmbeddingModel, "embedding-model", os.Getenv("AGENTCORE_EMBEDDING_MODEL"), "embedding model name for --embedding-endpoint")
	cfg.EmbeddingAPIKey = os.Getenv("AGENTCORE_EMBEDDING_API_KEY")
	cfg.DisableGatewayFastPath = os.Getenv("AGENTCORE_GATEWAY_FAST_PATH") == "0" // tests compare the fast path with the MCP SDK
	return cmd
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
