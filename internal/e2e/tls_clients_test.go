package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/agentcore-dev/agentcore/internal/tlsca"
)

// startTLS starts a server with an HTTPS listener (a certificate from its
// local CA) and returns the client environment of the one-time set-up
// `agentcore certs` prints: the bedrock-agentcore SDK's endpoints on
// https://agentcore.local.amazonaws.com:<port>, boto3's data-plane endpoint
// there too, and the CA in AWS_CA_BUNDLE, SSL_CERT_FILE and
// NODE_EXTRA_CA_CERTS. runWithHosts supplies the hosts entry.
func startTLS(t *testing.T, cfg server.Config) (*testenv.Env, []string) {
	t.Helper()
	cfg.TLSListen = "127.0.0.1:0"
	e := testenv.Start(t, cfg)
	endpoint := e.TLSEndpoint(tlsca.LocalHost)
	env := append(clientEnv(e.URL),
		"BEDROCK_AGENTCORE_DP_ENDPOINT="+endpoint,
		"BEDROCK_AGENTCORE_CP_ENDPOINT="+endpoint,
		"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE="+endpoint,
		"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL="+endpoint,
		"AGENTCORE_TEST_TLS_ENDPOINT="+endpoint,
		"AWS_CA_BUNDLE="+e.CAFile,
		"SSL_CERT_FILE="+e.CAFile,
		"NODE_EXTRA_CA_CERTS="+e.CAFile,
	)
	return e, env
}

// runWithHosts is runSuite with agentcore.local.amazonaws.com resolving to
// 127.0.0.1 for the command only (testenv.WithHosts: its own mount
// namespace and /etc/hosts; skips when that is not permitted).
func runWithHosts(t *testing.T, env []string, limit time.Duration, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = testenv.RepoRoot()
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	testenv.WithHosts(t, cmd, map[string]string{tlsca.LocalHost: "127.0.0.1"})
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v (after %s)\n%s", name, strings.Join(args, " "), err, time.Since(start).Round(time.Millisecond), out)
	}
	t.Logf("%s %s: ok in %s\n%s", name, strings.Join(args, " "), time.Since(start).Round(time.Millisecond), outputTail(out, 2000))
}

// TestClientsRuntimeWebSocketTLS runs tests/python/test_runtime_ws_sdk.py:
// the bedrock-agentcore SDK's AgentCoreRuntimeClient WebSocket helpers
// (generate_ws_connection, generate_presigned_url), unmodified, against the
// Go test agent's /ws through the HTTPS listener.
func TestClientsRuntimeWebSocketTLS(t *testing.T) {
	t.Parallel()
	py := pythonWith(t, "bedrock_agentcore.runtime, websockets, pytest")
	e, env := startTLS(t, testenv.Fast())
	out := e.Deploy(t, "sdkwstls", nil)
	env = append(env, "AGENTCORE_TEST_WS_RUNTIME_ARN="+*out.AgentRuntimeArn)
	runWithHosts(t, env, 3*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python/test_runtime_ws_sdk.py")
}
