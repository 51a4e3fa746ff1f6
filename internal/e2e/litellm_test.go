package e2e

import (
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestLiteLLM runs litellm.completion(model="bedrock/agentcore/<arn>")
// against the platform (tests/python/test_litellm_agentcore.py), stream and
// non-stream, with the internet closed to it: no cost-map download and a
// dead proxy for everything but loopback.
func TestLiteLLM(t *testing.T) {
	py := pythonWith(t, "litellm, pytest")
	t.Parallel()
	e := testenv.Start(t, testenv.Fast())
	arn := deployChat(t, e, "chatlitellm", nil)
	sse := deployChat(t, e, "chatlitellmsse", map[string]string{"CHAT_STREAM": "always"})
	env := append(clientEnv(e.URL), "LITELLM_AGENT_ARN="+arn, "LITELLM_SSE_AGENT_ARN="+sse,
		"LITELLM_LOCAL_MODEL_COST_MAP=True", "LITELLM_TELEMETRY=False",
		"HTTP_PROXY=http://127.0.0.1:9", "HTTPS_PROXY=http://127.0.0.1:9", "http_proxy=http://127.0.0.1:9", "https_proxy=http://127.0.0.1:9",
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	runSuite(t, env, 4*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python/test_litellm_agentcore.py")
}
