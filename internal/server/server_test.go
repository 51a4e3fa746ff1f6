package server_test

import (
	"context"
	"encoding/base64"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
)

var bg = context.Background()

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestStartValidates: a bad setting is a field error before anything opens.
func TestStartValidates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	_, err := server.Start(bg, server.Config{Config: config.Config{Listen: "nope", DataDir: dir, Database: "mysql://x"}})
	if err == nil || !strings.Contains(err.Error(), "config: --listen: ") || !strings.Contains(err.Error(), "config: --database: ") {
		t.Fatalf("want field errors for --listen and --database, got %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("a rejected config created the data dir: %v", err)
	}
}

// TestFailedStartClosesWhatItOpened: a step failing after the listener and
// the store opened (the OTLP/gRPC address is taken) closes them: the API
// address is free again and a server starts on the same data dir.
func TestFailedStartClosesWhatItOpened(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg := server.Config{Config: config.Config{Listen: freeAddr(t), DataDir: t.TempDir(), Sandbox: "process", OTLPGRPCListen: busy.Addr().String()}}
	if _, err := server.Start(bg, cfg); err == nil || !strings.Contains(err.Error(), "OTLP/gRPC listener") {
		t.Fatalf("want the OTLP/gRPC listener error, got %v", err)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		t.Fatalf("the failed start left %s open: %v", cfg.Listen, err)
	}
	ln.Close()
	cfg.OTLPGRPCListen = ""
	srv, err := server.Start(bg, cfg)
	if err != nil {
		t.Fatalf("start after a failed start: %v", err)
	}
	if err := srv.Close(bg); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := srv.Close(bg); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if ln, err := net.Listen("tcp", cfg.Listen); err != nil {
		t.Fatalf("close left %s open: %v", cfg.Listen, err)
	} else {
		ln.Close()
	}
}

// TestInjectedKeys: the vault and Memory master keys come from the
// configuration (AGENTCORE_VAULT_KEY, AGENTCORE_MEMORY_MASTER_KEY), so no
// key file is created in the data dir; without them both files are.
func TestInjectedKeys(t *testing.T) {
	files := func(c config.Config) []string {
		c.Listen, c.DataDir, c.Sandbox = "127.0.0.1:0", t.TempDir(), "process"
		srv, err := server.Start(bg, server.Config{Config: c})
		if err != nil {
			t.Fatal(err)
		}
		srv.Close(bg)
		var out []string
		for _, f := range []string{"vault.key", "memory-master.key"} {
			if _, err := os.Stat(filepath.Join(c.DataDir, f)); err == nil {
				out = append(out, f)
			}
		}
		return out
	}
	if got := files(config.Config{}); len(got) != 2 {
		t.Fatalf("without keys: key files %v, want vault.key and memory-master.key", got)
	}
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	if got := files(config.Config{VaultKey: key, MemoryMasterKey: strings.Repeat("0f", 32)}); len(got) != 0 {
		t.Fatalf("with injected keys: key files %v were created", got)
	}
}

// TestCredentialsNeedIsolation: a server that serves accounts from
// credentials refuses the process driver (no isolation: an agent would be a
// loopback peer of the server and reach other accounts' artifacts) unless
// --allow-unisolated says so (issue 20 point 6).
func TestCredentialsNeedIsolation(t *testing.T) {
	creds := []sigv4.Credential{{AccessKeyID: "AKIDISOLATIONTEST01", SecretAccessKey: "secret", Account: "111122223333"}}
	cfg := server.Config{Config: config.Config{Listen: freeAddr(t), DataDir: t.TempDir(), Sandbox: "process"}, Credentials: creds}
	if _, err := server.Start(bg, cfg); err == nil || !strings.Contains(err.Error(), "--allow-unisolated") {
		t.Fatalf("want a refusal naming --allow-unisolated, got %v", err)
	}
	cfg.AllowUnisolated = true
	srv, err := server.Start(bg, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Close(bg)
}

// TestRunscSetting: --runsc reaches the gvisor driver, which tries that
// binary first (here a broken one, with no runsc in PATH to fall back to,
// so the start fails naming it).
func TestRunscSetting(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the gvisor driver needs root")
	}
	nft, err := exec.LookPath("nft")
	if err != nil {
		t.Skip("no nft: the gvisor driver is not available here")
	}
	bin := t.TempDir()
	fake := filepath.Join(bin, "runsc-broken")
	script := "#!/bin/sh\ncase \"$1\" in --version) echo 'runsc version broken';; flags) ;; *) exit 3;; esac\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(nft, filepath.Join(bin, "nft")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	cfg := server.Config{Config: config.Config{Listen: freeAddr(t), DataDir: t.TempDir(), Sandbox: "gvisor", Runsc: fake}}
	srv, err := server.Start(bg, cfg)
	if err == nil {
		srv.Close(bg)
		t.Fatal("server started with a broken runsc and none in PATH")
	}
	if strings.Contains(err.Error(), "cgroup controller") {
		t.Skipf("the gvisor driver is not available here: %v", err)
	}
	if !strings.Contains(err.Error(), fake+" --platform=ptrace") {
		t.Fatalf("want an error naming %s, got %v", fake, err)
	}
}

// TestReplicasNeedOneVaultKey: a second server on the database of a first
// refuses to start with a token vault key of its own (it could not read
// the secrets the first sealed), and starts with the same key.
func TestReplicasNeedOneVaultKey(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "shared.db")
	start := func(vaultKey string) (*server.Server, error) {
		return server.Start(bg, server.Config{Config: config.Config{Listen: "127.0.0.1:0", DataDir: t.TempDir(), Sandbox: "process",
			Database: db, VaultKey: vaultKey, MemoryMasterKey: strings.Repeat("0f", 32)}})
	}
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	a, err := start(key)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(bg)
	if b, err := start(""); err == nil || !strings.Contains(err.Error(), "AGENTCORE_VAULT_KEY") {
		if b != nil {
			b.Close(bg)
		}
		t.Fatalf("a replica with its own vault key: %v", err)
	}
	b, err := start(key)
	if err != nil {
		t.Fatalf("a replica with the same vault key: %v", err)
	}
	b.Close(bg)
}
