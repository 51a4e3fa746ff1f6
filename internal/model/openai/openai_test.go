package openai

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/model"
)

// TestConformance checks the provider against a server speaking the
// OpenAI chat completions protocol: request shape, answer, usage, errors.
func TestConformance(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Method != "POST" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") != "Bearer sk-test" {
			w.WriteHeader(401)
			w.Write([]byte(`{"error":{"message":"bad key"}}`))
			return
		}
		var req chatRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			w.WriteHeader(400)
			return
		}
		if req.Model == "no-json-mode" && req.ResponseFormat != nil {
			w.WriteHeader(400)
			w.Write([]byte(`{"error":{"message":"response_format is not supported"}}`))
			return
		}
		if req.Model == "boom" {
			w.WriteHeader(500)
			w.Write([]byte(`{"error":{"message":"exploded"}}`))
			return
		}
		last := req.Messages[len(req.Messages)-1].Content
		json.NewEncoder(w).Encode(map[string]any{"model": req.Model, "choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": "echo:" + last + ":" + req.ResponseFormat["type"]}}},
			"usage": map[string]any{"prompt_tokens": 3, "completion_tokens": 2}})
	}))
	defer srv.Close()
	p := New(srv.URL, "sk-test", "default-model")
	resp, err := p.Chat(context.Background(), model.Request{Messages: []model.Message{{Role: "system", Content: "s"}, {Role: "user", Content: "hi"}}, JSON: true})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "echo:hi:json_object" || resp.Model != "default-model" || resp.InputTokens != 3 || resp.OutputTokens != 2 {
		t.Fatalf("%+v", resp)
	}
	if _, err := p.Chat(context.Background(), model.Request{Model: "boom", Messages: []model.Message{{Role: "user", Content: "x"}}}); err == nil || !strings.Contains(err.Error(), "exploded") {
		t.Fatalf("want model error, got %v", err)
	}
	if resp, err := p.Chat(context.Background(), model.Request{Model: "no-json-mode", JSON: true, Messages: []model.Message{{Role: "user", Content: "x"}}}); err != nil || resp.Text != "echo:x:" {
		t.Fatalf("fallback without response_format: %+v %v", resp, err)
	}
	if _, err := New(srv.URL+"/v1/", "wrong", "m").Chat(context.Background(), model.Request{Messages: []model.Message{{Role: "user", Content: "x"}}}); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("want 401, got %v", err)
	}
	if _, err := (model.Unconfigured{}).Chat(context.Background(), model.Request{}); err != model.ErrNotConfigured {
		t.Fatal(err)
	}
}
