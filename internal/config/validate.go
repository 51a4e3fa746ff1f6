package config

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/agentcore-dev/agentcore/internal/builtins" // registers the drivers --sandbox may name
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/tlsca"
)

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

// Validate reports every bad value as a field error ("config: --listen:
// ..."), joined. It expects defaults applied (WithDefaults).
func (c Config) Validate() error {
	var errs []error
	bad := func(key string, format string, args ...any) {
		errs = append(errs, fieldError(lookup(key), fmt.Errorf(format, args...)))
	}
	check := func(key string, err error) {
		if err != nil {
			errs = append(errs, fieldError(lookup(key), err))
		}
	}
	check("listen", checkAddr(c.Listen))
	if c.OTLPGRPCListen != "" {
		check("otlp-grpc-listen", checkAddr(c.OTLPGRPCListen))
	}
	errs = append(errs, c.validateTLS()...)
	errs = append(errs, c.validateCluster()...)
	if c.DataDir == "" {
		bad("data-dir", "must not be empty")
	}
	if d := c.Database; d != "" && !strings.HasPrefix(d, "postgres://") && !strings.HasPrefix(d, "postgresql://") && !strings.HasPrefix(d, "sqlite:") {
		bad("database", "want postgres://..., postgresql://... or sqlite:PATH, got scheme %q", scheme(d))
	}
	switch c.ArtifactStore {
	case "", "dir":
	case "postgres":
		if !c.PostgresDatabase() {
			bad("artifact-store", "postgres keeps artifacts in the --database PostgreSQL; --database is not postgres://...")
		}
	default:
		if u, err := url.Parse(c.ArtifactStore); err != nil || u.Scheme != "s3" || u.Host == "" {
			bad("artifact-store", "%q: want dir, postgres or s3://BUCKET[/PREFIX][?endpoint=URL&region=REGION]", c.ArtifactStore)
		}
	}
	if drivers := append([]string{"auto"}, sandbox.Names()...); !slices.Contains(drivers, c.Sandbox) {
		bad("sandbox", "unknown driver %q (want one of %s)", c.Sandbox, strings.Join(drivers, ", "))
	}
	if c.Region == "" {
		bad("region", "must not be empty")
	}
	if !accountRE.MatchString(c.Account) {
		bad("account", "%q is not a 12-digit AWS account id", c.Account)
	}
	for key, d := range map[string]time.Duration{
		"session-init-timeout": c.InitTimeout, "ping-interval": c.PingInterval, "session-idle-timeout": c.IdleTimeout,
		"session-max-lifetime": c.MaxLifetime, "invoke-timeout": c.InvokeTimeout, "otlp-metrics-interval": c.MetricsInterval,
		"gateway-call-timeout": c.GatewayCallTimeout, "memory-job-lease": c.MemoryJobLease,
		"code-interpreter-timeout": c.CodeInterpreterTimeout, "eval-online-poll": c.EvalOnlinePoll,
		"session-storage-ttl": c.SessionStorageTTL, "session-storage-check": c.SessionStorageCheck,
		"console-session-lifetime": c.ConsoleSessionLifetime,
	} {
		if d <= 0 {
			bad(key, "%s must be positive", d)
		}
	}
	check("session-memory", inRange(c.Limits.MemoryBytes, 64<<20, 1<<40, "64MiB to 1TiB"))
	check("session-cpu-millis", inRange(int64(c.Limits.CPUMillis), 10, 1024*1000, "10 to 1024000"))
	check("session-pids", inRange(int64(c.Limits.Pids), 8, 1<<20, "8 to 1048576"))
	if c.MaxSessions < 0 {
		bad("max-sessions", "%d is negative (0 = no bound)", c.MaxSessions)
	}
	for key, v := range map[string]int{"max-sessions-per-runtime": c.MaxSessionsPerRuntime, "max-request-rate": c.MaxRequestRate, "max-invoke-rate": c.MaxInvokeRate} {
		if v < 0 {
			bad(key, "%d is negative (0 = no bound)", v)
		}
	}
	if _, err := c.TrustedProxyPrefixes(); err != nil {
		bad("trusted-proxies", "%v", err)
	}
	if c.MaxPayloadSize < 1024 {
		bad("max-payload-size", "%d bytes is too small (at least 1KiB)", c.MaxPayloadSize)
	}
	if c.MaxSessionsPerAccount < 0 {
		bad("max-sessions-per-account", "%d is negative (0 = no bound)", c.MaxSessionsPerAccount)
	}
	if c.SessionStorageMaxBytes < 1<<20 {
		bad("session-storage-max-bytes", "%d bytes is too small (at least 1MiB)", c.SessionStorageMaxBytes)
	}
	if c.SessionStorageMaxFiles < 1 {
		bad("session-storage-max-files", "%d must be positive", c.SessionStorageMaxFiles)
	}
	if _, err := c.FilesystemMap(); err != nil {
		bad("filesystems", "%v", err)
	}
	if c.WarmPool < 0 || c.WarmPool > 1000 {
		bad("warm-pool", "%d is out of range (0 to 1000)", c.WarmPool)
	}
	if c.EvalOnlineIdle < 0 {
		bad("eval-online-idle", "%s must not be negative", c.EvalOnlineIdle)
	}
	if c.EvalOnlineConcurrency < 1 || c.EvalOnlineConcurrency > 256 {
		bad("eval-online-concurrency", "%d is out of range (1 to 256)", c.EvalOnlineConcurrency)
	}
	if c.EvalDatasetMaxExamples < 1 || c.EvalDatasetMaxExamples > 1000000 {
		bad("eval-dataset-max-examples", "%d is out of range (1 to 1000000)", c.EvalDatasetMaxExamples)
	}
	if c.EvalBatchConcurrency < 1 || c.EvalBatchConcurrency > 64 {
		bad("eval-batch-concurrency", "%d is out of range (1 to 64)", c.EvalBatchConcurrency)
	}
	if c.CodeInterpreterWarmPool < 0 || c.CodeInterpreterWarmPool > 64 {
		bad("code-interpreter-warm-pool", "%d is out of range (0 to 64)", c.CodeInterpreterWarmPool)
	}
	if c.BrowserWarmPool < 0 || c.BrowserWarmPool > 64 {
		bad("browser-warm-pool", "%d is out of range (0 to 64)", c.BrowserWarmPool)
	}
	if c.CodeInterpreterTimeout > 8*time.Hour {
		bad("code-interpreter-timeout", "%s is longer than the longest session (8h)", c.CodeInterpreterTimeout)
	}
	for key, u := range map[string]string{
		"otlp-export": c.OTLPExport, "lambda-endpoint": c.LambdaEndpoint, "smithy-endpoint": c.SmithyEndpoint,
		"model-endpoint": c.ModelEndpoint, "embedding-endpoint": c.EmbeddingEndpoint,
	} {
		check(key, checkURL(u))
	}
	if c.TraceExport != "none" {
		check("trace-export", checkURL(c.TraceExport))
	}
	var lvl slog.Level
	check("log-level", lvl.UnmarshalText([]byte(c.LogLevel)))
	if (c.AccessKeyID == "") != (c.SecretAccessKey == "") {
		bad("access-key-id", "set both AGENTCORE_ACCESS_KEY_ID and AGENTCORE_SECRET_ACCESS_KEY, or neither")
	}
	if c.VaultKey != "" {
		if k, err := base64.StdEncoding.DecodeString(c.VaultKey); err != nil || len(k) != 32 {
			bad("vault-key", "must be the base64 encoding of 32 random bytes")
		}
	}
	if c.MemoryMasterKey != "" {
		if k, err := hex.DecodeString(strings.TrimSpace(c.MemoryMasterKey)); err != nil || len(k) < 16 {
			bad("memory-master-key", "AGENTCORE_MEMORY_MASTER_KEY must be at least 16 bytes as hex")
		}
	}
	errs = append(errs, c.validateModel()...)
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// validateTLS checks the HTTPS listener's settings together.
func (c Config) validateTLS() []error {
	var errs []error
	bad := func(key string, err error) { errs = append(errs, fieldError(lookup(key), err)) }
	if c.TLSListen != "" {
		if err := checkAddr(c.TLSListen); err != nil {
			bad("tls-listen", err)
		}
	} else if c.TLSCert != "" || c.TLSKey != "" {
		bad("tls-cert", errors.New("--tls-cert and --tls-key need --tls-listen"))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad("tls-key", errors.New("set both --tls-cert and --tls-key, or neither (a certificate from the local CA)"))
	}
	for _, h := range c.TLSExtraHosts() {
		if err := tlsca.CheckHost(h); err != nil {
			bad("tls-hosts", err)
		}
	}
	return errs
}

// TLSExtraHosts is --tls-hosts as a list.
func (c Config) TLSExtraHosts() []string {
	var out []string
	for _, h := range strings.Split(c.TLSHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// validateModel checks the Memory model and embedder settings together.
func (c Config) validateModel() []error {
	var errs []error
	bad := func(key, msg string) { errs = append(errs, fieldError(lookup(key), errors.New(msg))) }
	switch c.ModelProvider {
	case "openai":
		if c.ModelEndpoint != "" && c.Model == "" {
			bad("model", "--model-endpoint needs --model (the default model name)")
		}
	case "anthropic":
		if c.Model == "" || c.ModelAPIKey == "" {
			bad("model-provider", "--model-provider anthropic needs --model and --model-api-key")
		}
	case "bedrock":
		if c.Model == "" {
			bad("model-provider", "--model-provider bedrock needs --model (a Bedrock model id)")
		}
	default:
		bad("model-provider", fmt.Sprintf("%q: want openai, anthropic or bedrock", c.ModelProvider))
	}
	if c.EmbeddingEndpoint != "" && c.EmbeddingModel == "" {
		bad("embedding-model", "--embedding-endpoint needs --embedding-model")
	}
	switch c.Embedder {
	case "auto", "minilm", "static", "hashing":
	default:
		bad("embedder", fmt.Sprintf("%q: want auto, minilm, static or hashing", c.Embedder))
	}
	return errs
}

func checkAddr(a string) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return fmt.Errorf("%q is not host:port: %w", a, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q: port %q is not a number from 0 to 65535", a, port)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("%q: bad host %q", a, host)
	}
	return nil
}

// checkURL accepts "" and absolute http(s) URLs.
func checkURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want an http:// or https:// URL", s)
	}
	return nil
}

