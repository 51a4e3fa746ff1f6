package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

var sdkFactRE = regexp.MustCompile(`(?:USER|user): FACT: ([^\n]+)`)

// factModel is a scripted OpenAI-compatible chat server: extraction returns
// every "FACT: ..." user line as a memory; consolidation ADDs what it is
// given.
func factModel(t *testing.T, seen *sync.Map) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model    string                           `json:"model"`
			Messages []struct{ Role, Content string } `json:"messages"`
		}
		if r.URL.Path != "/v1/chat/completions" || json.NewDecoder(r.Body).Decode(&req) != nil || len(req.Messages) < 2 {
			http.Error(w, `{"error":{"message":"bad request"}}`, 400)
			return
		}
		seen.Store(req.Model, req.Messages[0].Content)
		user := req.Messages[len(req.Messages)-1].Content
		if i := strings.Index(user, "Conversation:\n"); i >= 0 {
			user = user[i:] // earlier messages are context only
		}
		var out any
		if strings.Contains(req.Messages[0].Content, "TASK: CONSOLIDATE") {
			var fresh []string
			json.Unmarshal([]byte(user[strings.Index(user, "NEW: ")+5:]), &fresh)
			var ops []map[string]string
			for _, f := range fresh {
				ops = append(ops, map[string]string{"action": "ADD", "text": f})
			}
			out = map[string]any{"operations": ops}
		} else {
			var mems []map[string]string
			for _, m := range sdkFactRE.FindAllStringSubmatch(user, -1) {
				mems = append(mems, map[string]string{"content": m[1]})
			}
			out = map[string]any{"memories": mems}
		}
		b, _ := json.Marshal(out)
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": string(b)}}}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestClientsMemorySDK runs tests/python/test_memory_sdk.py: the real
// bedrock-agentcore MemoryClient and MemorySessionManager against a server
// whose extraction pipeline calls a scripted model.
func TestClientsMemorySDK(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	if out, err := exec.Command(py, "-c", "import bedrock_agentcore.memory, pytest").CombinedOutput(); err != nil {
		t.Skipf("bedrock-agentcore/pytest are not installed for %s (pip install -r tests/python/requirements.txt): %s", py, out)
	}
	var seen sync.Map
	m := factModel(t, &seen)
	cfg := testenv.Fast()
	cfg.ModelEndpoint, cfg.Model = m.URL+"/v1", "scripted"
	e := testenv.Start(t, cfg)
	env := append(clientEnv(e.URL), "AGENTCORE_TEST_MEMORY_MODEL=1")
	runSuite(t, env, 3*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python/test_memory_sdk.py")
	// The custom strategy's overrides reached the model.
	for model, prompt := range map[string]string{"custom-extract-model": "Focus on travel plans.", "scripted": "TASK: EXTRACT"} {
		v, ok := seen.Load(model)
		if !ok || !strings.Contains(v.(string), prompt) {
			t.Errorf("model %s: called=%v, system prompt lacks %q", model, ok, prompt)
		}
	}
}
