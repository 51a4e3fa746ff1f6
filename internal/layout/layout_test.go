// Package layout holds tests of the codebase's shape: services stay free of
// HTTP and of concrete storage, and no file grows past 1,000 lines.
package layout

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var services = []string{"runtime", "codeinterpreter", "browser", "toolsession", "idempotency", "tagging", "sandbox", "store", "artifact", "observability", "observability/insights", "evaluation/spans", "memory", "embed", "model", "identity", "vault", "evaluation"}

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

const httpapiPkg = "github.com/agentcore-dev/agentcore/internal/httpapi"

// reportOffenders fails the test with every offending file of internal/httpapi.
func reportOffenders(t *testing.T, offenders map[string][]string) {
	t.Helper()
	for f, what := range offenders {
		t.Errorf("internal/httpapi/%s: %s", f, strings.Join(what, ", "))
	}
}

// TestHTTPAPIHasNoProtocolDeps: internal/httpapi is the AWS edge only. No
// package it depends on, directly or not, is an MCP, A2A, CDP or OpenAI
// library; and no package under it imports OTLP protobuf or collector
// packages or agentcore's protocol servers (the OTLP/HTTP receiver, the
// gateway MCP server, the runtime data plane, the OpenAI front door: the
// server builds them and the edge mounts them on its route table through
// small interfaces). OTLP protobuf types are reachable through the telemetry and
// observability services, which store and export them, so that check is
// on httpapi's own imports.
func TestHTTPAPIHasNoProtocolDeps(t *testing.T) {
	transitive := []string{"github.com/modelcontextprotocol/", "github.com/a2aproject/", "github.com/openai/",
		"github.com/chromedp/", "github.com/mafredri/cdp"}
	direct := append([]string{"go.opentelemetry.io/proto/otlp/", "google.golang.org/genproto/googleapis/rpc/status",
		"github.com/agentcore-dev/agentcore/internal/observability/otlphttp", "github.com/agentcore-dev/agentcore/internal/otlpgrpc",
		"github.com/agentcore-dev/agentcore/internal/gateway/mcpserver",
		"github.com/agentcore-dev/agentcore/internal/runtime/invokehttp", "github.com/agentcore-dev/agentcore/internal/openaicompat",
		"github.com/agentcore-dev/agentcore/internal/agentclient"}, transitive...)
	out, err := exec.Command("go", "list", "-deps", httpapiPkg).Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, bad := range transitive {
			if strings.HasPrefix(dep, bad) {
				t.Errorf("internal/httpapi depends on %s (protocol code belongs next to what it serves)", dep)
			}
		}
	}
	// Direct imports, file by file (tests included).
	offenders := map[string][]string{}
	files, _ := filepath.Glob(filepath.Join("..", "httpapi", "*.go"))
	sub, _ := filepath.Glob(filepath.Join("..", "httpapi", "*", "*.go"))
	for _, f := range append(files, sub...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range importsOf(string(b)) {
			for _, bad := range direct {
				if strings.HasPrefix(imp, bad) {
					offenders[filepath.Base(f)] = append(offenders[filepath.Base(f)], imp)
				}
			}
		}
	}
	if len(files) == 0 {
		t.Fatal("no internal/httpapi files found")
	}
	reportOffenders(t, offenders)
}

// importsOf lists the import paths of a Go source file.
func importsOf(src string) []string {
	var out []string
	in := false
	for _, l := range strings.Split(src, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "import (":
			in = true
		case in && l == ")":
			return out
		case in || strings.HasPrefix(l, "import "):
			if i := strings.IndexByte(l, '"'); i >= 0 {
				if j := strings.IndexByte(l[i+1:], '"'); j >= 0 {
					out = append(out, l[i+1:i+1+j])
				}
			}
			if !in {
				return out
			}
		}
	}
	return out
}

// TestHTTPAPISpeaksNoProtocolWire: no file under internal/httpapi names the
// wire of MCP, A2A, the OpenAI API or OTLP (headers, JSON-RPC members, object
// types, media types, payload members). Protocol endpoints' paths may
// appear only as route-table entries (a `Path: "..."` line), where the edge
// mounts the owning package's handler, and in tests (which send requests
// there).
func TestHTTPAPISpeaksNoProtocolWire(t *testing.T) {
	wire := map[string][]string{
		"MCP":    {"Mcp-Session-Id", "Mcp-Protocol-Version", "Mcp-Method", "Mcp-Name", "jsonrpc", "tools/call", "tools/list", "notifications/"},
		"A2A":    {"A2A-Version", "message/send", "message/stream", "tasks/get", "agentCard"},
		"OpenAI": {"chat.completion", "/v1/chat/completions", "/v1/models", "finish_reason", "owned_by"},
		"OTLP":   {"x-protobuf", "resourceSpans", "resourceLogs", "resourceMetrics", "ExportTraceServiceRequest", "/v1/traces", "/v1/logs", "/v1/metrics"},
	}
	files, _ := filepath.Glob(filepath.Join("..", "httpapi", "*.go"))
	sub, _ := filepath.Glob(filepath.Join("..", "httpapi", "*", "*.go"))
	files = append(files, sub...)
	if len(files) == 0 {
		t.Fatal("no internal/httpapi files found")
	}
	for proto, names := range wire {
		t.Run(proto, func(t *testing.T) {
			offenders := map[string][]string{}
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				for n, line := range strings.Split(string(b), "\n") {
					test := strings.HasSuffix(f, "_test.go")
					if routeLine(line) {
						continue
					}
					for _, name := range names {
						if test && strings.HasPrefix(name, "/") {
							continue
						}
						if strings.Contains(line, name) {
							offenders[filepath.Base(f)] = append(offenders[filepath.Base(f)], fmt.Sprintf("line %d: %s", n+1, name))
						}
					}
				}
			}
			reportOffenders(t, offenders)
		})
	}
}

// routeLine reports a route-table entry.
func routeLine(line string) bool {
	l := strings.TrimSpace(line)
	return strings.HasPrefix(l, "{Method: ") && strings.Contains(l, `Path: "`)
}

// envReaders are the only places outside internal/config that read the
// process environment: the CLI's client side (AWS endpoint and region
// discovery), code that runs inside sessions (SDK, examples, test agents,
// sandbox init helpers) and test infrastructure.
var envReaders = []string{
	"internal/config/", "cmd/agentcore/cli", "sdk/", "examples/", "internal/testagent/", "internal/testenv/",
	"internal/sandbox/sandboxtest/", "internal/sandbox/linuxns/nsinit/",
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
