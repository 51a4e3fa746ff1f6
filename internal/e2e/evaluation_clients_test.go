package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestClientsEvaluation runs tests/python/test_evaluation_sdk.py (boto3's
// bedrock-agentcore evaluate and the bedrock-agentcore SDK's
// EvaluationClient) against a real server whose judge is a scripted
// OpenAI-compatible model: it answers with the label the prompt's scale
// offers ("Very helpful", "Yes", or else "Good").
func TestClientsEvaluation(t *testing.T) {
	t.Parallel()
	py := pythonWith(t, "bedrock_agentcore.evaluation, boto3, pytest")
	judge := scriptedJudge(t, nil)
	cfg := testenv.Fast()
	cfg.ModelEndpoint, cfg.Model = judge.URL+"/v1", "judge"
	e := testenv.Start(t, cfg)
	env := append(clientEnv(e.URL), "AGENTCORE_TEST_EVAL_JUDGE=1")
	runSuite(t, env, 3*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python/test_evaluation_sdk.py")
}

// scriptedJudge is an OpenAI-compatible judge model that answers with the
// label the prompt's scale offers ("Very helpful", "Yes", or else "Good");
// prompts, when not nil, receives every prompt it judged.
func scriptedJudge(t *testing.T, prompts chan<- string) *httptest.Server {
	judge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Role, Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		if len(req.Messages) == 0 {
			http.Error(w, "no messages", http.StatusBadRequest)
			return
		}
		p := req.Messages[len(req.Messages)-1].Content
		if prompts != nil {
			select {
			case prompts <- p:
			default:
			}
		}
		label := "Good"
		for _, l := range []string{"Very helpful", "Yes"} {
			if strings.Contains(p, `"`+l+`"`) {
				label = l
				break
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"model": "judge", "usage": map[string]any{"prompt_tokens": 50, "completion_tokens": 10},
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": `{"explanation": "scripted", "label": "` + label + `"}`}}}})
	}))
	t.Cleanup(judge.Close)
	return judge
}

// TestClientsEvaluationDatasets runs tests/python/test_evaluation_datasets.py
// (the bedrock-agentcore SDK's DatasetClient and its *_and_wait helpers,
// plain boto3 bedrock-agentcore-control) against a real server.
func TestClientsEvaluationDatasets(t *testing.T) {
	t.Parallel()
	py := pythonWith(t, "bedrock_agentcore.evaluation.dataset_client, boto3, pytest")
	e := testenv.Start(t, testenv.Fast())
	runSuite(t, clientEnv(e.URL), 3*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python/test_evaluation_datasets.py")
}
