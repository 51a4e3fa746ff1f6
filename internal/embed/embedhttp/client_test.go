package embedhttp

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestClientEmbedsOverOpenAIProtocol(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/embeddings" || r.Header.Get("Authorization") != "Bearer k" {
			http.Error(w, `{"error":{"message":"bad"}}`, 400)
			return
		}
		var req request
		json.NewDecoder(r.Body).Decode(&req)
		type item struct {
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		var data []item
		for i := len(req.Input) - 1; i >= 0; i-- { // out of order on purpose
			data = append(data, item{Index: i, Embedding: []float32{float32(len(req.Input[i])), 0, 0}})
		}
		json.NewEncoder(w).Encode(map[string]any{"data": data})
	}))
	defer srv.Close()
	c := New(srv.URL, "k", "m")
	v, err := c.Embed(context.Background(), []string{"a", "bb"})
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 2 || math.Abs(float64(v[1][0])-1) > 1e-6 || c.Dimensions() != 3 {
		t.Fatalf("got %v dim %d", v, c.Dimensions())
	}
	bad := New(srv.URL+"/v1", "wrong", "m")
	if _, err := bad.Embed(context.Background(), []string{"x"}); err == nil {
		t.Fatal("expected error")
	}
}
