// Package embedhttp is an embed.Embedder backed by an OpenAI-compatible
// /v1/embeddings endpoint (OpenAI, Ollama, vLLM, LiteLLM proxies). It lives
// apart from package embed so services can use the interface without
// importing net/http.
package embedhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/embed"
)

// Client calls POST {BaseURL}/embeddings (BaseURL usually ends in /v1).
type Client struct {
	BaseURL string
	APIKey  string
	Model   string
	HTTP    *http.Client

	mu  sync.Mutex
	dim int
}

// New returns a client for baseURL (e.g. http://127.0.0.1:11434/v1) and model.
// A baseURL without a /v1 suffix gets one appended.
func New(baseURL, apiKey, model string) *Client {
	b := strings.TrimRight(baseURL, "/")
	if !strings.HasSuffix(b, "/v1") {
		b += "/v1"
	}
	return &Client{BaseURL: b, APIKey: apiKey, Model: model, HTTP: &http.Client{Timeout: 60 * time.Second}}
}

// Name identifies the provider model.
func (c *Client) Name() string { return "openai:" + c.Model }

// Dimensions reports the vector size seen on the last call (probing the
// endpoint once when nothing has been embedded yet).
func (c *Client) Dimensions() int {
	c.mu.Lock()
	d := c.dim
	c.mu.Unlock()
	if d == 0 {
		if v, err := c.Embed(context.Background(), []string{"dimension probe"}); err == nil && len(v) == 1 {
			return len(v[0])
		}
	}
	return d
}

type request struct {
	Model string   `json:"model"`
	Input []string `json:"input"`
}

type response struct {
	Data []struct {
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	} `json:"data"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// Embed returns L2-normalised vectors for texts, in order.
func (c *Client) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	body, _ := json.Marshal(request{Model: c.Model, Input: texts})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/embeddings", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("embeddings request: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("embeddings response: %w", err)
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("embeddings response (HTTP %d) is not JSON: %.200s", resp.StatusCode, raw)
	}
	if resp.StatusCode/100 != 2 || r.Error != nil {
		msg := fmt.Sprintf("%.200s", raw)
		if r.Error != nil {
			msg = r.Error.Message
		}
		return nil, fmt.Errorf("embeddings endpoint returned HTTP %d: %s", resp.StatusCode, msg)
	}
	if len(r.Data) != len(texts) {
		return nil, fmt.Errorf("embeddings endpoint returned %d vectors for %d inputs", len(r.Data), len(texts))
	}
	out := make([][]float32, len(texts))
	dim := 0
	for _, d := range r.Data {
		if d.Index < 0 || d.Index >= len(texts) || out[d.Index] != nil {
			return nil, fmt.Errorf("embeddings endpoint returned a bad index %d", d.Index)
		}
		if len(d.Embedding) == 0 || (dim != 0 && len(d.Embedding) != dim) {
			return nil, fmt.Errorf("embeddings endpoint returned vectors of inconsistent size")
		}
		dim = len(d.Embedding)
		v := append([]float32(nil), d.Embedding...)
		embed.Normalize(v)
		out[d.Index] = v
	}
	c.mu.Lock()
	c.dim = dim
	c.mu.Unlock()
	return out, nil
}

var _ embed.Embedder = (*Client)(nil)
