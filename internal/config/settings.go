package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Setting declares one configuration setting once: its key (the flag name
// and the config file key), its environment variable, its default and its
// help text, and where it lives in Config.
type Setting struct {
	Key     string // flag name (--Key) and config file key
	Env     string // environment variable, "" = none
	Default string // in the flag's syntax; "" = empty or computed (see Help)
	Help    string
	NoFlag  bool // no command-line flag (secrets and host facts): file and environment only
	// EnvDefault: the default is the variable's value when the server
	// starts (WithDefaults reads it), e.g. the server's own PATH.
	EnvDefault bool
	invert     bool // a bool flag stored negated (--tracing ↔ DisableTracing)
	field      func(*Config) any
}

// settings is the table of every server setting, in --help order.
var settings = []Setting{
	{Key: "listen", Default: "127.0.0.1:8765", Help: "one listener for both AWS APIs, the /_agentcore/ extensions, OTLP/HTTP and /metrics",
		field: func(c *Config) any { return &c.Listen }},
	{Key: "tls-listen", Help: "also serve everything --listen serves over HTTPS on this address (e.g. 127.0.0.1:8443), for SDK helpers that only build https:// and wss:// URLs (the bedrock-agentcore SDK's browser and runtime WebSocket helpers); see `agentcore certs`",
		field: func(c *Config) any { return &c.TLSListen }},
	{Key: "tls-cert", Help: "PEM certificate (chain) for --tls-listen, with --tls-key (default: a server certificate issued by a local CA kept in --data-dir/tls, made on first use)",
		field: func(c *Config) any { return &c.TLSCert }},
	{Key: "tls-key", Help: "PEM private key of --tls-cert",
		field: func(c *Config) any { return &c.TLSKey }},
	{Key: "tls-hosts", Help: "comma-separated extra DNS names or IP addresses the local CA's server certificate covers, besides localhost, 127.0.0.1, ::1, agentcore.local.amazonaws.com and bedrock-agentcore[-control].<region>.amazonaws.com",
		field: func(c *Config) any { return &c.TLSHosts }},
	{Key: "data-dir", Default: ".agentcore-data", Help: "directory for the embedded database, artifacts, bundles and session files",
		field: func(c *Config) any { return &c.DataDir }},
	{Key: "database", Env: "AGENTCORE_DATABASE", Help: "postgres://... to keep state in PostgreSQL, or sqlite:PATH (default: SQLite in --data-dir)",
		field: func(c *Config) any { return &c.Database }},
	{Key: "artifact-store", Env: "AGENTCORE_ARTIFACT_STORE", Help: "where uploaded code zips, browser recordings, datasets and (when shared) session storage snapshots are kept: dir (--data-dir/artifacts: this server only), postgres (the --database PostgreSQL: shared by every replica on it) or s3://BUCKET[/PREFIX][?endpoint=URL&region=REGION] (an S3-compatible object store; credentials from the AWS SDK's chain, e.g. AWS_ACCESS_KEY_ID) (default: postgres when --database is postgres://..., else dir)",
		field: func(c *Config) any { return &c.ArtifactStore }},
	{Key: "sandbox", Default: "auto", Help: "session sandbox driver: auto (strongest available: gvisor, then linuxns, then process), gvisor, linuxns, process (a host process on a free port passed in PORT; no isolation, development only), or kubernetes (a pod per session; see the --kube-* settings)",
		field: func(c *Config) any { return &c.Sandbox }},
	{Key: "runsc", Env: "AGENTCORE_RUNSC", Help: "runsc binary the gvisor driver tries first (e.g. a current gVisor built with CGO_ENABLED=0); the driver falls back to runsc in PATH and picks the systrap platform when the binary has it, else ptrace, logging its choice",
		field: func(c *Config) any { return &c.Runsc }},
	{Key: "linuxns-prepared", Default: "2", Help: "with --sandbox linuxns: sandboxes per network mode kept prepared in the background (cgroup, network namespace, the sandbox's init in its namespaces with no agent), so a new session only sets its limits, builds its root filesystem and execs its agent; refilled while no session is starting (0 = prepare each sandbox when its session starts)",
		field: func(c *Config) any { return &c.LinuxnsPrepared }},
	{Key: "kube-config", Env: "KUBECONFIG", Help: "with --sandbox kubernetes: kubeconfig file of the cluster session pods run in (default: the in-cluster service account)",
		field: func(c *Config) any { return &c.Kube.Config }},
	{Key: "kube-namespace", Default: "default", Help: "with --sandbox kubernetes: namespace of the session pods and their NetworkPolicies",
		field: func(c *Config) any { return &c.Kube.Namespace }},
	{Key: "kube-runtime-class", Help: "with --sandbox kubernetes: RuntimeClass of every session pod (e.g. gvisor or kata; default: the cluster's default runtime)",
		field: func(c *Config) any { return &c.Kube.RuntimeClass }},
	{Key: "kube-code-image", Help: "with --sandbox kubernetes: image code runtimes run in (it must have the interpreters they declare, e.g. python3.12, in PATH); code runtimes fail to start without it",
		field: func(c *Config) any { return &c.Kube.CodeImage }},
	{Key: "kube-fetch-image", Default: "busybox:1.37", Help: "with --sandbox kubernetes: image of the init container that fetches a code runtime's bundle (needs sh, wget and tar)",
		field: func(c *Config) any { return &c.Kube.FetchImage }},
	{Key: "kube-bundle-listen", Default: ":9091", Help: "with --sandbox kubernetes: address the server serves code bundles on to session pods' init containers (one random token per pod)",
		field: func(c *Config) any { return &c.Kube.BundleListen }},
	{Key: "kube-bundle-url", Env: "AGENTCORE_KUBE_BUNDLE_URL", Help: "with --sandbox kubernetes: --kube-bundle-listen as session pods reach it, e.g. http://POD_IP:9091 (deploy/kubernetes sets it from the pod's IP)",
		field: func(c *Config) any { return &c.Kube.BundleURL }},
	{Key: "kube-server-id", Env: "POD_NAME", Help: "with --sandbox kubernetes: this server's id, a label on everything it creates; at start it deletes the pods and policies labelled with it (default: the host name, a pod's name)",
		field: func(c *Config) any { return &c.Kube.ServerID }},
	{Key: "kube-server-namespace", Env: "POD_NAMESPACE", Help: "with --sandbox kubernetes: namespace of the server's own pods, the only peers allowed to reach session pods (default: --kube-namespace)",
		field: func(c *Config) any { return &c.Kube.ServerNamespace }},
	{Key: "kube-server-labels", Default: "app.kubernetes.io/name=agentcore", Help: "with --sandbox kubernetes: labels (KEY=VALUE,...) of the server's own pods, used in session pods' NetworkPolicies",
		field: func(c *Config) any { return &c.Kube.ServerLabels }},
	{Key: "kube-collect-peers", Default: "false", Help: "with --sandbox kubernetes: server ids are pod names in --kube-server-namespace; at start and every minute delete the session pods of servers whose pod no longer exists (a Deployment's replica replaced after a crash); needs get on pods there",
		field: func(c *Config) any { return &c.Kube.CollectPeers }},
	{Key: "allow-unisolated", Default: "false", Help: "with credentials configured, accept a sandbox driver that does not isolate sessions (process): every account's agents then run as the server's user and reach its loopback; without this flag such a server refuses to start",
		field: func(c *Config) any { return &c.AllowUnisolated }},
	{Key: "python-fallback", Default: "false", Help: "run a PYTHON_3_X code runtime on the host's python3 when python3.X is not installed (without it, CreateAgentRuntime answers a ValidationException naming the missing interpreter)",
		field: func(c *Config) any { return &c.PythonFallback }},
	{Key: "trusted-proxies", Help: "comma-separated IP addresses or CIDR prefixes of reverse proxies in front of the server: for a request from one, the client its X-Forwarded-For (or Forwarded) names decides whether it comes from this host (the loopback rule of /_agentcore/* and /metrics); forwarded requests from other peers never count as local",
		field: func(c *Config) any { return &c.TrustedProxies }},
	{Key: "max-sessions", Default: "0", Help: "most sessions (runtime, Code Interpreter and Browser) this server runs at once; a new one past it is a ServiceQuotaExceededException (0 = no bound)",
		field: func(c *Config) any { return &c.MaxSessions }},
	{Key: "max-sessions-per-account", Default: "1000", Help: "most runtime sessions one account runs at once (AgentCore's default quota: 1000); a new one past it is a ServiceQuotaExceededException (0 = no bound)",
		field: func(c *Config) any { return &c.MaxSessionsPerAccount }},
	{Key: "max-sessions-per-runtime", Default: "0", Help: "most sessions one agent runtime runs at once; a new one past it is a ServiceQuotaExceededException (0 = no bound)",
		field: func(c *Config) any { return &c.MaxSessionsPerRuntime }},
	{Key: "max-request-rate", Default: "0", Help: "API requests per second one account may make (token bucket, bursts of twice the rate); past it a ThrottlingException, which the AWS SDKs retry (0 = no bound)",
		field: func(c *Config) any { return &c.MaxRequestRate }},
	{Key: "max-invoke-rate", Default: "0", Help: "InvokeAgentRuntime requests per second per agent runtime of an account (token bucket, bursts of twice the rate); past it a ThrottlingException (0 = no bound)",
		field: func(c *Config) any { return &c.MaxInvokeRate }},
	{Key: "max-payload-size", Default: "100000000", Help: "largest request body an operation takes (AgentCore: 100 MB = 100000000 bytes); a larger one is a ValidationException before it is read (bytes, or with a KiB/MiB/GiB suffix)",
		field: func(c *Config) any { return (*byteSize)(&c.MaxPayloadSize) }},
	{Key: "session-memory", Default: "2GiB", Help: "memory limit per session, cgroup under the isolating drivers (bytes, or with a KiB/MiB/GiB/TiB suffix)",
		field: func(c *Config) any { return (*byteSize)(&c.Limits.MemoryBytes) }},
	{Key: "session-cpu-millis", Default: "1000", Help: "CPU limit per session in thousandths of a core",
		field: func(c *Config) any { return &c.Limits.CPUMillis }},
	{Key: "session-pids", Default: "512", Help: "process limit per session",
		field: func(c *Config) any { return &c.Limits.Pids }},
	{Key: "warm-pool", Default: "0", Help: "pre-started environments per runtime version (0 = off; a runtime overrides it with its AGENTCORE_WARM_POOL environment variable)",
		field: func(c *Config) any { return &c.WarmPool }},
	{Key: "session-storage-ttl", Default: "336h0m0s", Help: "session storage (filesystemConfigurations sessionStorage) of a session not used for this long is removed (AgentCore: 14 days)",
		field: func(c *Config) any { return &c.SessionStorageTTL }},
	{Key: "session-storage-max-bytes", Default: "1GiB", Help: "quota of one session's storage (allocated bytes); a session found over it is stopped and cannot start again until files are removed or the runtime's version changes (bytes, or with a KiB/MiB/GiB suffix)",
		field: func(c *Config) any { return (*byteSize)(&c.SessionStorageMaxBytes) }},
	{Key: "session-storage-max-files", Default: "100000", Help: "quota of one session's storage in files and directories (enforced like --session-storage-max-bytes)",
		field: func(c *Config) any { return &c.SessionStorageMaxFiles }},
	{Key: "session-storage-check", Default: "30s", Help: "how often running sessions' storage is measured against the quotas and expired session storage is removed",
		field: func(c *Config) any { return &c.SessionStorageCheck }},
	{Key: "filesystems", Help: "shared file systems runtimes may mount (filesystemConfigurations efsAccessPoint, s3FilesAccessPoint, capacityProviderVolume): comma-separated NAME=HOSTDIR, NAME an access point ARN or a volume name, HOSTDIR an existing directory mounted read-write into every session that names it",
		field: func(c *Config) any { return &c.Filesystems }},
	{Key: "region", Env: "AWS_REGION", Default: "us-east-1", Help: "AWS region in ARNs",
		field: func(c *Config) any { return &c.Region }},
	{Key: "account", Default: "123456789012", Help: "AWS account id in ARNs",
		field: func(c *Config) any { return &c.Account }},
	{Key: "session-init-timeout", Default: "1m0s", Help: "how long an agent may take to answer /ping after start",
		field: func(c *Config) any { return &c.InitTimeout }},
	{Key: "session-idle-timeout", Default: "15m0s", Help: "idle timeout for runtimes without lifecycleConfiguration.idleRuntimeSessionTimeout",
		field: func(c *Config) any { return &c.IdleTimeout }},
	{Key: "session-max-lifetime", Default: "8h0m0s", Help: "max lifetime for runtimes without lifecycleConfiguration.maxLifetime",
		field: func(c *Config) any { return &c.MaxLifetime }},
	{Key: "ping-interval", Default: "2s", Help: "how often running sessions' /ping is polled",
		field: func(c *Config) any { return &c.PingInterval }},
	{Key: "invoke-timeout", Default: "15m0s", Help: "how long to wait for an agent's answer",
		field: func(c *Config) any { return &c.InvokeTimeout }},
	{Key: "otlp-metrics-interval", Default: "30s", Help: "how often the /metrics series are pushed over OTLP to --otlp-export",
		field: func(c *Config) any { return &c.MetricsInterval }},
	{Key: "otlp-grpc-listen", Help: "also receive OTLP over gRPC on this address (e.g. 127.0.0.1:4317); OTLP/HTTP is always served on --listen at /v1/{traces,logs,metrics}",
		field: func(c *Config) any { return &c.OTLPGRPCListen }},
	{Key: "otlp-export", Help: "forward every span, log and metric the server records or receives to this OTLP/HTTP endpoint (base URL, e.g. http://collector:4318)",
		field: func(c *Config) any { return &c.OTLPExport }},
	{Key: "retention", Default: "168h0m0s", Help: "how long stored spans and logs are kept (negative = forever)",
		field: func(c *Config) any { return &c.Retention }},
	{Key: "tracing", Default: "true", Help: "record the server's own spans (API operations, invocations, sandbox starts) and propagate trace context to agents; --tracing=false passes trace headers through unchanged",
		invert: true, field: func(c *Config) any { return &c.DisableTracing }},
	{Key: "trace-export", Help: "OTLP/HTTP traces URL for the server's own spans (default: its own receiver, and --otlp-export); none = not exported",
		field: func(c *Config) any { return &c.TraceExport }},
	{Key: "lambda-endpoint", Env: "AWS_ENDPOINT_URL_LAMBDA", Help: "Lambda Invoke API base URL for gateway Lambda targets and interceptors (default https://lambda.<region>.amazonaws.com; e.g. http://localhost:4566 for LocalStack)",
		field: func(c *Config) any { return &c.LambdaEndpoint }},
	{Key: "smithy-endpoint", Help: "base URL that gateway Smithy-model targets call (default: the AWS endpoint of the model's service)",
		field: func(c *Config) any { return &c.SmithyEndpoint }},
	{Key: "gateway-call-timeout", Default: "30s", Help: "how long a gateway waits for one target call",
		field: func(c *Config) any { return &c.GatewayCallTimeout }},
	{Key: "gateway-fast-path", Env: "AGENTCORE_GATEWAY_FAST_PATH", Default: "true", Help: "serve gateway MCP tools/list and tools/call without the MCP SDK's session machinery (false = always the SDK path)",
		invert: true, field: func(c *Config) any { return &c.DisableGatewayFastPath }},
	{Key: "aws-access-key-id", Env: "AWS_ACCESS_KEY_ID", NoFlag: true, Help: "static AWS credentials gateway Lambda and Smithy targets are signed with (with aws-secret-access-key)",
		field: func(c *Config) any { return &c.AWSAccessKeyID }},
	{Key: "aws-secret-access-key", Env: "AWS_SECRET_ACCESS_KEY", NoFlag: true, Help: "secret of aws-access-key-id",
		field: func(c *Config) any { return &c.AWSSecretAccessKey }},
	{Key: "aws-session-token", Env: "AWS_SESSION_TOKEN", NoFlag: true, Help: "session token of aws-access-key-id",
		field: func(c *Config) any { return &c.AWSSessionToken }},
	{Key: "credentials-file", Help: "JSON or YAML list of {accessKeyId, secretAccessKey, account} accepted for SigV4 (also AGENTCORE_ACCESS_KEY_ID/AGENTCORE_SECRET_ACCESS_KEY for --account); without credentials the server only listens on loopback and does not check signatures",
		field: func(c *Config) any { return &c.CredentialsFile }},
	{Key: "access-key-id", Env: "AGENTCORE_ACCESS_KEY_ID", NoFlag: true, Help: "an access key accepted for SigV4 in --account (with secret-access-key)",
		field: func(c *Config) any { return &c.AccessKeyID }},
	{Key: "secret-access-key", Env: "AGENTCORE_SECRET_ACCESS_KEY", NoFlag: true, Help: "secret of access-key-id",
		field: func(c *Config) any { return &c.SecretAccessKey }},
	{Key: "console-session-lifetime", Default: "8h0m0s", Help: "how long a web console sign-in (with --credentials-file) lasts before the person signs in again",
		field: func(c *Config) any { return &c.ConsoleSessionLifetime }},
	{Key: "vault-key", Env: "AGENTCORE_VAULT_KEY", NoFlag: true, Help: "token vault master key, base64 of 32 random bytes (default: a keyring in --data-dir/vault.key, created on first start)",
		field: func(c *Config) any { return &c.VaultKey }},
	{Key: "log-json", Default: "false", Help: "log JSON lines instead of text",
		field: func(c *Config) any { return &c.LogJSON }},
	{Key: "log-level", Default: "info", Help: "log level (debug, info, warn, error)",
		field: func(c *Config) any { return &c.LogLevel }},
	{Key: "model-provider", Env: "AGENTCORE_MODEL_PROVIDER", Default: "openai", Help: "model API the Memory pipeline speaks: openai (any OpenAI-compatible server), anthropic (Messages API) or bedrock (Converse, AWS credentials from the standard chain, --region)",
		field: func(c *Config) any { return &c.ModelProvider }},
	{Key: "model-endpoint", Env: "AGENTCORE_MODEL_ENDPOINT", Help: "OpenAI-compatible base URL (e.g. http://127.0.0.1:11434/v1 for Ollama) the Memory extraction pipeline calls; none = long-term extraction jobs fail with a reason",
		field: func(c *Config) any { return &c.ModelEndpoint }},
	{Key: "model-api-key", Env: "AGENTCORE_MODEL_API_KEY", Help: "API key for --model-endpoint (also used for --embedding-endpoint unless AGENTCORE_EMBEDDING_API_KEY is set)",
		field: func(c *Config) any { return &c.ModelAPIKey }},
	{Key: "model", Env: "AGENTCORE_MODEL", Help: "default model name for Memory extraction and consolidation",
		field: func(c *Config) any { return &c.Model }},
	{Key: "embedder", Env: "AGENTCORE_EMBEDDER", Default: "auto", Help: "Memory's built-in embedder: minilm (the all-MiniLM-L6-v2 transformer in pure Go, weights placed in --data-dir/models/all-minilm-l6-v2 by `agentcore memory fetch-model`), static (a token table distilled from it, built into the binary), hashing (lexical feature hashing), or auto (minilm when its weights are there, else static); --embedding-endpoint replaces it",
		field: func(c *Config) any { return &c.Embedder }},
	{Key: "embedding-endpoint", Env: "AGENTCORE_EMBEDDING_ENDPOINT", Help: "OpenAI-compatible base URL for /v1/embeddings (default: --embedder)",
		field: func(c *Config) any { return &c.EmbeddingEndpoint }},
	{Key: "embedding-model", Env: "AGENTCORE_EMBEDDING_MODEL", Help: "embedding model name for --embedding-endpoint",
		field: func(c *Config) any { return &c.EmbeddingModel }},
	{Key: "embedding-api-key", Env: "AGENTCORE_EMBEDDING_API_KEY", NoFlag: true, Help: "API key for --embedding-endpoint (default: --model-api-key)",
		field: func(c *Config) any { return &c.EmbeddingAPIKey }},
	{Key: "memory-job-lease", Default: "30s", Help: "how long a crashed worker's Memory extraction job waits before another run takes it",
		field: func(c *Config) any { return &c.MemoryJobLease }},
	{Key: "memory-master-key", Env: "AGENTCORE_MEMORY_MASTER_KEY", NoFlag: true, Help: "Memory encryption-at-rest master key, hex of at least 16 bytes (default: --data-dir/memory-master.key, created on first start)",
		field: func(c *Config) any { return &c.MemoryMasterKey }},
	{Key: "eval-judge-concurrency", Default: "4", Help: "Evaluations: judge model calls in flight at once, across all Evaluate requests",
		field: func(c *Config) any { return &c.EvalJudgeConcurrency }},
	{Key: "eval-judge-timeout", Default: "60s", Help: "Evaluations: how long one judge model call may take; then the result carries errorCode ModelTimeout (after the retries)",
		field: func(c *Config) any { return &c.EvalJudgeTimeout }},
	{Key: "eval-judge-retries", Default: "2", Help: "Evaluations: retries of a failed or timed-out judge call, with backoff from 500ms (an unusable answer is not retried)",
		field: func(c *Config) any { return &c.EvalJudgeRetries }},
	{Key: "eval-judge-model", Help: "Evaluations: model name the built-in LLM evaluators ask the model provider for (default: --model)",
		field: func(c *Config) any { return &c.EvalJudgeModel }},
	{Key: "eval-judge-model-map", Help: "Evaluations: maps custom evaluators' modelId to provider model names, e.g. 'anthropic.claude-3-5-sonnet-20240620-v1:0=llama3.1,*=qwen2.5' ('*' maps every other id); unmapped ids are sent to the provider as they are",
		field: func(c *Config) any { return &c.EvalJudgeModelMap }},
	{Key: "eval-online-poll", Default: "1m", Help: "how often the online evaluation runner looks for sessions that have finished (idle for their config's sessionTimeoutMinutes)",
		field: func(c *Config) any { return &c.EvalOnlinePoll }},
	{Key: "eval-online-idle", Default: "0s", Help: "when set, the longest idle time a session needs before online evaluation: min(the config's sessionTimeoutMinutes, this); 0 = the config decides (for tests and demos)",
		field: func(c *Config) any { return &c.EvalOnlineIdle }},
	{Key: "eval-online-concurrency", Default: "8", Help: "sessions the online evaluation runner evaluates at once",
		field: func(c *Config) any { return &c.EvalOnlineConcurrency }},
	{Key: "code-interpreter", Default: "true", Help: "serve the Code Interpreter (built-in aws.codeinterpreter.v1, custom interpreters, sessions); --code-interpreter=false turns it off",
		invert: true, field: func(c *Config) any { return &c.DisableCodeInterpreter }},
	{Key: "code-interpreter-timeout", Default: "4m30s", Help: "how long one Code Interpreter tool call (executeCode, executeCommand, ...) may run; then it is interrupted and the session keeps working (the default answers, interruption included, within the bedrock-agentcore SDK's 300 s read timeout)",
		field: func(c *Config) any { return &c.CodeInterpreterTimeout }},
	{Key: "code-interpreter-warm-pool", Default: "0", Help: "ready Code Interpreter kernels kept per network mode, SANDBOX from start and PUBLIC from the first PUBLIC session (0 = off)",
		field: func(c *Config) any { return &c.CodeInterpreterWarmPool }},
	{Key: "code-interpreter-env", Help: "root of the Code Interpreter's data-library environment built by `agentcore code-interpreter setup` (numpy, pandas, matplotlib; default: --data-dir/codeinterpreter/env)",
		field: func(c *Config) any { return &c.CodeInterpreterEnv }},
	{Key: "code-interpreter-python", Help: "python3 executable Code Interpreter sessions run (default: python3 on the server's PATH)",
		field: func(c *Config) any { return &c.CodeInterpreterPython }},
	{Key: "code-interpreter-node", Help: "node executable for JavaScript and TypeScript in Code Interpreter sessions (default: node on the server's PATH; none = JavaScript unavailable)",
		field: func(c *Config) any { return &c.CodeInterpreterNode }},
	{Key: "eval-dataset-max-examples", Default: "10000", Help: "examples one evaluation dataset (its DRAFT and each version) may hold",
		field: func(c *Config) any { return &c.EvalDatasetMaxExamples }},
	{Key: "eval-batch-concurrency", Default: "4", Help: "sessions a batch evaluation evaluates at once",
		field: func(c *Config) any { return &c.EvalBatchConcurrency }},
	{Key: "browser", Default: "true", Help: "serve the Browser tool (built-in aws.browser.v1, custom browsers, profiles, sessions of headless Chromium); --browser=false turns it off",
		invert: true, field: func(c *Config) any { return &c.DisableBrowser }},
	{Key: "console", Default: "true", Help: "serve the web console at /console/ (assets embedded in the binary); --console=false turns it off (/console/* answers 404)",
		invert: true, field: func(c *Config) any { return &c.DisableConsole }},
	{Key: "browser-chromium", Help: "Chromium executable browser sessions run (default: /usr/lib/chromium/chromium when present, else chromium on the server's PATH)",
		field: func(c *Config) any { return &c.BrowserChromium }},
	{Key: "browser-warm-pool", Default: "0", Help: "started browsers kept ready for new sessions (default viewport, PUBLIC network; 0 = off)",
		field: func(c *Config) any { return &c.BrowserWarmPool }},
	{Key: "agent-path", Env: "PATH", NoFlag: true, EnvDefault: true, Help: "PATH agents started from code bundles get after their bundle's .deps/bin (default: the server's own PATH)",
		field: func(c *Config) any { return &c.AgentPath }},
}

// Settings lists every setting (for --help and documentation).
func Settings() []Setting { return append([]Setting(nil), settings...) }

func lookup(key string) *Setting {
	for i := range settings {
		if settings[i].Key == key {
			return &settings[i]
		}
	}
	return nil
}

// Label names the setting in messages: its flag, else its variable, else its key.
func (s *Setting) Label() string {
	switch {
	case !s.NoFlag:
		return "--" + s.Key
	case s.Env != "":
		return s.Env
	}
	return s.Key
}

// set parses v in the setting's syntax into c.
func (s *Setting) set(c *Config, v string) error {
	switch p := s.field(c).(type) {
	case *string:
		*p = v
	case *int:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not an integer", v)
		}
		*p = n
	case *byteSize:
		return p.Set(v)
	case *time.Duration:
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not a duration (e.g. 30s, 15m, 8h)", v)
		}
		*p = d
	case *bool:
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not a boolean (true or false)", v)
		}
		*p = b != s.invert
	default:
		panic(fmt.Sprintf("config: setting %s has unsupported type %T", s.Key, p))
	}
	return nil
}

// get formats the setting's value in c in its syntax.
func (s *Setting) get(c *Config) string {
	switch p := s.field(c).(type) {
	case *string:
		return *p
	case *int:
		return strconv.Itoa(*p)
	case *byteSize:
		return p.String()
	case *time.Duration:
		return p.String()
	case *bool:
		return strconv.FormatBool(*p != s.invert)
	}
	return ""
}

func (s *Setting) isZero(c *Config) bool {
	switch p := s.field(c).(type) {
	case *string:
		return *p == ""
	case *int:
		return *p == 0
	case *byteSize:
		return *p == 0
	case *time.Duration:
		return *p == 0
	case *bool:
		return !*p
	}
	return false
}

func (s *Setting) typeName() string {
	switch s.field(&Config{}).(type) {
	case *int:
		return "int"
	case *byteSize:
		return "size"
	case *time.Duration:
		return "duration"
	case *bool:
		return "bool"
	}
	return "string"
}