func inRange(v, lo, hi int64, what string) error {
	if v < lo || v > hi {
		return fmt.Errorf("%d is out of range (%s)", v, what)
	}
	return nil
}

func scheme(dsn string) string {
	if i := strings.Index(dsn, ":"); i > 0 {
		return dsn[:i]
	}
	return dsn
}

// TrustedProxyPrefixes parses TrustedProxies: addresses become /32 or /128.
func (c Config) TrustedProxyPrefixes() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(c.TrustedProxies, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR prefix", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// FilesystemMap parses --filesystems (NAME=HOSTDIR,...): the shared file
// systems runtimes may mount, by access point ARN or volume name. Every
// HOSTDIR must be an existing directory given as an absolute path.
func (c Config) FilesystemMap() (map[string]string, error) {
	out := map[string]string{}
	for _, f := range strings.Split(c.Filesystems, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		name, dir, ok := strings.Cut(f, "=")
		name, dir = strings.TrimSpace(name), strings.TrimSpace(dir)
		if !ok || name == "" || dir == "" {
			return nil, fmt.Errorf("%q is not NAME=HOSTDIR", f)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("%s is mapped twice", name)
		}
		if !filepath.IsAbs(dir) {
			return nil, fmt.Errorf("%s: %q is not an absolute path", name, dir)
		}
		if st, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		} else if !st.IsDir() {
			return nil, fmt.Errorf("%s: %s is not a directory", name, dir)
		}
		out[name] = filepath.Clean(dir)
	}
	return out, nil
}
