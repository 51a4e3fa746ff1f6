// Package config is the server's configuration: every setting, its default,
// its command-line flag, its environment variable and its help text are
// declared once (settings.go), and the sources are merged in one documented
// order:
//
//	defaults < config file (--config FILE, YAML or JSON) < environment < flags
//
// A later source overrides an earlier one for the settings it names. The
// environment is read only here (and by the CLI's client side); services get
// their values injected from Config.
package config

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// MiniLMDir is where, under --data-dir, `agentcore memory fetch-model`
// places the all-MiniLM-L6-v2 weights and --embedder auto|minilm looks.
const MiniLMDir = "models/all-minilm-l6-v2"

// Config holds the server's settings. The zero value of a field means "the
// default" (WithDefaults fills them), so programs and tests may set only
// the fields they care about.
type Config struct {
	Listen   string // --listen
	DataDir  string // --data-dir
	Database string // --database: "" = SQLite in DataDir, postgres://..., sqlite:PATH
	Sandbox  string // --sandbox: auto or a driver name
	// ArtifactStore (--artifact-store): "dir", "postgres", an s3:// URL, or
	// "" (postgres when Database is, else dir); see ArtifactBackend.
	ArtifactStore string
	// Runsc (--runsc) is the runsc binary the gvisor driver tries first;
	// "" = runsc from PATH.
	Runsc string
	// LinuxnsPrepared (--linuxns-prepared) is how many sandboxes per
	// network mode the linuxns driver keeps prepared.
	LinuxnsPrepared int
	// AllowUnisolated (--allow-unisolated) lets a server with credentials
	// run sessions under a driver that does not isolate them (process).
	AllowUnisolated bool
	// PythonFallback (--python-fallback) runs a PYTHON_3_X runtime whose
	// python3.X is not installed on the host's python3.
	PythonFallback bool
	// MaxSessions (--max-sessions) and MaxSessionsPerAccount
	// (--max-sessions-per-account) bound running sessions (0: no bound).
	MaxSessions, MaxSessionsPerAccount int
	// TrustedProxies (--trusted-proxies): comma-separated IPs / CIDRs of
	// reverse proxies whose forwarding headers are believed.
	TrustedProxies string
	// MaxSessionsPerRuntime (--max-sessions-per-runtime) bounds one agent
	// runtime's sessions; MaxRequestRate (--max-request-rate) an account's
	// API requests per second and MaxInvokeRate (--max-invoke-rate) its
	// invocations per second of one runtime (0: no bound).
	MaxSessionsPerRuntime, MaxRequestRate, MaxInvokeRate int
	// MaxPayloadSize (--max-payload-size) is the largest request body.
	MaxPayloadSize int64
	Region         string // --region
	Account        string // --account

	// HTTPS listener (optional): TLSCert/TLSKey, else a certificate from the
	// local CA in DataDir/tls covering the default names plus TLSHosts.
	TLSListen string // --tls-listen
	TLSCert   string // --tls-cert
	TLSKey    string // --tls-key
	TLSHosts  string // --tls-hosts: comma-separated

	InitTimeout   time.Duration // --session-init-timeout
	PingInterval  time.Duration // --ping-interval
	IdleTimeout   time.Duration // --session-idle-timeout
	MaxLifetime   time.Duration // --session-max-lifetime
	InvokeTimeout time.Duration // --invoke-timeout

	// Kube configures --sandbox kubernetes (the --kube-* settings).
	Kube Kube

	Limits   sandbox.Limits // --session-memory, --session-cpu-millis, --session-pids
	WarmPool int            // --warm-pool

	// Session storage (filesystemConfigurations) and shared file systems.
	SessionStorageTTL      time.Duration // --session-storage-ttl
	SessionStorageMaxBytes int64         // --session-storage-max-bytes
	SessionStorageMaxFiles int           // --session-storage-max-files
	SessionStorageCheck    time.Duration // --session-storage-check
	Filesystems            string        // --filesystems: NAME_OR_ARN=HOSTDIR,...

	// Telemetry and observability.
	OTLPExport      string        // --otlp-export
	OTLPGRPCListen  string        // --otlp-grpc-listen
	MetricsInterval time.Duration // --otlp-metrics-interval
	Retention       time.Duration // --retention; negative = forever
	DisableTracing  bool          // --tracing=false
	TraceExport     string        // --trace-export: "" = own receiver, "none" = not exported

	// Logging (the command builds the logger from these).
	LogJSON  bool   // --log-json
	LogLevel string // --log-level

	// Identity.
	CredentialsFile string // --credentials-file
	AccessKeyID     string // AGENTCORE_ACCESS_KEY_ID (with SecretAccessKey, for Account)
	SecretAccessKey string // AGENTCORE_SECRET_ACCESS_KEY
	VaultKey        string // AGENTCORE_VAULT_KEY: base64 of 32 bytes; "" = DataDir/vault.key

	// ConsoleSessionLifetime is how long a console sign-in lasts.
	ConsoleSessionLifetime time.Duration // --console-session-lifetime

	// Gateway.
	LambdaEndpoint         string        // --lambda-endpoint
	SmithyEndpoint         string        // --smithy-endpoint
	GatewayCallTimeout     time.Duration // --gateway-call-timeout
	DisableGatewayFastPath bool          // --gateway-fast-path=false
	// Static AWS credentials for gateway Lambda and Smithy targets
	// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
	AWSAccessKeyID     string
	AWSSecretAccessKey string
	AWSSessionToken    string

	// Memory.
	ModelProvider     string        // --model-provider
	ModelEndpoint     string        // --model-endpoint
	ModelAPIKey       string        // --model-api-key
	Model             string        // --model
	EmbeddingEndpoint string        // --embedding-endpoint
	EmbeddingModel    string        // --embedding-model
	EmbeddingAPIKey   string        // AGENTCORE_EMBEDDING_API_KEY
	Embedder          string        // --embedder: auto, minilm, static or hashing
	MemoryJobLease    time.Duration // --memory-job-lease
	MemoryMasterKey   string        // AGENTCORE_MEMORY_MASTER_KEY: hex; "" = DataDir/memory-master.key

	// Evaluations: the judge calls (the model is the provider above).
	EvalJudgeConcurrency int           // --eval-judge-concurrency
	EvalJudgeTimeout     time.Duration // --eval-judge-timeout: one judge call
	EvalJudgeRetries     int           // --eval-judge-retries
	EvalJudgeModel       string        // --eval-judge-model: built-ins' model; "" = --model
	EvalJudgeModelMap    string        // --eval-judge-model-map: "modelId=name,...", "*=name"
	// Online evaluation.
	EvalOnlinePoll        time.Duration // --eval-online-poll: how often the runner looks for finished sessions
	EvalOnlineIdle        time.Duration // --eval-online-idle: caps the configs' session idle time (0 = not set; tests)
	EvalOnlineConcurrency int           // --eval-online-concurrency: sessions evaluated at once

	// Code Interpreter.
	DisableCodeInterpreter  bool          // --code-interpreter=false
	CodeInterpreterTimeout  time.Duration // --code-interpreter-timeout: one tool call
	CodeInterpreterWarmPool int           // --code-interpreter-warm-pool
	CodeInterpreterEnv      string        // --code-interpreter-env: "" = DataDir/codeinterpreter/env
	CodeInterpreterPython   string        // --code-interpreter-python: "" = python3 on PATH
	CodeInterpreterNode     string        // --code-interpreter-node: "" = node on PATH

	// Browser.
	DisableBrowser bool // --browser=false
	// Console.
	DisableConsole bool // --console=false
	// Evaluation datasets and batch evaluations.
	EvalDatasetMaxExamples int    // --eval-dataset-max-examples
	EvalBatchConcurrency   int    // --eval-batch-concurrency
	BrowserChromium        string // --browser-chromium: "" = /usr/lib/chromium/chromium, else chromium on PATH
	BrowserWarmPool        int    // --browser-warm-pool

	// Replicas (issue 16): ClusterSecret (AGENTCORE_CLUSTER_SECRET) turns
	// them on; AdvertiseURL (--advertise-url) is this one's internal URL.
	ClusterSecret string
	AdvertiseURL  string
	NodeLease     time.Duration // --node-lease
	DrainTimeout  time.Duration // --drain-timeout

	// AgentPath is the PATH agents started from code bundles get after their
	// bundle's .deps/bin (default: the server's own PATH, captured when the
	// defaults are applied).
	AgentPath string
}

