// Package testenv starts real agentcore servers for tests and gives them AWS
// SDK for Go v2 clients pointed at the server, plus helpers to build, zip,
// upload and deploy agents.
package testenv

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// Env is one running server with clients.
type Env struct {
	T       testing.TB
	Server  *server.Server
	URL     string
	DataDir string
	Control *ctl.Client
	Data    *bedrockagentcore.Client
	Config  server.Config
	// TLSURL and CAFile: the HTTPS listener (cfg.TLSListen, e.g.
	// "127.0.0.1:0") and its local CA's certificate; "" when off.
	TLSURL, CAFile string
}

// Fast is a config for tests: quick pings and start-up bounds.
func Fast() server.Config {
	return server.Config{Config: config.Config{PingInterval: 200 * time.Millisecond, InitTimeout: 20 * time.Second}}
}

// MemoryMasterKey is the Memory encryption key of the servers Start runs
// unless their configuration names another.
const MemoryMasterKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

// VaultKey is the token vault key of the servers Start runs unless their
// configuration names another (replicas on one database share it).
const VaultKey = "YWdlbnRjb3JlLXRlc3QtdmF1bHQta2V5LTMyYnl0ZXM="

// OwnVaultKey, as a configuration's VaultKey, gives the server the key in
// its own --data-dir (vault.key) instead of VaultKey: the only kind of key
// SetTokenVaultCMK can rotate.
const OwnVaultKey = "-"

// Start runs a server with cfg (Listen and DataDir default to a free port and
// a temp dir) and stops it when the test ends.
func Start(t testing.TB, cfg server.Config) *Env {
	t.Helper()
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.Runsc == "" {
		cfg.Runsc = os.Getenv("AGENTCORE_RUNSC") // the current runsc .ci/run builds, as the server's setting reads it
	}
	if cfg.MemoryMasterKey == "" {
		cfg.MemoryMasterKey = MemoryMasterKey // servers of one test may share a database, as replicas share the key
	}
	switch cfg.VaultKey {
	case "":
		cfg.VaultKey = VaultKey // likewise the token vault's key
	case OwnVaultKey:
		cfg.VaultKey = ""
	}
	if cfg.Sandbox == "" {
		cfg.Sandbox = "process" // tests pick other drivers explicitly (the server's default is auto)
	}
	if cfg.Sandbox == "process" || cfg.Sandbox == HostImageDriver {
		cfg.AllowUnisolated = true // the suite's credentials with the development driver
	}
	// Identity: the suite runs with real credentials, so every SDK call is
	// SigV4-verified (the clients below sign with this key).
	if cfg.Credentials == nil && cfg.CredentialsFile == "" && os.Getenv("AGENTCORE_TEST_LOCAL_MODE") == "" {
		cfg.Credentials = []sigv4.Credential{{AccessKeyID: AccessKeyID, SecretAccessKey: SecretAccessKey, Account: "123456789012"}}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
		if os.Getenv("AGENTCORE_TEST_LOG") != "" {
			cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
	}
	srv, err := server.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	e := &Env{T: t, Server: srv, URL: srv.URL(), DataDir: cfg.DataDir, Config: cfg, TLSURL: srv.TLSURL(), CAFile: srv.TLSCAFile()}
	e.Control, e.Data = Clients(srv.URL())
	t.Cleanup(func() { e.Stop() })
	return e
}

// Stop closes the server (idempotent).
func (e *Env) Stop() {
	if e.Server == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e.Server.Close(ctx)
	e.Server = nil
}

// Test credentials configured on every testenv server (account 123456789012).
const (
	AccessKeyID     = "AKIDAGENTCORETEST"
	SecretAccessKey = "secret"
)

// Clients returns SDK clients for a server URL (static test credentials, no retries).
func Clients(url string) (*ctl.Client, *bedrockagentcore.Client) {
	return ClientsWith(url, AccessKeyID, SecretAccessKey)
}

// ClientsWith returns SDK clients signing with the given key pair.
func ClientsWith(url, accessKeyID, secret string) (*ctl.Client, *bedrockagentcore.Client) {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(accessKeyID, secret, ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient:  NewSDKHTTPClient(), // see httpclient.go (a request-body race in the SDK on loopback)
	}
	c := ctl.NewFromConfig(cfg, func(o *ctl.Options) { o.BaseEndpoint = aws.String(url) })
	d := bedrockagentcore.NewFromConfig(cfg, func(o *bedrockagentcore.Options) { o.BaseEndpoint = aws.String(url) })
	return c, d
}

var (
	buildMu    sync.Mutex
	buildCache = map[string]string{}
)

// RepoRoot finds the module root from this source file.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// BuildGo builds the main package at pkg (relative to the repo root) into
// a static binary once per test process and returns its path.
func BuildGo(t testing.TB, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := buildCache[pkg]; ok {
		return p
	}
	dir, err := os.MkdirTemp("", "agentcore-build")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "bootstrap")
	cmd := exec.Command("go", "build", "-o", out, "./"+pkg)
	cmd.Dir = RepoRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	buildCache[pkg] = out
	return out
}

