package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/document"
	dtypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// judgeServer is an OpenAI-compatible /v1/chat/completions server standing
// in for the judge model: answer decides each reply (text, delay) from the
// model name and the user prompt; it reports token usage 100/20.
type judgeServer struct {
	*httptest.Server
	mu      sync.Mutex
	answer  func(model, prompt string) (string, time.Duration)
	prompts []string
	models  []string
}

func startJudge(t testing.TB, answer func(model, prompt string) (string, time.Duration)) *judgeServer {
	j := &judgeServer{answer: answer}
	j.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		var req struct {
			Model    string                           `json:"model"`
			Messages []struct{ Role, Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		p := req.Messages[len(req.Messages)-1].Content
		j.mu.Lock()
		j.prompts, j.models = append(j.prompts, p), append(j.models, req.Model)
		fn := j.answer
		j.mu.Unlock()
		text, delay := fn(req.Model, p)
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": "c1", "object": "chat.completion", "model": req.Model,
			"usage":   map[string]any{"prompt_tokens": 100, "completion_tokens": 20},
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": text}}}})
	}))
	t.Cleanup(j.Close)
	return j
}

func (j *judgeServer) set(answer func(model, prompt string) (string, time.Duration)) {
	j.mu.Lock()
	j.answer = answer
	j.mu.Unlock()
}

func (j *judgeServer) seen() ([]string, []string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.prompts...), append([]string(nil), j.models...)
}

// labelAnswer answers every judge call with label.
func labelAnswer(label string) func(string, string) (string, time.Duration) {
	return func(string, string) (string, time.Duration) {
		return `{"explanation": "scripted", "label": "` + label + `"}`, 0
	}
}

const evalOtherKeyID, evalOtherSecret = "AKIDEVALOTHER", "eval-other-secret"

// startEvalEnv runs a server whose model provider is the judge server.
func startEvalEnv(t *testing.T, j *judgeServer, timeout time.Duration) *testenv.Env {
	cfg := testenv.Fast()
	cfg.ModelEndpoint, cfg.Model, cfg.ModelAPIKey = j.URL+"/v1", "judge-default", "sk-test"
	cfg.EvalJudgeTimeout, cfg.EvalJudgeRetries = timeout, 1
	cfg.EvalJudgeModelMap = "mapped.model-v1=local-judge"
	cfg.Credentials = []sigv4.Credential{
		{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey, Account: "123456789012"},
		{AccessKeyID: evalOtherKeyID, SecretAccessKey: evalOtherSecret, Account: "210987654321"},
	}
	return testenv.Start(t, cfg)
}

// Trace and span ids of internal/evaluation/testdata/strands_session.json.
const (
	evalSession = "sess-eval-1"
	evalT1      = "11111111111111111111111111111111"
	evalT2      = "22222222222222222222222222222222"
	evalTool1   = "a000000000000001"
	evalTool2   = "b000000000000001"
	evalTool3   = "b000000000000002"
)

// strandsDocs reads the Strands-shaped session fixture.
func strandsDocs(t testing.TB) []map[string]any {
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "internal/evaluation/testdata/strands_session.json"))
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := json.Unmarshal(b, &docs); err != nil {
		t.Fatal(err)
	}
	return docs
}

func sessionSpans(docs []map[string]any) *dtypes.EvaluationInputMemberSessionSpans {
	v := make([]document.Interface, len(docs))
	for i, d := range docs {
		v[i] = document.NewLazyDocument(d)
	}
	return &dtypes.EvaluationInputMemberSessionSpans{Value: v}
}

func spanCtx(c dtypes.Context) dtypes.SpanContext {
	if sc, ok := c.(*dtypes.ContextMemberSpanContext); ok {
		return sc.Value
	}
	return dtypes.SpanContext{}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
