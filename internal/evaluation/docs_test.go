package evaluation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// turn is one agent turn to render as Strands-style spans.
type turn struct {
	User     string
	Tools    []string // offered tools
	Calls    []call
	Response string
}

type call struct {
	Name   string         `json:"name"`
	Args   map[string]any `json:"args"`
	Result string         `json:"result"`
}

// strandsDocs renders turns as ADOT span documents the way Strands writes
// them: an invoke_agent root span per trace with gen_ai.input/output
// messages, and one execute_tool span per tool call.
func strandsDocs(session string, turns []turn) []map[string]any {
	var docs []map[string]any
	base := int64(1796622795000000000)
	msg := func(role, text string) map[string]any {
		return map[string]any{"role": role, "parts": []any{map[string]any{"type": "text", "content": text}}}
	}
	var history []any
	for i, t := range turns {
		tid := fmt.Sprintf("%032x", i+1)
		root := fmt.Sprintf("%016x", (i+1)<<32)
		start := base + int64(i)*1e10
		for j, c := range t.Calls {
			args, _ := json.Marshal(c.Args)
			res, _ := json.Marshal([]any{map[string]any{"text": c.Result}})
			docs = append(docs, map[string]any{"traceId": tid, "spanId": fmt.Sprintf("%016x", (i+1)<<32+j+1), "parentSpanId": root,
				"name": "execute_tool " + c.Name, "kind": "INTERNAL", "startTimeUnixNano": float64(start + int64(j+1)*1e6),
				"endTimeUnixNano": float64(start + int64(j+1)*1e6 + 5e5), "status": map[string]any{"code": "OK"},
				"scope": map[string]any{"name": "strands.telemetry.tracer"},
				"attributes": map[string]any{"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": c.Name, "session.id": session,
					"gen_ai.tool.call.id": fmt.Sprintf("call_%d_%d", i, j), "gen_ai.tool.call.arguments": string(args), "gen_ai.tool.call.result": string(res)}})
		}
		tools, _ := json.Marshal(t.Tools)
		in, _ := json.Marshal(append(append([]any{}, history...), msg("user", t.User)))
		out, _ := json.Marshal([]any{msg("assistant", t.Response)})
		docs = append(docs, map[string]any{"traceId": tid, "spanId": root, "parentSpanId": nil, "name": "invoke_agent Strands Agents",
			"kind": "INTERNAL", "startTimeUnixNano": float64(start), "endTimeUnixNano": float64(start + 9e8), "status": map[string]any{"code": "OK"},
			"scope": map[string]any{"name": "strands.telemetry.tracer"},
			"attributes": map[string]any{"gen_ai.operation.name": "invoke_agent", "session.id": session, "gen_ai.agent.tools": string(tools),
				"gen_ai.input.messages": string(in), "gen_ai.output.messages": string(out),
				"gen_ai.usage.input_tokens": 40.0, "gen_ai.usage.output_tokens": 12.0}})
		history = append(history, msg("user", t.User), msg("assistant", t.Response))
	}
	return docs
}

func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func acct() context.Context {
	return tenant.With(context.Background(), tenant.Tenant{Account: "123456789012", Region: "us-east-1"})
}
