package spans

import (
	"sort"
	"strconv"
	"strings"
)

// Message is one conversation message as text.
type Message struct{ Role, Text string }

// textOf extracts the human-readable text of a recorded message content:
// plain strings, Strands content blocks ([{"text": ...}], possibly JSON in a
// string), OTel GenAI parts ({"type":"text","content":...}), and the ADOT log
// shapes ({"content": ...}, {"message": ...}). Tool calls and tool results
// carry no text.
func textOf(v any) string {
	switch x := v.(type) {
	case string:
		if d := decoded(x); d != nil {
			return textOf(d)
		}
		return x
	case []any:
		var parts []string
		for _, e := range x {
			if t := textOf(e); t != "" {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, "\n")
	case map[string]any:
		if typ := str(x["type"]); typ != "" && typ != "text" {
			return ""
		}
		for _, k := range []string{"text", "content", "message", "parts", "input", "output", "query", "answer"} {
			if e, ok := x[k]; ok {
				return textOf(e)
			}
		}
	}
	return ""
}

// messageList reads a list of {role, content|parts} messages.
func messageList(v any, defaultRole string) []Message {
	if s, ok := v.(string); ok {
		d := decoded(s)
		if d == nil {
			if s == "" {
				return nil
			}
			return []Message{{Role: defaultRole, Text: s}}
		}
		v = d
	}
	if m := asMap(v); m != nil {
		for _, k := range []string{"messages", "inputs", "outputs"} {
			if l, ok := m[k]; ok {
				return messageList(l, defaultRole)
			}
		}
		v = []any{m}
	}
	var out []Message
	for _, e := range asList(v) {
		m := asMap(e)
		if m == nil {
			if t := textOf(e); t != "" {
				out = append(out, Message{Role: defaultRole, Text: t})
			}
			continue
		}
		if kw := asMap(m["kwargs"]); kw != nil { // LangChain serialized message
			m = kw
		}
		role := str(m["role"])
		if role == "" {
			role = str(m["type"]) // LangChain: human / ai / system
		}
		var body any = m
		if c, ok := m["content"]; ok {
			body = c
		} else if p, ok := m["parts"]; ok {
			body = p
		}
		out = append(out, Message{Role: normRole(role, defaultRole), Text: textOf(body)})
	}
	return out
}

func normRole(r, def string) string {
	switch strings.ToLower(r) {
	case "":
		return def
	case "human":
		return "user"
	case "ai", "model":
		return "assistant"
	}
	return strings.ToLower(r)
}

// indexed reads flattened message attributes such as gen_ai.prompt.0.role /
// gen_ai.prompt.0.content (Traceloop) or llm.input_messages.0.message.role
// (OpenInference): prefix is "gen_ai.prompt." and the role/content keys
// follow the index.
func indexed(attrs map[string]any, prefix, roleKey, contentKey, defaultRole string) []Message {
	type item struct {
		i int
		m Message
	}
	byIdx := map[int]*item{}
	for k, v := range attrs {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		rest := k[len(prefix):]
		dot := strings.IndexByte(rest, '.')
		if dot < 0 {
			continue
		}
		i, err := strconv.Atoi(rest[:dot])
		if err != nil {
			continue
		}
		it := byIdx[i]
		if it == nil {
			it = &item{i: i, m: Message{Role: defaultRole}}
			byIdx[i] = it
		}
		switch rest[dot+1:] {
		case roleKey:
			it.m.Role = normRole(str(v), defaultRole)
		case contentKey:
			it.m.Text = textOf(v)
		}
	}
	items := make([]*item, 0, len(byIdx))
	for _, it := range byIdx {
		items = append(items, it)
	}
	sort.Slice(items, func(a, b int) bool { return items[a].i < items[b].i })
	out := make([]Message, 0, len(items))
	for _, it := range items {
		out = append(out, it.m)
	}
	return out
}

// lastText returns the text of the last message with one of the roles and
// non-empty text.
func lastText(ms []Message, roles ...string) string {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Text != "" && hasRole(ms[i].Role, roles) {
			return ms[i].Text
		}
	}
	return ""
}

func hasRole(r string, roles []string) bool {
	for _, x := range roles {
		if r == x {
			return true
		}
	}
	return false
}

// history is the conversation before the current turn: the user/assistant
// messages with text before the last user message.
func history(in []Message) []Message {
	last := -1
	for i := len(in) - 1; i >= 0; i-- {
		if in[i].Role == "user" && in[i].Text != "" {
			last = i
			break
		}
	}
	var out []Message
	for i := 0; i < last; i++ {
		if in[i].Text != "" && (in[i].Role == "user" || in[i].Role == "assistant") {
			out = append(out, in[i])
		}
	}
	return out
}
