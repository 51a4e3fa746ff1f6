package openaicompat

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/google/uuid"
)

// completion builds the chat.completion(.chunk) objects of one answer.
type completion struct {
	id      string
	model   string
	created int64
	usage   map[string]int
}

func newCompletion(model string) *completion {
	return &completion{id: "chatcmpl-" + strings.ReplaceAll(uuid.NewString(), "-", ""), model: model, created: time.Now().Unix()}
}

// maxAnswer bounds an agent answer gathered into one chat.completion.
const maxAnswer = 64 << 20

// complete answers a non-streaming request: the whole agent answer (JSON,
// SSE or text) becomes one assistant message.
func (c *completion) complete(w http.ResponseWriter, body io.Reader, sse bool) error {
	var text strings.Builder
	if sse {
		var final string
		err := readSSE(body, func(data []byte) bool {
			d, fin := c.eventText(data)
			text.WriteString(d)
			if fin != "" {
				final = fin
			}
			return text.Len() <= maxAnswer
		})
		if err != nil {
			return err
		}
		if text.Len() > maxAnswer {
			return errs.E(errs.RuntimeClient, "the agent's answer exceeds %d bytes", maxAnswer)
		}
		if text.Len() == 0 {
			text.WriteString(final)
		}
	} else {
		b, err := io.ReadAll(io.LimitReader(body, maxAnswer))
		if err != nil {
			return err
		}
		text.WriteString(c.answerText(b))
	}
	out := map[string]any{
		"id": c.id, "object": "chat.completion", "created": c.created, "model": c.model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "logprobs": nil,
			"message": map[string]any{"role": "assistant", "content": text.String(), "refusal": nil}}},
	}
	if c.usage != nil {
		out["usage"] = c.usage
	}
	return writeJSON(w, http.StatusOK, out)
}

