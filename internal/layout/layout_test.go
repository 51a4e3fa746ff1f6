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
