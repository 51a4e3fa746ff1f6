package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestMCPJS runs the official MCP TypeScript SDK client
// (tests/js/mcp.test.mjs) against the Go SDK MCP server, stateless and
// stateful, through the platform.
func TestMCPJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := filepath.Join(testenv.RepoRoot(), "tests", "js")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@modelcontextprotocol", "sdk")); err != nil {
		t.Skip("tests/js/node_modules lacks @modelcontextprotocol/sdk (cd tests/js && npm ci)")
	}
	t.Parallel()
	e := testenv.Start(t, testenv.Fast())
	zip := goBinaryZip(t, "examples/mcp-go-agent")
	stateless := deployProtocol(t, e, "mcpjs", zip, "bootstrap", ctltypes.ServerProtocolMcp, nil)
	stateful := deployProtocol(t, e, "mcpjsstateful", zip, "bootstrap", ctltypes.ServerProtocolMcp, map[string]string{"MCP_STATEFUL": "1"})
	env := append(clientEnv(e.URL), "MCP_GO_ARN="+stateless, "MCP_GO_STATEFUL_ARN="+stateful)
	runSuite(t, env, 2*time.Minute, node, "--test", "tests/js/mcp.test.mjs")
	noneInFlight(t, e)
}
