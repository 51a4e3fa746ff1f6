package anthropic

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/model"
)

func TestConformance(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/messages" || r.Header.Get("x-api-key") != "k" || r.Header.Get("anthropic-version") == "" {
			w.WriteHeader(401)
			w.Write([]byte(`{"type":"error","error":{"type":"authentication_error","message":"bad key"}}`))
			return
		}
		var req struct {
			Model    string `json:"model"`
			System   string `json:"system"`
			Messages []struct{ Role, Content string }
		}
		json.NewDecoder(r.Body).Decode(&req)
		json.NewEncoder(w).Encode(map[string]any{"model": req.Model, "content": []any{map[string]any{"type": "text", "text": req.System + "|" + req.Messages[0].Content}},
			"usage": map[string]any{"input_tokens": 5, "output_tokens": 1}})
	}))
	defer srv.Close()
	resp, err := New(srv.URL, "k", "claude").Chat(context.Background(), model.Request{Messages: []model.Message{{Role: "system", Content: "S"}, {Role: "user", Content: "U"}}})
	if err != nil || resp.Text != "S|U" || resp.Model != "claude" || resp.InputTokens != 5 {
		t.Fatalf("%+v %v", resp, err)
	}
	if _, err := New(srv.URL, "bad", "claude").Chat(context.Background(), model.Request{Messages: []model.Message{{Role: "user", Content: "U"}}}); err == nil || !strings.Contains(err.Error(), "bad key") {
		t.Fatal(err)
	}
}
