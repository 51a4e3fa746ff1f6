package cdp_test

import (
	"github.com/agentcore-dev/agentcore/internal/agentclient"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/browser/cdp/cdptest"
	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// startChromium starts a Chromium session (cdptest.StartChromium).
func startChromium(t *testing.T, width, height int) runtime.AgentConn {
	t.Helper()
	conn, _ := cdptest.StartChromium(t, agentclient.Connect, width, height)
	return conn
}
