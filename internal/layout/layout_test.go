// Package layout holds tests of the codebase's shape: services stay free of
// HTTP and of concrete storage, and no file grows past 1,000 lines.
package layout

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var services = []string{"runtime", "idempotency", "tagging", "sandbox", "store", "artifact", "observability", "memory", "embed", "model", "identity", "vault"}

func TestServicesHaveNoHTTPOrConcreteStores(t *testing.T) {
	for _, svc := range services {
		out, err := exec.Command("go", "list", "-deps", "github.com/agentcore-dev/agentcore/internal/"+svc).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", svc, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			switch {
			case dep == "net/http":
				t.Errorf("internal/%s imports net/http; HTTP belongs in internal/httpapi or an implementation package", svc)
			case strings.Contains(dep, "/internal/store/sqlite"), strings.Contains(dep, "/internal/store/postgres"):
				t.Errorf("internal/%s imports %s; services use the store interface", svc, dep)
			}
		}
	}
}

func TestFileSizes(t *testing.T) {
	root := filepath.Join("..", "..")
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() && (info.Name() == "node_modules" || strings.HasPrefix(info.Name(), ".")) && p != root {
			if info != nil && info.IsDir() {
				return filepath.SkipDir
			}
			return err
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		n := 0
		for sc := bufio.NewScanner(f); sc.Scan(); {
			n++
		}
		if n > 1000 {
			t.Errorf("%s has %d lines (limit 1000)", p, n)
		}
		return nil
	})
}

// envReaders are the only places outside internal/config that read the
// process environment: the CLI's client side (AWS endpoint and region
// discovery), code that runs inside sessions (SDK, examples, test agents,
// sandbox init helpers) and test infrastructure.
var envReaders = []string{
	"internal/config/", "cmd/agentcore/cli", "sdk/", "examples/", "internal/testagent/", "internal/testenv/",
	"internal/sandbox/sandboxtest/", "internal/sandbox/linuxns/nsinit/",
	"gateway_mcp_fast.go", // AGENTCORE_GATEWAY_FAST_PATH: config.DisableGatewayFastPath → httpapi.Config.GatewayFastPath once wired
}

// TestEnvironmentReadOnlyInConfig: services get settings injected; the
// environment is read in internal/config.
func TestEnvironmentReadOnlyInConfig(t *testing.T) {
	root := filepath.Join("..", "..")
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() && p != root && (info.Name() == "node_modules" || info.Name() == "testdata" || strings.HasPrefix(info.Name(), ".")) {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if info.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		for _, ok := range envReaders {
			if strings.HasPrefix(rel, ok) || strings.HasSuffix(rel, ok) {
				return nil
			}
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, call := range []string{"os.Getenv(", "os.LookupEnv(", "os.Environ("} {
				if strings.Contains(line, call) {
					t.Errorf("%s:%d reads the environment (%s); declare a setting in internal/config and inject it", rel, i+1, strings.TrimSuffix(call, "("))
				}
			}
		}
		return nil
	})
}
