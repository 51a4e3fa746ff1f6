package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/spf13/pflag"
)

// load parses args as `agentcore server` would, with env as the
// environment and file (if not "") as the --config file.
func load(t *testing.T, file string, env map[string]string, args ...string) (config.Config, error) {
	t.Helper()
	fs := pflag.NewFlagSet("server", pflag.ContinueOnError)
	flags := config.Bind(fs)
	if file != "" {
		path := filepath.Join(t.TempDir(), "agentcore.yaml")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", path)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return flags.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
}

func TestDefaults(t *testing.T) {
	c, err := load(t, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c != config.Default() {
		t.Fatalf("no sources: %+v\nwant the defaults %+v", c, config.Default())
	}
	// One place for defaults: --sandbox and a zero Config agree.
	if c.Sandbox != "auto" || (config.Config{}).WithDefaults().Sandbox != "auto" {
		t.Fatalf("sandbox default: flag path %q, zero Config %q", c.Sandbox, (config.Config{}).WithDefaults().Sandbox)
	}
	if c.Listen != "127.0.0.1:8765" || c.Limits.MemoryBytes != 2<<30 || c.IdleTimeout != 15*time.Minute ||
		c.DisableTracing || c.DisableGatewayFastPath || c.ModelProvider != "openai" {
		t.Fatalf("defaults: %+v", c)
	}
}

// TestPrecedence: defaults < file < environment < flags, setting by setting.
func TestPrecedence(t *testing.T) {
	file := "listen: 127.0.0.1:1001\nregion: eu-west-1\naccount: \"111111111111\"\nsession-idle-timeout: 5m\nwarm-pool: 2\n"
	env := map[string]string{"AWS_REGION": "eu-central-1", "AGENTCORE_MODEL": "from-env"}
	c, err := load(t, file, env, "--region", "ap-south-1", "--warm-pool=3")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct{ name, got, want string }{
		{"listen (file over default)", c.Listen, "127.0.0.1:1001"},
		{"account (file)", c.Account, "111111111111"},
		{"region (flag over env over file)", c.Region, "ap-south-1"},
		{"model (env over default)", c.Model, "from-env"},
		{"data-dir (default)", c.DataDir, ".agentcore-data"},
	} {
		if g.got != g.want {
			t.Errorf("%s = %q, want %q", g.name, g.got, g.want)
		}
	}
	if c.IdleTimeout != 5*time.Minute || c.WarmPool != 3 {
		t.Errorf("idle %v (file 5m), warm pool %d (flag 3)", c.IdleTimeout, c.WarmPool)
	}
	// Environment over file.
	c, err = load(t, file, env)
	if err != nil || c.Region != "eu-central-1" {
		t.Fatalf("env over file: region %q, %v", c.Region, err)
	}
	// An empty variable counts as unset.
	c, err = load(t, file, map[string]string{"AWS_REGION": ""})
	if err != nil || c.Region != "eu-west-1" {
		t.Fatalf("empty env: region %q, %v", c.Region, err)
	}
}

func TestEnvironment(t *testing.T) {
	env := map[string]string{
		"AGENTCORE_ACCESS_KEY_ID": "AKIDFROMENV", "AGENTCORE_SECRET_ACCESS_KEY": "s",
		"AGENTCORE_GATEWAY_FAST_PATH": "0", "PATH": "/opt/bin:/usr/bin",
		"AWS_ACCESS_KEY_ID": "AKIDLAMBDA", "AWS_SECRET_ACCESS_KEY": "ls", "AWS_SESSION_TOKEN": "tok",
		"AGENTCORE_MEMORY_MASTER_KEY": strings.Repeat("ab", 16), "AWS_ENDPOINT_URL_LAMBDA": "http://127.0.0.1:4566",
		"AGENTCORE_EMBEDDING_API_KEY": "ek",
	}
	c, err := config.FromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "AKIDFROMENV" || c.SecretAccessKey != "s" || !c.DisableGatewayFastPath || c.AgentPath != "/opt/bin:/usr/bin" ||
		c.AWSAccessKeyID != "AKIDLAMBDA" || c.AWSSecretAccessKey != "ls" || c.AWSSessionToken != "tok" ||
		c.MemoryMasterKey == "" || c.LambdaEndpoint != "http://127.0.0.1:4566" || c.EmbeddingAPIKey != "ek" {
		t.Fatalf("from environment: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := config.FromEnv(func(k string) (string, bool) { return "maybe", k == "AGENTCORE_GATEWAY_FAST_PATH" }); err == nil ||
		!strings.Contains(err.Error(), "AGENTCORE_GATEWAY_FAST_PATH (gateway-fast-path)") {
		t.Fatalf("bad boolean variable: %v", err)
	}
}

func TestFlagsParse(t *testing.T) {
	c, err := load(t, "", nil, "--session-memory", "512MiB", "--tracing=false", "--gateway-fast-path=false",
		"--session-init-timeout", "90s", "--log-json", "--database", "sqlite:/tmp/x.db", "--sandbox", "process")
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits.MemoryBytes != 512<<20 || !c.DisableTracing || !c.DisableGatewayFastPath || c.InitTimeout != 90*time.Second ||
		!c.LogJSON || c.Database != "sqlite:/tmp/x.db" || c.Sandbox != "process" {
		t.Fatalf("flags: %+v", c)
	}
	// A zero from a source means the default, as for a zero Config.
	if c, err = load(t, "", nil, "--session-memory", "0"); err != nil || c.Limits.MemoryBytes != 2<<30 {
		t.Fatalf("--session-memory 0: %d, %v", c.Limits.MemoryBytes, err)
	}
	for in, want := range map[string]int64{"1073741824": 1 << 30, "1G": 1 << 30, "2gib": 2 << 30, "64MiB": 64 << 20, "1TiB": 1 << 40} {
		if c, err := load(t, "", nil, "--session-memory", in); err != nil || c.Limits.MemoryBytes != want {
			t.Errorf("--session-memory %s = %d, %v; want %d", in, c.Limits.MemoryBytes, err, want)
		}
	}
}

func TestFile(t *testing.T) {
	// JSON is YAML too.
	c, err := load(t, `{"listen": "127.0.0.1:9", "tracing": false, "session-pids": 64, "invoke-timeout": "1m", "vault-key": null}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9" || !c.DisableTracing || c.Limits.Pids != 64 || c.InvokeTimeout != time.Minute {
		t.Fatalf("from JSON file: %+v", c)
	}
	_, err = load(t, "listen: 127.0.0.1:9\nlisten-addr: x\nsession-pids: many\nregion: [a, b]\n", nil)
	for _, want := range []string{`unknown setting "listen-addr"`, `session-pids: "many" is not an integer`, "region: want a single value"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad file: error %v, want it to contain %q", err, want)
		}
	}
	if _, err := load(t, "- not\n- a mapping\n", nil); err == nil {
		t.Error("a list was accepted as a config file")
	}
}

// TestValidate: every bad value is a field error naming the setting, all
// of them reported at once.
func TestValidate(t *testing.T) {
	c := config.Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	bad := config.Default()
	bad.Listen = "localhost"
	bad.OTLPGRPCListen = "127.0.0.1:99999"
	bad.Database = "mysql://db"
	bad.Sandbox = "docker"
	bad.Account = "12345"
	bad.PingInterval = -time.Second
	bad.Limits.MemoryBytes = 1 << 20
	bad.Limits.CPUMillis = 1
	bad.Limits.Pids = 2
	bad.WarmPool = -1
	bad.OTLPExport = "collector:4318"
	bad.LambdaEndpoint = "ftp://lambda"
	bad.TraceExport = "nowhere"
	bad.LogLevel = "loud"
	bad.AccessKeyID = "AKID" // no secret
	bad.VaultKey = "short"
	bad.MemoryMasterKey = "zz"
	bad.ModelProvider = "llama"
	bad.EmbeddingEndpoint = "http://127.0.0.1:1/v1"
	err := bad.Validate()
	if err == nil {
		t.Fatal("bad config validated")
	}
	for _, want := range []string{
		"config: --listen: ", "config: --otlp-grpc-listen: ", "config: --database: ", "config: --sandbox: unknown driver \"docker\"",
		"config: --account: ", "config: --ping-interval: ", "config: --session-memory: ", "config: --session-cpu-millis: ",
		"config: --session-pids: ", "config: --warm-pool: ", "config: --otlp-export: ", "config: --lambda-endpoint: ",
		"config: --trace-export: ", "config: --log-level: ", "config: AGENTCORE_ACCESS_KEY_ID: ", "config: AGENTCORE_VAULT_KEY: ",
		"config: AGENTCORE_MEMORY_MASTER_KEY: ", "config: --model-provider: ", "config: --embedding-model: ",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing field error %q in:\n%v", want, err)
		}
	}
	// Cross-field checks of the Memory model.
	for _, m := range []config.Config{
		{ModelEndpoint: "http://127.0.0.1:1/v1"},
		{ModelProvider: "anthropic", Model: "claude"},
		{ModelProvider: "bedrock"},
	} {
		if err := m.WithDefaults().Validate(); err == nil {
			t.Errorf("incomplete model settings validated: %+v", m)
		}
	}
	ok := config.Config{TraceExport: "none", Database: "postgresql://u@127.0.0.1/db", Listen: "[::1]:0", ModelProvider: "bedrock", Model: "m"}
	if err := ok.WithDefaults().Validate(); err != nil {
		t.Errorf("good settings rejected: %v", err)
	}
}

// TestEverySettingDeclared: keys unique, bool defaults parse, each flagless
// setting reachable from the environment.
func TestEverySettingDeclared(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range config.Settings() {
		if seen[s.Key] || (s.Env != "" && seen["env:"+s.Env]) {
			t.Errorf("setting %s declared twice", s.Key)
		}
		seen[s.Key], seen["env:"+s.Env] = true, s.Env != ""
		if s.NoFlag && s.Env == "" {
			t.Errorf("setting %s has neither flag nor variable", s.Key)
		}
		if s.Help == "" {
			t.Errorf("setting %s has no help", s.Key)
		}
	}
}
