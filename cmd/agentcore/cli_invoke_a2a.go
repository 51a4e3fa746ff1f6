package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"
)

// An A2A runtime speaks JSON-RPC: `agentcore invoke` on one wraps a plain
// payload into an A2A message/send request (the v0.3 form the AgentCore
// docs show) and prints the text of the answer, or the JSON-RPC error as an
// error, instead of the raw envelope.

// isJSONRPC reports whether a payload already is a JSON-RPC request.
func isJSONRPC(body []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	_, ok := m["jsonrpc"]
	return ok
}

// a2aRequest wraps a payload ({"prompt": ...}, another JSON value, or text)
// into message/send.
func a2aRequest(body []byte) []byte {
	text := string(body)
	var m map[string]any
	if json.Unmarshal(body, &m) == nil {
		if p, ok := m["prompt"].(string); ok {
			text = p
		}
	}
	req := map[string]any{"jsonrpc": "2.0", "id": uuid.NewString(), "method": "message/send", "params": map[string]any{
		"message": map[string]any{"kind": "message", "role": "user", "messageId": uuid.NewString(),
			"parts": []any{map[string]any{"kind": "text", "text": text}}}}}
	b, _ := json.Marshal(req)
	return b
}

// printA2A prints the text parts of a JSON-RPC answer (a message, or a
// task's artifacts and status message); a JSON-RPC error is returned.
func printA2A(w io.Writer, r io.Reader) error {
	b, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return fmt.Errorf("reading answer: %w", err)
	}
	var resp struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int             `json:"code"`
			Message string          `json:"message"`
			Data    json.RawMessage `json:"data"`
		} `json:"error"`
	}
	if err := json.Unmarshal(b, &resp); err != nil {
		_, err := w.Write(b) // not JSON-RPC: as it came
		return err
	}
	if resp.Error != nil {
		return fmt.Errorf("A2A error %d: %s", resp.Error.Code, resp.Error.Message)
	}
	var res struct {
		Parts     []a2aPart `json:"parts"`
		Artifacts []struct {
			Parts []a2aPart `json:"parts"`
		} `json:"artifacts"`
		Status struct {
			State   string `json:"state"`
			Message *struct {
				Parts []a2aPart `json:"parts"`
			} `json:"message"`
		} `json:"status"`
	}
	json.Unmarshal(resp.Result, &res) //nolint:errcheck // printed raw below when nothing is found
	var texts []string
	add := func(ps []a2aPart) {
		for _, p := range ps {
			if p.Text != "" {
				texts = append(texts, p.Text)
			}
		}
	}
	add(res.Parts)
	for _, a := range res.Artifacts {
		add(a.Parts)
	}
	if res.Status.Message != nil {
		add(res.Status.Message.Parts)
	}
	if len(texts) == 0 {
		_, err := fmt.Fprintf(w, "%s\n", resp.Result)
		return err
	}
	_, err = fmt.Fprintln(w, strings.Join(texts, "\n"))
	return err
}

type a2aPart struct {
	Text string `json:"text"`
}
