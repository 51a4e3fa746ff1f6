package spans

import (
	"sort"
	"strconv"
	"strings"
)

// messages returns the span's input and output messages from the first
// source that has them: its ADOT log records, the gen_ai.input/output.messages
// attributes, its span events, Traceloop's gen_ai.prompt.N/completion.N,
// OpenInference's llm.input/output_messages.N, input.value/output.value, or
// traceloop.entity.input/output.
func (sp *span) messages() (in, out []Message) { return sp.inMessages(), sp.outMessages() }

// inMessages is the input half of messages: a chat span's input holds the
// whole conversation so far, so it is decoded only where it is needed, and
// once.
func (sp *span) inMessages() []Message {
	if !sp.inRead {
		sp.in, sp.inRead = sp.readInMessages(), true
	}
	return sp.in
}

// messageSources names, per direction, where each convention keeps a span's
// messages (in the order messages tries them).
type messageSources struct {
	logKey, attr, prompt, oiPrefix, value, entity, role string
	fromEvents                                          func(in, out []Message) []Message
}

var (
	inSources = messageSources{logKey: "input", attr: "gen_ai.input.messages", prompt: "gen_ai.prompt.",
		oiPrefix: "llm.input_messages.", value: "input.value", entity: "traceloop.entity.input", role: "user",
		fromEvents: func(in, _ []Message) []Message { return in }}
	outSources = messageSources{logKey: "output", attr: "gen_ai.output.messages", prompt: "gen_ai.completion.",
		oiPrefix: "llm.output_messages.", value: "output.value", entity: "traceloop.entity.output", role: "assistant",
		fromEvents: func(_, out []Message) []Message { return out }}
)

func (sp *span) readInMessages() []Message { return sp.readMessages(inSources) }

// outMessages is the output half of messages.
func (sp *span) outMessages() []Message { return sp.readMessages(outSources) }

func (sp *span) readMessages(src messageSources) []Message {
	var m []Message
	for _, b := range sp.logs {
		m = append(m, messageList(b[src.logKey], src.role)...)
	}
	a := sp.attrs
	if len(m) == 0 {
		m = messageList(a[src.attr], src.role)
	}
	if len(m) == 0 {
		m = src.fromEvents(sp.eventMessages())
	}
	if len(m) == 0 {
		m = indexed(a, src.prompt, "role", "content", src.role)
	}
	if len(m) == 0 {
		m = indexed(a, src.oiPrefix, "message.role", "message.content", src.role)
	}
	if len(m) == 0 {
		m = messageList(firstOf(a, src.value, src.entity), src.role)
	}
	return m
}

func firstOf(a map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := a[k]; ok && v != nil && v != "" {
			return v
		}
	}
	return nil
}

// eventMessages reads the legacy OTel GenAI span events (gen_ai.user.message,
// gen_ai.assistant.message, gen_ai.system.message, gen_ai.choice) and the
// gen_ai.client.inference.operation.details event.
func (sp *span) eventMessages() (in, out []Message) {
	for _, e := range sp.events {
		em := asMap(e)
		ea := asMap(em["attributes"])
		switch str(em["name"]) {
		case "gen_ai.user.message":
			in = append(in, Message{Role: "user", Text: textOf(ea["content"])})
		case "gen_ai.assistant.message":
			in = append(in, Message{Role: "assistant", Text: textOf(ea["content"])})
		case "gen_ai.system.message":
			in = append(in, Message{Role: "system", Text: textOf(ea["content"])})
		case "gen_ai.choice":
			out = append(out, Message{Role: "assistant", Text: textOf(ea["message"])})
		case "gen_ai.client.inference.operation.details":
			in = append(in, messageList(ea["gen_ai.input.messages"], "user")...)
			out = append(out, messageList(ea["gen_ai.output.messages"], "assistant")...)
		}
	}
	return in, out
}

func system(agent *span, ss []*span) string {
	for _, sp := range append([]*span{agent}, ss...) {
		if s := textOf(sp.attrs["gen_ai.system_instructions"]); s != "" {
			return s
		}
		if s := textOf(sp.attrs["gen_ai.system_prompt"]); s != "" {
			return s
		}
	}
	for _, sp := range append([]*span{agent}, ss...) {
		for _, m := range sp.inMessages() {
			if m.Role == "system" && m.Text != "" {
				return m.Text
			}
		}
	}
	return ""
}

