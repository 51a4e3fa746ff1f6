// Package openai is a model.Provider for any OpenAI-compatible
// /v1/chat/completions endpoint (OpenAI, Ollama, vLLM, LiteLLM proxies),
// over plain net/http JSON.
package openai

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

// Provider calls POST {BaseURL}/chat/completions.
type Provider struct {
	BaseURL string // ends in /v1
	APIKey  string
	Model   string // default model
	HTTP    *http.Client
}

// New returns a provider; a baseURL without /v1 gets it appended.
func New(baseURL, apiKey, defaultModel string) *Provider {
	b := strings.TrimRight(baseURL, "/")
	if !strings.HasSuffix(b, "/v1") {
		b += "/v1"
	}
	return &Provider{BaseURL: b, APIKey: apiKey, Model: defaultModel, HTTP: &http.Client{Timeout: 5 * time.Minute}}
}

// Name identifies the provider.
func (p *Provider) Name() string { return "openai-compatible:" + p.BaseURL }

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model          string            `json:"model"`
	Messages       []chatMessage     `json:"messages"`
	Temperature    *float64          `json:"temperature,omitempty"`
	MaxTokens      int               `json:"max_tokens,omitempty"`
	ResponseFormat map[string]string `json:"response_format,omitempty"`
}

type chatResponse struct {
	Model   string `json:"model"`
	Choices []struct {
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// Chat sends one chat completion request. A server that refuses
// response_format (HTTP 400) is asked again without it.
func (p *Provider) Chat(ctx context.Context, req model.Request) (*model.Response, error) {
	resp, status, err := p.chat(ctx, req)
	if err != nil && req.JSON && status == http.StatusBadRequest {
		req.JSON = false
		resp, _, err = p.chat(ctx, req)
	}
	return resp, err
}

func (p *Provider) chat(ctx context.Context, req model.Request) (*model.Response, int, error) {
	m := req.Model
	if m == "" {
		m = p.Model
	}
	cr := chatRequest{Model: m, Temperature: req.Temperature, MaxTokens: req.MaxTokens}
	for _, msg := range req.Messages {
		cr.Messages = append(cr.Messages, chatMessage{Role: msg.Role, Content: msg.Content})
	}
	if req.JSON {
		cr.ResponseFormat = map[string]string{"type": "json_object"}
	}
	body, _ := json.Marshal(cr)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, p.BaseURL+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	hr.Header.Set("Content-Type", "application/json")
	if p.APIKey != "" {
		hr.Header.Set("Authorization", "Bearer "+p.APIKey)
	}
	resp, err := p.HTTP.Do(hr)
	if err != nil {
		return nil, 0, fmt.Errorf("chat completion request: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, resp.StatusCode, fmt.Errorf("chat completion response: %w", err)
	}
	var r chatResponse
	jerr := json.Unmarshal(raw, &r)
	if resp.StatusCode/100 != 2 {
		msg := fmt.Sprintf("%.300s", raw)
		if jerr == nil && r.Error != nil {
			msg = r.Error.Message
		}
		return nil, resp.StatusCode, fmt.Errorf("model endpoint returned HTTP %d: %s", resp.StatusCode, msg)
	}
	if jerr != nil {
		return nil, resp.StatusCode, fmt.Errorf("model endpoint answered with non-JSON: %.200s", raw)
	}
	if len(r.Choices) == 0 {
		return nil, resp.StatusCode, fmt.Errorf("model endpoint answered with no choices")
	}
	return &model.Response{Text: r.Choices[0].Message.Content, Model: r.Model, InputTokens: r.Usage.PromptTokens, OutputTokens: r.Usage.CompletionTokens}, resp.StatusCode, nil
}

var _ model.Provider = (*Provider)(nil)
