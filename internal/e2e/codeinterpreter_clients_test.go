package e2e

import (
	"os"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestClientsCodeInterpreter runs tests/python/test_code_interpreter_sdk.py
// (the bedrock-agentcore SDK's CodeInterpreter and code_session, boto3's
// bedrock-agentcore and bedrock-agentcore-control clients) and
// tests/python/test_code_interpreter_strands.py (a Strands agent with
// strands_tools' AgentCoreCodeInterpreter and a scripted model) against a
// real server. With AGENTCORE_TEST_CI_ENV (.ci/run builds it with
// `agentcore code-interpreter setup`) the sessions get numpy, pandas and
// matplotlib and the data-library scenario runs too.
func TestClientsCodeInterpreter(t *testing.T) {
	t.Parallel()
	py := pythonWith(t, "bedrock_agentcore.tools.code_interpreter_client, boto3, pytest")
	cfg := testenv.Fast()
	cfg.CodeInterpreterEnv = os.Getenv("AGENTCORE_TEST_CI_ENV")
	e := testenv.Start(t, cfg)
	env := append(clientEnv(e.URL), "AGENTCORE_TEST_CODE_INTERPRETER=1")
	runSuite(t, env, 5*time.Minute, py, "-m", "pytest", "-q", "-rs",
		"tests/python/test_code_interpreter_sdk.py", "tests/python/test_code_interpreter_strands.py")
}