// Kube is the kubernetes sandbox driver's configuration (docs/kubernetes.md).
type Kube struct {
	Config          string // --kube-config: kubeconfig file ("" = in-cluster)
	Namespace       string // --kube-namespace: where session pods run
	RuntimeClass    string // --kube-runtime-class: e.g. gvisor, kata
	CodeImage       string // --kube-code-image: runs code runtimes
	FetchImage      string // --kube-fetch-image: the init container fetching bundles
	BundleListen    string // --kube-bundle-listen
	BundleURL       string // --kube-bundle-url: BundleListen as pods reach it
	ServerID        string // --kube-server-id (default: POD_NAME, else the host name)
	ServerNamespace string // --kube-server-namespace (default: POD_NAMESPACE, else Namespace)
	ServerLabels    string // --kube-server-labels: KEY=VALUE,... of the server's pods
	CollectPeers    bool   // --kube-collect-peers: delete gone servers' session pods
}

// Options are the driver options (internal/sandbox/kubernetes.ParseOptions).
func (k Kube) Options() map[string]string {
	return map[string]string{
		"config": k.Config, "namespace": k.Namespace, "runtime-class": k.RuntimeClass,
		"code-image": k.CodeImage, "fetch-image": k.FetchImage, "bundle-listen": k.BundleListen,
		"bundle-url": k.BundleURL, "server-id": k.ServerID, "server-namespace": k.ServerNamespace,
		"server-labels": k.ServerLabels, "collect-peers": strconv.FormatBool(k.CollectPeers),
	}
}

// Default is the configuration with every default applied.
func Default() Config { return Config{}.WithDefaults() }

// WithDefaults returns c with every zero field set to its default (for an
// EnvDefault setting: its variable's current value).
func (c Config) WithDefaults() Config {
	for i := range settings {
		st := &settings[i]
		def := st.Default
		if st.EnvDefault {
			def = os.Getenv(st.Env)
		}
		if def != "" && st.isZero(&c) {
			if err := st.set(&c, def); err != nil {
				panic("config: default of " + st.Key + ": " + err.Error()) // a bug in settings.go
			}
		}
	}
	return c
}

// ArtifactBackend is the artifact store --artifact-store selects, with its
// default resolved: "dir", "postgres" or "s3" (the URL is ArtifactStore).
func (c Config) ArtifactBackend() string {
	if strings.HasPrefix(c.ArtifactStore, "s3://") {
		return "s3"
	}
	if c.ArtifactStore != "" {
		return c.ArtifactStore
	}
	if c.PostgresDatabase() {
		return "postgres"
	}
	return "dir"
}

// PostgresDatabase reports whether --database names a PostgreSQL server.
func (c Config) PostgresDatabase() bool {
	return strings.HasPrefix(c.Database, "postgres://") || strings.HasPrefix(c.Database, "postgresql://")
}
