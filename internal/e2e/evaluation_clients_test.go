package e2e

import (
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestClientsEvaluationDatasets runs tests/python/test_evaluation_datasets.py
// (the bedrock-agentcore SDK's DatasetClient and its *_and_wait helpers,
// plain boto3 bedrock-agentcore-control) against a real server.
func TestClientsEvaluationDatasets(t *testing.T) {
	t.Parallel()
	py := pythonWith(t, "bedrock_agentcore.evaluation.dataset_client, boto3, pytest")
	e := testenv.Start(t, testenv.Fast())
	runSuite(t, clientEnv(e.URL), 3*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python/test_evaluation_datasets.py")
}
