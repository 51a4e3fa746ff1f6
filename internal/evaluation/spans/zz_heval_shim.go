// Package spans parses AgentCore session documents (ADOT spans and log
// records) into turns and tool calls for the evaluators.
//
// THIS FILE IS A TEMPORARY SHIM written by H-eval so internal/evaluation
// builds before h/espans is merged: it implements the contract of
// PREAMBLE-eval.md for Strands-style gen_ai spans only. Delete it when
// merging h/espans (which owns this package).
package spans

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// Session is one agent session: its traces (turns) in order.
type Session struct {
	ID     string
	Traces []Trace
}

// Trace is one turn of the session.
type Trace struct {
	ID                        string
	Start, End                time.Time
	Input, Output, System     string
	History                   []Message
	Tools                     []string
	ToolCalls                 []ToolCall
	SpanIDs                   []string
	InputTokens, OutputTokens int64
	Error                     string
}

// Message is one conversation message.
type Message struct{ Role, Text string }

// ToolCall is one tool execution.
type ToolCall struct {
	TraceID, SpanID, CallID, Name string
	Input, Output                 string
	Error                         bool
	Start                         time.Time
}

// IsToolSpan reports whether a span's attributes mark a tool execution.
func IsToolSpan(attrs map[string]any) bool {
	return str(attrs["gen_ai.operation.name"]) == "execute_tool" || strings.EqualFold(str(attrs["openinference.span.kind"]), "TOOL") ||
		str(attrs["traceloop.span.kind"]) == "tool"
}

// Parse reads session documents (shim: Strands gen_ai spans and log records).
func Parse(docs []map[string]any) (*Session, error) {
	s := &Session{}
	idx := map[string]int{}
	trace := func(id string) *Trace {
		i, ok := idx[id]
		if !ok {
			i = len(s.Traces)
			idx[id] = i
			s.Traces = append(s.Traces, Trace{ID: id})
		}
		return &s.Traces[i]
	}
	for _, d := range docs {
		tid, sid := str(d["traceId"]), str(d["spanId"])
		if tid == "" || sid == "" {
			continue
		}
		attrs, _ := d["attributes"].(map[string]any)
		if s.ID == "" {
			s.ID = str(attrs["session.id"])
		}
		t := trace(tid)
		if body, ok := d["body"].(map[string]any); ok { // log record
			in, out := messages(body["input"]), messages(body["output"])
			applyInput(t, in)
			if txt := lastText(out, "assistant"); txt != "" && !strings.Contains(txt, "toolResult") && !strings.Contains(txt, "toolUse") {
				t.Output = txt
			}
			continue
		}
		t.SpanIDs = append(t.SpanIDs, sid)
		start, end := nanos(d["startTimeUnixNano"]), nanos(d["endTimeUnixNano"])
		if t.Start.IsZero() || (!start.IsZero() && start.Before(t.Start)) {
			t.Start = start
		}
		if end.After(t.End) {
			t.End = end
		}
		if IsToolSpan(attrs) {
			st, _ := d["status"].(map[string]any)
			t.ToolCalls = append(t.ToolCalls, ToolCall{TraceID: tid, SpanID: sid, CallID: str(attrs["gen_ai.tool.call.id"]),
				Name: str(attrs["gen_ai.tool.name"]), Input: str(attrs["gen_ai.tool.call.arguments"]), Output: str(attrs["gen_ai.tool.call.result"]),
				Error: str(st["code"]) == "ERROR" || str(attrs["gen_ai.tool.status"]) == "error", Start: start})
			continue
		}
		if str(attrs["gen_ai.operation.name"]) != "invoke_agent" && d["parentSpanId"] != nil && str(d["parentSpanId"]) != "" {
			continue
		}
		if v := str(attrs["gen_ai.agent.tools"]); v != "" {
			var tools []string
			if json.Unmarshal([]byte(v), &tools) == nil {
				t.Tools = tools
			}
		}
		if v := str(attrs["gen_ai.system_instructions"]); v != "" {
			t.System = joinParts(decodeJSON(v))
		}
		applyInput(t, messages(decodeJSON(str(attrs["gen_ai.input.messages"]))))
		if txt := lastText(messages(decodeJSON(str(attrs["gen_ai.output.messages"]))), "assistant"); txt != "" {
			t.Output = txt
		}
		t.InputTokens, t.OutputTokens = num(attrs["gen_ai.usage.input_tokens"]), num(attrs["gen_ai.usage.output_tokens"])
		if st, _ := d["status"].(map[string]any); str(st["code"]) == "ERROR" {
			t.Error = str(st["message"])
		}
	}
	if len(s.Traces) == 0 {
		return nil, errs.E(errs.Invalid, "sessionSpans holds no span with a traceId and a spanId")
	}
	for i := range s.Traces {
		sort.SliceStable(s.Traces[i].ToolCalls, func(a, b int) bool {
			return s.Traces[i].ToolCalls[a].Start.Before(s.Traces[i].ToolCalls[b].Start)
		})
	}
	return s, nil
}

func applyInput(t *Trace, in []Message) {
	if len(in) == 0 {
		return
	}
	last := -1
	for i, m := range in {
		if m.Role == "user" && !strings.Contains(m.Text, "toolResult") {
			last = i
		}
	}
	if last < 0 {
		return
	}
	t.Input = in[last].Text
	t.History = nil
	for _, m := range in[:last] {
		if m.Role != "system" {
			t.History = append(t.History, m)
		}
	}
}

func messages(v any) []Message {
	if m, ok := v.(map[string]any); ok {
		v = m["messages"]
	}
	list, _ := v.([]any)
	var out []Message
	for _, x := range list {
		m, _ := x.(map[string]any)
		if m == nil {
			continue
		}
		var txt string
		if parts, ok := m["parts"]; ok {
			txt = joinParts(parts)
		} else {
			txt = contentText(m["content"])
		}
		out = append(out, Message{Role: str(m["role"]), Text: txt})
	}
	return out
}

func contentText(c any) string {
	switch c := c.(type) {
	case string:
		if v := decodeJSON(c); v != nil {
			if t := joinParts(v); t != "" {
				return t
			}
		}
		return c
	case map[string]any:
		for _, k := range []string{"content", "message", "text"} {
			if v, ok := c[k]; ok {
				return contentText(v)
			}
		}
	case []any:
		return joinParts(c)
	}
	return ""
}

func joinParts(v any) string {
	list, _ := v.([]any)
	var b []string
	for _, x := range list {
		m, _ := x.(map[string]any)
		for _, k := range []string{"text", "content"} {
			if s, ok := m[k].(string); ok && s != "" {
				b = append(b, s)
				break
			}
		}
	}
	return strings.Join(b, "\n")
}

func lastText(ms []Message, role string) string {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Role == role && ms[i].Text != "" {
			return ms[i].Text
		}
	}
	return ""
}

func decodeJSON(s string) any {
	if s == "" || (s[0] != '[' && s[0] != '{') {
		return nil
	}
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return nil
	}
	return v
}

func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	}
	return ""
}

func num(v any) int64 {
	n, _ := strconv.ParseFloat(str(v), 64)
	return int64(n)
}

func nanos(v any) time.Time {
	switch v := v.(type) {
	case float64:
		return time.Unix(0, int64(v)).UTC()
	case json.Number:
		n, _ := v.Int64()
		return time.Unix(0, n).UTC()
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return time.Unix(0, n).UTC()
	}
	return time.Time{}
}
