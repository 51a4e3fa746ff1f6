package bedrock

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/model"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

func TestConformance(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKID/") || !strings.Contains(auth, "/us-west-2/bedrock/aws4_request") {
			w.WriteHeader(403)
			w.Write([]byte(`{"message":"signature"}`))
			return
		}
		if r.URL.EscapedPath() != "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse" {
			w.WriteHeader(404)
			w.Write([]byte(`{"message":"path ` + r.URL.EscapedPath() + `"}`))
			return
		}
		var req struct {
			System   []struct{ Text string }
			Messages []struct {
				Role    string
				Content []struct{ Text string }
			}
		}
		json.NewDecoder(r.Body).Decode(&req)
		json.NewEncoder(w).Encode(map[string]any{"output": map[string]any{"message": map[string]any{"role": "assistant",
			"content": []any{map[string]any{"text": req.System[0].Text + "|" + req.Messages[0].Content[0].Text}}}},
			"usage": map[string]any{"inputTokens": 4, "outputTokens": 2}, "stopReason": "end_turn"})
	}))
	defer srv.Close()
	p := New(srv.URL, "us-west-2", "anthropic.claude-3-haiku-20240307-v1:0", credentials.NewStaticCredentialsProvider("AKID", "secret", ""))
	resp, err := p.Chat(context.Background(), model.Request{Messages: []model.Message{{Role: "system", Content: "S"}, {Role: "user", Content: "U"}}})
	if err != nil || resp.Text != "S|U" || resp.InputTokens != 4 {
		t.Fatalf("%+v %v", resp, err)
	}
	if _, err := p.Chat(context.Background(), model.Request{Model: "other", Messages: []model.Message{{Role: "user", Content: "U"}}}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatal(err)
	}
}
