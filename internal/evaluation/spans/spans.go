// Package spans reads AgentCore session documents — ADOT span documents as
// stored in CloudWatch `aws/spans` and the ADOT log records that carry their
// messages — into a framework-neutral model of a session: its traces (one per
// agent turn) with the user's input, the agent's output, the conversation
// history, the tools offered and the tool calls made. It understands Strands
// (OTel GenAI semantic conventions, both the span-event and the
// gen_ai.input/output.messages attribute forms), LangGraph / Traceloop and
// OpenInference instrumentation.
package spans

import (
	"sort"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// Session is one agent session read from its documents.
type Session struct {
	ID     string  // attributes["session.id"] (first seen), "" if none
	Traces []Trace // in order of first appearance
}

// Trace is one trace (usually one agent turn).
type Trace struct {
	ID                        string
	Start, End                time.Time
	Input                     string    // the user's request of this turn (text; last user message)
	Output                    string    // the agent's final answer of this turn (text)
	System                    string    // system prompt if seen
	History                   []Message // prior conversation turns seen in the input, oldest first
	Tools                     []string  // names of tools offered to the agent, if known
	ToolCalls                 []ToolCall
	SpanIDs                   []string
	InputTokens, OutputTokens int64
	Error                     string // status message of a failed root/agent span, "" if none
}

// ToolCall is one tool execution span.
type ToolCall struct {
	TraceID, SpanID, CallID, Name string
	Input, Output                 string // JSON or text as recorded
	Error                         bool
	Start                         time.Time
}

// IsToolSpan reports what the SDK's spans.is_tool_span reports.
func IsToolSpan(attrs map[string]any) bool {
	return str(attrs["gen_ai.operation.name"]) == "execute_tool" ||
		str(attrs["openinference.span.kind"]) == "TOOL" ||
		str(attrs["traceloop.span.kind"]) == "tool"
}

// span is one span document with the log records that belong to it.
type span struct {
	traceID, spanID, parentID, name string
	start, end                      time.Time
	attrs                           map[string]any
	events                          []any
	statusCode, statusMsg           string
	logs                            []map[string]any // log bodies
	in                              []Message        // inMessages, once inRead
	inRead                          bool
}

// Parse reads session documents. Documents without traceId/spanId are
// ignored; a list with no usable span is an error wrapping errs.Invalid.
func Parse(docs []map[string]any) (*Session, error) {
	sess := &Session{}
	byID := map[string]*span{}
	var order []*span
	logs := map[string][]map[string]any{}
	for _, d := range docs {
		tid, sid := str(d["traceId"]), str(d["spanId"])
		attrs := asMap(d["attributes"])
		if sess.ID == "" {
			sess.ID = str(attrs["session.id"])
		}
		if tid == "" || sid == "" {
			continue
		}
		if isLog(d) {
			if b := asMap(d["body"]); b != nil {
				logs[tid+"/"+sid] = append(logs[tid+"/"+sid], b)
			}
			continue
		}
		key := tid + "/" + sid
		if byID[key] != nil {
			continue
		}
		st := asMap(d["status"])
		sp := &span{
			traceID: tid, spanID: sid, parentID: str(d["parentSpanId"]), name: str(d["name"]),
			start: nanos(d["startTimeUnixNano"]), end: nanos(d["endTimeUnixNano"]),
			attrs: attrs, events: asList(d["events"]),
			statusCode: str(st["code"]), statusMsg: str(st["message"]),
		}
		if sp.attrs == nil {
			sp.attrs = map[string]any{}
		}
		byID[key] = sp
		order = append(order, sp)
	}
	if len(order) == 0 {
		return nil, errs.Wrap(errs.Invalid, errs.ErrInvalid,
			"the session documents contain no span (a span document needs traceId, spanId and name)")
	}
	for k, ls := range logs {
		if sp := byID[k]; sp != nil {
			sp.logs = ls
		}
	}
	var traceOrder []string
	byTrace := map[string][]*span{}
	for _, sp := range order {
		if _, ok := byTrace[sp.traceID]; !ok {
			traceOrder = append(traceOrder, sp.traceID)
		}
		byTrace[sp.traceID] = append(byTrace[sp.traceID], sp)
	}
	for _, id := range traceOrder {
		sess.Traces = append(sess.Traces, buildTrace(id, byTrace[id]))
	}
	return sess, nil
}

// isLog tells an ADOT log record from a span document.
func isLog(d map[string]any) bool {
	if _, ok := d["body"]; ok {
		return true
	}
	_, hasTime := d["timeUnixNano"]
	_, hasStart := d["startTimeUnixNano"]
	return hasTime && !hasStart
}

func (sp *span) failed() bool {
	switch strings.ToUpper(sp.statusCode) {
	case "ERROR", "STATUS_CODE_ERROR", "2":
		return true
	}
	return false
}

func (sp *span) op() string { return str(sp.attrs["gen_ai.operation.name"]) }

func (sp *span) isAgent() bool {
	if sp.op() == "invoke_agent" || str(sp.attrs["openinference.span.kind"]) == "AGENT" {
		return true
	}
	k := str(sp.attrs["traceloop.span.kind"])
	return k == "agent" || k == "workflow"
}

func (sp *span) isLLM() bool {
	switch sp.op() {
	case "chat", "text_completion", "generate_content":
		return true
	}
	if str(sp.attrs["openinference.span.kind"]) == "LLM" || str(sp.attrs["llm.request.type"]) != "" {
		return true
	}
	_, ok := sp.attrs["gen_ai.prompt.0.content"]
	return ok
}

func buildTrace(id string, ss []*span) Trace {
	t := Trace{ID: id}
	byStart := append([]*span(nil), ss...)
	sort.SliceStable(byStart, func(i, j int) bool { return byStart[i].start.Before(byStart[j].start) })
	inTrace := map[string]bool{}
	for _, sp := range ss {
		inTrace[sp.spanID] = true
		t.SpanIDs = append(t.SpanIDs, sp.spanID)
		if !sp.start.IsZero() && (t.Start.IsZero() || sp.start.Before(t.Start)) {
			t.Start = sp.start
		}
		if sp.end.After(t.End) {
			t.End = sp.end
		}
	}
	var agent, root *span
	var llms []*span
	for _, sp := range byStart {
		if agent == nil && sp.isAgent() {
			agent = sp
		}
		if root == nil && (sp.parentID == "" || !inTrace[sp.parentID]) {
			root = sp
		}
		if sp.isLLM() {
			llms = append(llms, sp)
		}
		if IsToolSpan(sp.attrs) {
			t.ToolCalls = append(t.ToolCalls, toolCall(sp))
		}
	}
	if root == nil {
		root = byStart[0]
	}
	if agent == nil {
		agent = root
	}
	agentIn, agentOut := agent.messages()
	var firstIn, lastOut []Message
	if len(llms) > 0 {
		firstIn = llms[0].inMessages()
		last := llms[0]
		for _, l := range llms[1:] {
			if !l.end.Before(last.end) {
				last = l
			}
		}
		lastOut = last.outMessages()
	}
	t.Input = strings.TrimSpace(firstNonEmpty(lastText(agentIn, "user"), lastText(firstIn, "user")))
	t.Output = strings.TrimSpace(firstNonEmpty(lastText(agentOut, "assistant"), lastText(lastOut, "assistant")))
	if len(firstIn) > 0 {
		t.History = history(firstIn)
	} else {
		t.History = history(agentIn)
	}
	t.System = system(agent, byStart)
	t.Tools = offeredTools(agent, byStart)
	t.InputTokens, t.OutputTokens = tokens(agent, llms)
	for _, sp := range []*span{agent, root} {
		if t.Error == "" && sp.failed() {
			t.Error = firstNonEmpty(sp.statusMsg, "span "+sp.name+" failed")
		}
	}
	return t
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
