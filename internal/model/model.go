// Package model is the chat-completion interface the memory pipeline (and
// other services) call language models through. Implementations live in
// subpackages (openai: any OpenAI-compatible /v1/chat/completions server,
// which covers Ollama, vLLM and LiteLLM proxies).
package model

import (
	"context"
	"errors"
)

// Message is one chat message.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Request is one chat completion request.
type Request struct {
	Model       string // "" = the provider's default model
	Messages    []Message
	Temperature *float64
	MaxTokens   int
	// JSON asks for a JSON object answer (response_format json_object)
	// where the provider supports it.
	JSON bool
}

// Response is the model's answer.
type Response struct {
	Text         string
	Model        string
	InputTokens  int
	OutputTokens int
}

// Provider completes chats.
type Provider interface {
	Chat(ctx context.Context, req Request) (*Response, error)
	Name() string
}

// ErrNotConfigured is returned by Unconfigured.
var ErrNotConfigured = errors.New("no model provider is configured (start the server with --model-endpoint and --model)")

// Unconfigured is the provider used when none is set: every call fails
// with ErrNotConfigured.
type Unconfigured struct{}

// Chat always fails.
func (Unconfigured) Chat(context.Context, Request) (*Response, error) { return nil, ErrNotConfigured }

// Name identifies the provider.
func (Unconfigured) Name() string { return "none" }
