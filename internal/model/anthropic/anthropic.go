// Package anthropic is a model.Provider for the Anthropic Messages API
// (POST {base}/v1/messages), over plain net/http JSON.
package anthropic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/model"
)

// Provider calls the Messages API.
type Provider struct {
	BaseURL string // e.g. https://api.anthropic.com
	APIKey  string
	Model   string
	HTTP    *http.Client
}

// New returns a provider; baseURL "" means https://api.anthropic.com.
func New(baseURL, apiKey, defaultModel string) *Provider {
	if baseURL == "" {
		baseURL = "https://api.anthropic.com"
	}
	b := strings.TrimSuffix(strings.TrimRight(baseURL, "/"), "/v1")
	return &Provider{BaseURL: b, APIKey: apiKey, Model: defaultModel, HTTP: &http.Client{Timeout: 5 * time.Minute}}
}

// Name identifies the provider.
func (p *Provider) Name() string { return "anthropic:" + p.BaseURL }

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Chat sends one Messages request; system messages become the system prompt.
func (p *Provider) Chat(ctx context.Context, req model.Request) (*model.Response, error) {
	m := req.Model
	if m == "" {
		m = p.Model
	}
	maxTok := req.MaxTokens
	if maxTok == 0 {
		maxTok = 4096
	}
	body := map[string]any{"model": m, "max_tokens": maxTok}
	var sys []string
	var msgs []message
	for _, msg := range req.Messages {
		if msg.Role == "system" {
			sys = append(sys, msg.Content)
			continue
		}
		msgs = append(msgs, message{Role: msg.Role, Content: msg.Content})
	}
	body["messages"] = msgs
	if len(sys) > 0 {
		body["system"] = strings.Join(sys, "\n\n")
	}
	if req.Temperature != nil {
		body["temperature"] = *req.Temperature
	}
	raw, _ := json.Marshal(body)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, p.BaseURL+"/v1/messages", bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("x-api-key", p.APIKey)
	hr.Header.Set("anthropic-version", "2023-06-01")
	resp, err := p.HTTP.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("anthropic request: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	var r struct {
		Model   string `json:"model"`
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
		Usage struct {
			InputTokens  int `json:"input_tokens"`
			OutputTokens int `json:"output_tokens"`
		} `json:"usage"`
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	jerr := json.Unmarshal(data, &r)
	if resp.StatusCode/100 != 2 {
		msg := fmt.Sprintf("%.300s", data)
		if jerr == nil && r.Error != nil {
			msg = r.Error.Message
		}
		return nil, fmt.Errorf("anthropic returned HTTP %d: %s", resp.StatusCode, msg)
	}
	if jerr != nil {
		return nil, fmt.Errorf("anthropic answered with non-JSON: %.200s", data)
	}
	var text strings.Builder
	for _, c := range r.Content {
		if c.Type == "text" {
			text.WriteString(c.Text)
		}
	}
	return &model.Response{Text: text.String(), Model: r.Model, InputTokens: r.Usage.InputTokens, OutputTokens: r.Usage.OutputTokens}, nil
}

var _ model.Provider = (*Provider)(nil)