// stream answers a streaming request with chat.completion.chunk events,
// one per agent delta as it arrives, then a stop chunk and [DONE].
func (c *completion) stream(ctx context.Context, w http.ResponseWriter, body io.Reader, sse, includeUsage bool) error {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	send := func(v any) bool {
		b, _ := json.Marshal(v)
		if _, err := w.Write(append(append([]byte("data: "), b...), '\n', '\n')); err != nil {
			return false
		}
		rc.Flush() //nolint:errcheck // best effort
		return true
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		ch := map[string]any{"id": c.id, "object": "chat.completion.chunk", "created": c.created, "model": c.model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": nil}}}
		return ch
	}
	if !send(chunk(map[string]any{"role": "assistant", "content": ""}, nil)) {
		return nil
	}
	var err error
	if sse {
		sent, final := false, ""
		err = readSSE(body, func(data []byte) bool {
			d, fin := c.eventText(data)
			if fin != "" {
				final = fin
			}
			if d == "" {
				return true
			}
			sent = true
			return send(chunk(map[string]any{"content": d}, nil))
		})
		if err == nil && !sent && final != "" {
			send(chunk(map[string]any{"content": final}, nil))
		}
	} else {
		var b []byte
		if b, err = io.ReadAll(io.LimitReader(body, maxAnswer)); err == nil {
			send(chunk(map[string]any{"content": c.answerText(b)}, nil))
		}
	}
	if err != nil {
		// Headers are sent: report in the stream, as OpenAI does.
		if ctx.Err() == nil {
			send(map[string]any{"error": map[string]any{"message": "the agent's answer stream broke: " + err.Error(),
				"type": "api_error", "code": "runtime_client_error", "param": nil}})
		}
		return nil
	}
	send(chunk(map[string]any{}, "stop"))
	if includeUsage {
		u := c.usage
		if u == nil {
			u = map[string]int{"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
		}
		send(map[string]any{"id": c.id, "object": "chat.completion.chunk", "created": c.created, "model": c.model,
			"choices": []any{}, "usage": u})
	}
	w.Write([]byte("data: [DONE]\n\n")) //nolint:errcheck // client gone
	rc.Flush()                          //nolint:errcheck // best effort
	return nil
}

// readSSE calls fn with the data of every event until the stream ends or
// fn returns false. A data of [DONE] ends the stream.
func readSSE(body io.Reader, fn func(data []byte) bool) error {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var data []byte
	flush := func() bool {
		if data == nil {
			return true
		}
		d := data
		data = nil
		if string(d) == "[DONE]" {
			return false
		}
		return fn(d)
	}
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			if !flush() {
				return nil
			}
			continue
		}
		if v, ok := bytes.CutPrefix(line, []byte("data:")); ok {
			v = bytes.TrimPrefix(v, []byte(" "))
			if data != nil {
				data = append(data, '\n')
			}
			data = append(data, v...)
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	flush()
	return nil
}

// eventText reads one SSE event of an agent: its text delta, or the full
// text of a final message (used when no deltas came).
func (c *completion) eventText(data []byte) (delta, final string) {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return string(data), "" // plain text events
	}
	switch x := v.(type) {
	case string:
		return x, ""
	case map[string]any:
		c.takeUsage(x)
		if d, ok := jpath(x, "event", "contentBlockDelta", "delta", "text").(string); ok { // Bedrock Converse / Strands
			return d, ""
		}
		if d, ok := jpath(x, "contentBlockDelta", "delta", "text").(string); ok {
			return d, ""
		}
		if d, ok := x["data"].(string); ok { // Strands stream_async events
			return d, ""
		}
		if ch, ok := x["choices"].([]any); ok && len(ch) > 0 { // an OpenAI chunk already
			if d, ok := jpath(ch[0].(map[string]any), "delta", "content").(string); ok {
				return d, ""
			}
		}
		for _, k := range []string{"delta", "text", "token", "content", "chunk"} {
			if d, ok := x[k].(string); ok {
				return d, ""
			}
			if m, ok := x[k].(map[string]any); ok {
				if d, ok := m["text"].(string); ok {
					return d, ""
				}
			}
		}
		if m, ok := x["message"].(map[string]any); ok { // final Strands/Converse message
			return "", blocksText(m["content"])
		}
		for _, k := range []string{"result", "response", "output"} {
			if s := valueText(x[k]); s != "" {
				return "", s
			}
		}
	}
	return "", ""
}

// answerText reads a whole JSON (or text) answer, trying the shapes agents
// commonly return (the same family LiteLLM's AgentCore provider reads).
func (c *completion) answerText(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	if m, ok := v.(map[string]any); ok {
		c.takeUsage(m)
		if ch, ok := m["choices"].([]any); ok && len(ch) > 0 { // an OpenAI completion already
			if s, ok := jpath(ch[0].(map[string]any), "message", "content").(string); ok {
				return s
			}
		}
		for _, k := range []string{"result", "response", "output", "text", "content", "message", "answer", "reply", "completion"} {
			if s := valueText(m[k]); s != "" {
				return s
			}
		}
	}
	if s, ok := v.(string); ok {
		return s
	}
	return string(bytes.TrimSpace(b))
}

// valueText is the text of a string, a {role, content} message, or a list
// of {text} blocks.
func valueText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		return blocksText(x)
	case map[string]any:
		if s, ok := x["content"].(string); ok {
			return s
		}
		if s := blocksText(x["content"]); s != "" {
			return s
		}
		if s, ok := x["text"].(string); ok {
			return s
		}
		if m, ok := x["message"].(map[string]any); ok {
			return valueText(m)
		}
	}
	return ""
}

func blocksText(v any) string {
	list, _ := v.([]any)
	var out []string
	for _, it := range list {
		if m, ok := it.(map[string]any); ok {
			if s, ok := m["text"].(string); ok {
				out = append(out, s)
			}
		}
	}
	return strings.Join(out, "")
}

func jpath(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// takeUsage keeps token usage an agent reports (OpenAI or Bedrock names).
func (c *completion) takeUsage(m map[string]any) {
	u, ok := m["usage"].(map[string]any)
	if !ok {
		u, _ = jpath(m, "event", "metadata", "usage").(map[string]any)
	}
	if u == nil {
		return
	}
	num := func(keys ...string) int {
		for _, k := range keys {
			if f, ok := u[k].(float64); ok {
				return int(f)
			}
		}
		return 0
	}
	in, out := num("prompt_tokens", "inputTokens", "input_tokens"), num("completion_tokens", "outputTokens", "output_tokens")
	if in == 0 && out == 0 {
		return
	}
	c.usage = map[string]int{"prompt_tokens": in, "completion_tokens": out, "total_tokens": in + out}
}
