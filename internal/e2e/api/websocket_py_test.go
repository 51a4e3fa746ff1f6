package api_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestWebSocketPythonAgent deploys examples/python-ws-agent, whose /ws is
// served by the real bedrock-agentcore BedrockAgentCoreApp (@app.websocket),
// and drives it through the platform's WebSocket proxy with every auth form.
func TestWebSocketPythonAgent(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the pip install of bedrock-agentcore")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	e := testenv.Start(t, testenv.Fast())
	key := fmt.Sprintf("pyws-%d.zip", time.Now().UnixNano())
	e.Upload(t, "agents", key, testenv.ZipDir(t, filepath.Join(testenv.RepoRoot(), "examples", "python-ws-agent")))
	arn := deployZip(t, e, "pywsagent", key, "agent.py")
	ctx, cancel := context.WithTimeout(bg, 3*time.Minute)
	defer cancel()
	wsAgentCases(ctx, t, e, arn)
}