func offeredTools(agent *span, ss []*span) []string {
	seen := map[string]bool{}
	var out []string
	add := func(names []string) {
		for _, n := range names {
			if n != "" && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	add(stringList(agent.attrs["gen_ai.agent.tools"]))
	if len(out) > 0 {
		return out
	}
	for _, sp := range ss {
		add(stringList(sp.attrs["gen_ai.agent.tools"]))
		add(stringList(sp.attrs["gen_ai.tool.definitions"]))
		for _, v := range indexedValues(sp.attrs, "llm.request.functions.", ".name") {
			add([]string{str(v)})
		}
		for _, v := range indexedValues(sp.attrs, "llm.tools.", ".tool.json_schema") {
			d := asMap(decoded(str(v)))
			add([]string{firstNonEmpty(str(d["name"]), str(d["title"]), str(asMap(d["function"])["name"]))})
		}
	}
	return out
}

func toolCall(sp *span) ToolCall {
	a := sp.attrs
	tc := ToolCall{TraceID: sp.traceID, SpanID: sp.spanID, Start: sp.start}
	tc.Name = firstNonEmpty(str(a["gen_ai.tool.name"]), str(a["tool.name"]), str(a["traceloop.entity.name"]),
		strings.TrimPrefix(sp.name, "execute_tool "))
	tc.CallID = firstNonEmpty(str(a["gen_ai.tool.call.id"]), str(a["tool_call.id"]), str(a["tool.call.id"]))
	tc.Input = raw(firstOf(a, "gen_ai.tool.call.arguments", "input.value", "tool.parameters", "traceloop.entity.input"))
	tc.Output = raw(firstOf(a, "gen_ai.tool.call.result", "output.value", "traceloop.entity.output"))
	for _, b := range sp.logs { // the SDK's tool log record: input/output message content
		for _, m := range asList(asMap(b["input"])["messages"]) {
			c := asMap(asMap(m)["content"])
			if tc.Input == "" {
				tc.Input = str(c["content"])
			}
			if tc.CallID == "" {
				tc.CallID = str(c["id"])
			}
		}
		for _, m := range asList(asMap(b["output"])["messages"]) {
			if c := asMap(asMap(m)["content"]); tc.Output == "" {
				tc.Output = str(c["message"])
			}
		}
	}
	tc.Error = sp.failed() || strings.EqualFold(str(a["gen_ai.tool.status"]), "error")
	return tc
}

// tokens are the agent span's usage when it records one, else the sum over
// the model calls.
func tokens(agent *span, llms []*span) (in, out int64) {
	if i, o, ok := usage(agent.attrs); ok {
		return i, o
	}
	for _, l := range llms {
		i, o, _ := usage(l.attrs)
		in += i
		out += o
	}
	return in, out
}

func usage(a map[string]any) (in, out int64, ok bool) {
	pick := func(keys ...string) (int64, bool) {
		for _, k := range keys {
			if n, ok := num(a[k]); ok {
				return n, true
			}
		}
		return 0, false
	}
	in, ok1 := pick("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt", "llm.usage.prompt_tokens")
	out, ok2 := pick("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion", "llm.usage.completion_tokens")
	return in, out, ok1 || ok2
}

// indexedValues returns the values of attributes prefix+N+suffix in N order.
func indexedValues(a map[string]any, prefix, suffix string) []any {
	type kv struct {
		i int
		v any
	}
	var l []kv
	for k, v := range a {
		if strings.HasPrefix(k, prefix) && strings.HasSuffix(k, suffix) && len(k) > len(prefix)+len(suffix) {
			if i, err := strconv.Atoi(k[len(prefix) : len(k)-len(suffix)]); err == nil {
				l = append(l, kv{i, v})
			}
		}
	}
	sort.Slice(l, func(x, y int) bool { return l[x].i < l[y].i })
	out := make([]any, len(l))
	for i, e := range l {
		out[i] = e.v
	}
	return out
}
