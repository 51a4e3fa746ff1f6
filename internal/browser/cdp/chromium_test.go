package cdp_test

import (
	"testing"

	"github.com/agentcore-dev/agentcore/internal/browser/cdp/cdptest"
	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// startChromium starts a Chromium session (cdptest.StartChromium).
func startChromium(t *testing.T, width, height int) runtime.AgentConn {
	t.Helper()
	conn, _ := cdptest.StartChromium(t, width, height)
	return conn
}
