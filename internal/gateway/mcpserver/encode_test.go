package mcpserver

import (
	"encoding/json"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/gateway"
)

// TestAppendToolResponseMatchesMarshal: the fast path's hand-written
// response is byte for byte what json.Marshal gives for the SDK's result
// type, and it declines what it cannot write that way.
func TestAppendToolResponseMatchesMarshal(t *testing.T) {
	texts := []string{"", "plain", `{"id":"1","name":"Rex"}`, "quote \" backslash \\ slash /", "<b>&amp;</b>",
		"tab\tnl\nrc\r\b\f\x00\x1f\x7f", "ünïcødé ✓ 😀", "line\u2028sep\u2029", "bad \xff\xfe utf8", "\xe2\x80"}
	structured := []string{"", `{"id":"1"}`, `{"a":[1,2,{"b":null}],"c":"x\"y"}`, `[1,2]`, `"str"`,
		`{"a": 1}`, `{"h":"<x>"}`, "{\"s\":\"\u2028\"}", `{"e":"\\u003c"}`}
	ids := []string{`1`, `"abc"`, `-2.5e3`, `"<id>"`, `"a\"b"`, `null`}
	n := 0
	for _, id := range ids {
		for _, text := range texts {
			for _, st := range structured {
				for _, isErr := range []bool{false, true} {
					r := &gateway.Result{Text: text, IsError: isErr}
					if st != "" {
						r.Structured = json.RawMessage(st)
					}
					want, err := json.Marshal(fastResponse{JSONRPC: "2.0", ID: json.RawMessage(id), Result: toMCPResult(r)})
					if err != nil {
						t.Fatal(err)
					}
					got, ok := appendToolResponse(nil, json.RawMessage(id), r)
					if !ok {
						continue
					}
					n++
					if string(got) != string(want) {
						t.Errorf("id %s text %q structured %s error %v:\n got  %s\n want %s", id, text, st, isErr, got, want)
					}
				}
			}
		}
	}
	if n < 300 {
		t.Fatalf("only %d cases took the hand-written encoder", n)
	}
	if _, ok := appendToolResponse(nil, json.RawMessage(`1`), &gateway.Result{MCP: json.RawMessage(`{"content":[]}`)}); ok {
		t.Error("an MCP passthrough result was hand-encoded")
	}
	if _, ok := appendToolResponse(nil, json.RawMessage(`1`), &gateway.Result{Text: "x", Structured: json.RawMessage(`{"a":`)}); ok {
		t.Error("invalid structured content was hand-encoded")
	}
}
