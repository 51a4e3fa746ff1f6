package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
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

// TestMCPPython deploys a FastMCP server (official MCP Python SDK, installed
// from PyPI at deploy; stateless, and stateful with its own Mcp-Session-Id)
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
		// 2026-07-28 clients fall back to initialize with a 2025-11-25 server.
		cs := mcpSession(t, ctx, invocationURL(e.URL, fast), nil, "", nil)
		if v := cs.InitializeResult().ProtocolVersion; v != "2025-11-25" {
			t.Errorf("latest client negotiated %q with FastMCP", v)
		}
	})

	t.Run("pythonClient", func(t *testing.T) {
		env := append(clientEnv(e.URL), "MCP_FASTMCP_ARN="+fast, "MCP_GO_ARN="+gosdk, "MCP_FASTMCP_STATEFUL_ARN="+stateful)
		runSuite(t, env, 3*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python/test_mcp_clients.py")
	})
}
