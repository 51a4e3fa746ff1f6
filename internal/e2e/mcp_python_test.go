package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// pythonWith returns python3 if it can import every module, else skips.
func pythonWith(t *testing.T, modules string) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	if out, err := exec.Command(py, "-c", "import "+modules).CombinedOutput(); err != nil {
		t.Skipf("python modules %s are missing (pip install -r tests/python/requirements.txt): %s", modules, out)
	}
	return py
}

// TestMCPPython deploys an MCPServer (official MCP Python SDK 2.x, FastMCP in
// 1.x, installed from PyPI at deploy; stateless, and stateful with its own
// Mcp-Session-Id)
// and the Go SDK server as MCP runtimes. The Python SDK
// client (tests/python/test_mcp_clients.py) talks to both; the Go SDK client
// talks to the FastMCP one.
func TestMCPPython(t *testing.T) {
	if testing.Short() {
		t.Skip("pip-installs mcp from PyPI")
	}
	py := pythonWith(t, "mcp, pytest")
	t.Parallel()
	e := testenv.Start(t, testenv.Fast())
	fast := deployProtocol(t, e, "fastmcp", testenv.ZipDir(t, filepath.Join(testenv.RepoRoot(), "examples", "mcp-python-agent")),
		"server.py", ctltypes.ServerProtocolMcp, nil)
	gosdk := deployProtocol(t, e, "mcpgo", goBinaryZip(t, "examples/mcp-go-agent"), "bootstrap", ctltypes.ServerProtocolMcp, nil)
	stateful := deployProtocol(t, e, "fastmcpstateful", testenv.ZipDir(t, filepath.Join(testenv.RepoRoot(), "examples", "mcp-python-agent")),
		"server.py", ctltypes.ServerProtocolMcp, map[string]string{"MCP_STATEFUL": "1"})

	t.Run("goClientToFastMCP", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		for _, version := range []string{"2025-11-25", "2025-06-18", "2025-03-26"} {
			t0 := time.Now()
			cs := mcpSession(t, ctx, invocationURL(e.URL, fast), nil, version, nil)
			exerciseMCP(t, ctx, cs, version)
			t.Logf("%s: cold session + initialize + list + 2 calls in %s", version, time.Since(t0).Round(time.Millisecond))
			a, b := callWhoami(t, ctx, cs), callWhoami(t, ctx, cs)
			if a.RuntimeSessionID == "" || b.RuntimeSessionID != a.RuntimeSessionID || b.PID != a.PID || b.Calls != a.Calls+1 {
				t.Fatalf("%s: not sticky: %+v then %+v", version, a, b)
			}
		}
		// MCPServer (mcp 2.x) speaks the stateless 2026-07-28 revision too:
		// no Mcp-Session-Id, so the runtime session header keeps the calls
		// in one session; the latest client negotiates it.
		session := testenv.SessionID("mcppy20260728")
		cs := mcpSession(t, ctx, invocationURL(e.URL, fast), http.Header{"X-Amzn-Bedrock-Agentcore-Runtime-Session-Id": {session}}, "", nil)
		exerciseMCP(t, ctx, cs, "2026-07-28")
		if a, b := callWhoami(t, ctx, cs), callWhoami(t, ctx, cs); a.RuntimeSessionID != session || b.PID != a.PID || b.Calls != a.Calls+1 {
			t.Fatalf("2026-07-28: calls did not stay in runtime session %s: %+v then %+v", session, a, b)
		}
	})

	// The documented client (docs/protocols.md shows its main verbatim), run as written.
	t.Run("exampleClient", func(t *testing.T) {
		py := pythonWith(t, "mcp, httpx2, boto3")
		file := filepath.Join(testenv.RepoRoot(), "examples", "mcp-python-agent", "client.py")
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "docs", "protocols.md"))
		if err != nil {
			t.Fatal(err)
		}
		_, block, _ := strings.Cut(string(doc), "## MCP (")
		_, block, _ = strings.Cut(block, "```python\n")
		block, _, _ = strings.Cut(block, "```")
		if block == "" || !strings.Contains(string(src), block) {
			t.Errorf("docs/protocols.md's MCP Python snippet is not in examples/mcp-python-agent/client.py:\n%s", block)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, py, file, fast)
		cmd.Env = append(clientEnv(e.URL), "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE="+e.URL)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("client.py: %v\n%s", err, out)
		}
		for _, want := range []string{"tools ['add', 'echo', 'whoami']", "add {'sum': 42.0}", "whoami {'runtimeSessionId': '"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("client.py output lacks %q:\n%s", want, out)
			}
		}
		t.Logf("client.py:\n%s", out)
	})

	t.Run("pythonClient", func(t *testing.T) {
		env := append(clientEnv(e.URL), "MCP_FASTMCP_ARN="+fast, "MCP_GO_ARN="+gosdk, "MCP_FASTMCP_STATEFUL_ARN="+stateful)
		runSuite(t, env, 3*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python/test_mcp_clients.py")
	})
}