// Zip packs files (name → content, with executable mode for names in exec).
func Zip(t testing.TB, files map[string][]byte, exec ...string) []byte {
	t.Helper()
	isExec := map[string]bool{}
	for _, n := range exec {
		isExec[n] = true
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o644)
		if isExec[name] {
			h.SetMode(0o755)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ZipDir packs a directory tree.
func ZipDir(t testing.TB, dir string) []byte {
	t.Helper()
	files := map[string][]byte{}
	var execs []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		if info.Mode()&0o111 != 0 {
			execs = append(execs, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return Zip(t, files, execs...)
}

// Upload puts an artifact through the /_agentcore/artifacts extension.
func (e *Env) Upload(t testing.TB, bucket, key string, data []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, e.URL+"/_agentcore/artifacts/"+bucket+"/"+key, bytes.NewReader(data))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("upload: %d %s", resp.StatusCode, b)
	}
}

// TestAgentZip uploads the Go test agent (internal/testagent) and returns
// its artifact location.
func (e *Env) TestAgentZip(t testing.TB) *ctltypes.S3Location {
	t.Helper()
	bin, err := os.ReadFile(BuildGo(t, "internal/testagent"))
	if err != nil {
		t.Fatal(err)
	}
	key := fmt.Sprintf("testagent-%d.zip", time.Now().UnixNano())
	e.Upload(t, "agents", key, Zip(t, map[string][]byte{"bootstrap": bin}, "bootstrap"))
	return &ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)}
}

// CodeArtifact builds the artifact union for a zip in the store.
func CodeArtifact(loc *ctltypes.S3Location, rt ctltypes.AgentManagedRuntimeType, entry ...string) ctltypes.AgentRuntimeArtifact {
	return &ctltypes.AgentRuntimeArtifactMemberCodeConfiguration{Value: ctltypes.CodeConfiguration{
		Code: &ctltypes.CodeMemberS3{Value: *loc}, Runtime: rt, EntryPoint: entry,
	}}
}

// RoleArn is a syntactically valid execution role.
const RoleArn = "arn:aws:iam::123456789012:role/AgentRuntimeRole"

// Deploy creates a runtime running the Go test agent and waits until READY.
func (e *Env) Deploy(t testing.TB, name string, mod func(*ctl.CreateAgentRuntimeInput)) *ctl.CreateAgentRuntimeOutput {
	t.Helper()
	in := &ctl.CreateAgentRuntimeInput{
		AgentRuntimeName:     aws.String(name),
		AgentRuntimeArtifact: CodeArtifact(e.TestAgentZip(t), ctltypes.AgentManagedRuntimeTypePython312, "bootstrap"),
		RoleArn:              aws.String(RoleArn),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
	}
	if mod != nil {
		mod(in)
	}
	out, err := e.Control.CreateAgentRuntime(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateAgentRuntime: %v", err)
	}
	e.WaitReady(t, *out.AgentRuntimeId, 3*time.Minute)
	return out
}

// WaitReady polls GetAgentRuntime until READY (fails on a *_FAILED status).
func (e *Env) WaitReady(t testing.TB, id string, limit time.Duration) *ctl.GetAgentRuntimeOutput {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		out, err := e.Control.GetAgentRuntime(context.Background(), &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
		if err != nil {
			t.Fatalf("GetAgentRuntime: %v", err)
		}
		switch out.Status {
		case ctltypes.AgentRuntimeStatusReady:
			return out
		case ctltypes.AgentRuntimeStatusCreateFailed, ctltypes.AgentRuntimeStatusUpdateFailed:
			t.Fatalf("runtime %s: %s: %s", id, out.Status, aws.ToString(out.FailureReason))
		}
		if time.Now().After(deadline) {
			t.Fatalf("runtime %s not READY after %s (status %s)", id, limit, out.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Sign signs a hand-made request with the test credentials (SigV4, service
// bedrock-agentcore, us-east-1), hashing body.
func Sign(req *http.Request, body []byte) { SignAs(req, body, AccessKeyID, SecretAccessKey) }

// SignAs signs req with another access key.
func SignAs(req *http.Request, body []byte, keyID, secret string) {
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "bedrock-agentcore", "us-east-1", time.Now()); err != nil {
		panic(err)
	}
}

// PythonRuntime is the managed runtime of this machine's python3
// (PYTHON_3_X; PYTHON_3_12 when python3 is missing or out of range): a
// server runs a PYTHON_3_X Python agent with python3.X only.
func PythonRuntime() ctltypes.AgentManagedRuntimeType { return pythonRuntime() }

var pythonRuntime = sync.OnceValue(func() ctltypes.AgentManagedRuntimeType {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.version_info[1])").Output()
	if err != nil {
		return ctltypes.AgentManagedRuntimeTypePython312
	}
	minor, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || minor < 10 || minor > 14 {
		return ctltypes.AgentManagedRuntimeTypePython312
	}
	return ctltypes.AgentManagedRuntimeType("PYTHON_3_" + strconv.Itoa(minor))
})
