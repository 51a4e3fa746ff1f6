package e2e

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"time"
)

// benchCities are the tool arguments of the generated sessions.
var benchCities = []string{"Paris", "Berlin", "Madrid", "Rome", "Vienna", "Lisbon", "Oslo", "Prague", "Dublin", "Athens"}

// strandsSession renders a Strands session of 20 spans per turn (turns =
// 10: the 200-span session of the Evaluate benchmarks) the way Strands
// 1.x (OTel GenAI conventions, gen_ai.input/output.messages attributes)
// writes it, modelled on internal/evaluation/spans/testdata/strands_latest.json:
// one trace per agent turn, of 20 spans — the invoke_agent root, five
// event-loop cycles that call tools (three with one execute_tool, two
// with two in parallel), each with its chat span, and the final cycle whose
// chat span answers. With history, every chat span carries the whole
// conversation so far in gen_ai.input.messages, as Strands records it
// (≈1.1 MB of JSON for 10 turns); without, only the messages of its own cycle
// (≈0.26 MB): the per-span cost without the quadratic growth. Spans start
// at start; traces are 2 s apart.
func strandsSession(session string, start time.Time, turns int, history bool) []map[string]any {
	const sys = `[{"type": "text", "content": "You are a weather assistant. Answer briefly and cite the tool results."}]`
	res := map[string]any{"attributes": map[string]any{"telemetry.sdk.language": "python", "telemetry.sdk.name": "opentelemetry",
		"telemetry.sdk.version": "1.45.1", "service.instance.id": "0013880a-d1df-4538-a3d3-f4c5989c26e3", "service.name": "weather-agent"}}
	scope := map[string]any{"name": "strands.telemetry.tracer", "version": ""}
	text := func(role, s string) map[string]any {
		return map[string]any{"role": role, "parts": []any{map[string]any{"type": "text", "content": s}}}
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	var docs []map[string]any
	var conv []any // the conversation so far, as the model sees it
	h := fnv.New32a()
	h.Write([]byte(session)) //nolint:errcheck // hash writes do not fail
	sh := h.Sum32()          // ids differ between sessions
	seq := 0
	id := func() string { seq++; return fmt.Sprintf("%08x%08x", sh, seq) }
	for t := range turns {
		traceID := fmt.Sprintf("%08x%024x", sh, t+1)
		t0 := start.Add(time.Duration(t) * 2 * time.Second)
		at := func(ms int) float64 { return float64(t0.Add(time.Duration(ms) * time.Millisecond).UnixNano()) }
		span := func(spanID, parent, name string, from, to int, attrs map[string]any) {
			attrs["session.id"], attrs["gen_ai.provider.name"] = session, "strands-agents"
			var p any
			if parent != "" {
				p = parent
			}
			docs = append(docs, map[string]any{"resource": res, "scope": scope, "traceId": traceID, "spanId": spanID, "parentSpanId": p,
				"flags": 3, "name": name, "kind": "INTERNAL", "startTimeUnixNano": at(from), "endTimeUnixNano": at(to),
				"durationNano": float64((to - from) * 1e6), "attributes": attrs, "status": map[string]any{"code": "OK"}})
		}
		user := fmt.Sprintf("Turn %d: what is the weather in %s, %s, %s, %s, %s, %s and %s today, and which one is warmest?", t+1,
			benchCities[t%10], benchCities[(t+1)%10], benchCities[(t+2)%10], benchCities[(t+3)%10], benchCities[(t+4)%10],
			benchCities[(t+5)%10], benchCities[(t+6)%10])
		conv = append(conv, text("user", user))
		root := id()
		ms := 1
		city := 0
		for c := range 6 {
			cycle, chat := id(), id()
			calls := map[bool]int{true: 1, false: 2}[c < 3]
			if c == 5 {
				calls = 0
			}
			var toolCalls []any
			var results []any
			type tc struct{ id, city, result string }
			var made []tc
			for k := range calls {
				cty := benchCities[(t+city)%10]
				city++
				callID := fmt.Sprintf("call_weather_%d_%d_%d", t, c, k)
				made = append(made, tc{callID, cty, fmt.Sprintf("%d degrees, %s, wind %d km/h, humidity %d%% in %s", 12+(t+city)%15,
					[]string{"sunny", "cloudy", "light rain", "clear"}[city%4], 5+city, 40+city, cty)})
				toolCalls = append(toolCalls, map[string]any{"type": "tool_call", "name": "get_weather", "id": callID, "arguments": map[string]any{"city": cty}})
			}
			var out []any
			answer := fmt.Sprintf("Here is today's weather for the seven cities you asked about in turn %d. The warmest is %s at %d degrees; "+
				"the others range from 12 to 26 degrees with mostly sunny skies and light winds.", t+1, benchCities[t%10], 26)
			if calls == 0 {
				out = []any{map[string]any{"role": "assistant", "parts": []any{map[string]any{"type": "text", "content": answer}}, "finish_reason": "end_turn"}}
			} else {
				out = []any{map[string]any{"role": "assistant", "parts": toolCalls, "finish_reason": "tool_use"}}
			}
			cs := ms
			in := conv
			if !history {
				in = conv[len(conv)-1:]
			}
			span(chat, cycle, "chat", ms, ms+300, map[string]any{"gen_ai.operation.name": "chat", "gen_ai.request.model": "us.anthropic.claude-sonnet-4",
				"gen_ai.system_instructions": sys, "gen_ai.input.messages": js(in), "gen_ai.output.messages": js(out),
				"gen_ai.usage.input_tokens": float64(200 + 40*len(conv)), "gen_ai.usage.output_tokens": 30.0, "gen_ai.usage.total_tokens": float64(230 + 40*len(conv))})
			ms += 301
			conv = append(conv, out[0])
			for _, m := range made {
				r := []any{map[string]any{"text": m.result}}
				span(id(), cycle, "execute_tool get_weather", ms, ms+2, map[string]any{"gen_ai.operation.name": "execute_tool",
					"gen_ai.tool.name": "get_weather", "gen_ai.tool.call.id": m.id, "gen_ai.tool.call.arguments": js(map[string]any{"city": m.city}),
					"gen_ai.tool.description": "Return the weather for a city.",
					"gen_ai.input.messages":   js([]any{map[string]any{"role": "tool", "parts": []any{map[string]any{"type": "tool_call", "name": "get_weather", "id": m.id, "arguments": map[string]any{"city": m.city}}}}}),
					"gen_ai.output.messages":  js([]any{map[string]any{"role": "tool", "parts": []any{map[string]any{"type": "tool_call_response", "id": m.id, "response": r}}}}),
					"gen_ai.tool.status":      "success", "gen_ai.tool.call.result": js(r)})
				results = append(results, map[string]any{"type": "tool_call_response", "id": m.id, "response": r})
			}
			ms += 3
			cycleIn := []any{text("user", user)}
			if len(results) > 0 {
				cycleIn = []any{map[string]any{"role": "user", "parts": results}}
				conv = append(conv, cycleIn[0])
			}
			span(cycle, root, "execute_event_loop_cycle", cs-1, ms, map[string]any{"gen_ai.operation.name": "execute_event_loop_cycle",
				"event_loop.cycle_id": fmt.Sprintf("cycle-%d-%d", t, c), "gen_ai.input.messages": js(cycleIn)})
			if c == 5 {
				span(root, "", "invoke_agent Strands Agents", 0, ms+1, map[string]any{"gen_ai.operation.name": "invoke_agent",
					"gen_ai.agent.name": "Strands Agents", "gen_ai.request.model": "us.anthropic.claude-sonnet-4", "gen_ai.agent.tools": `["get_weather"]`,
					"gen_ai.system_instructions": sys, "gen_ai.input.messages": js([]any{text("user", user)}), "gen_ai.output.messages": js(out),
					"gen_ai.usage.input_tokens": 4000.0, "gen_ai.usage.output_tokens": 180.0, "gen_ai.usage.total_tokens": 4180.0})
			}
		}
	}
	return docs
}

// sessionTraceIDs are the trace ids of a generated session, in order.
func sessionTraceIDs(docs []map[string]any) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range docs {
		if id, _ := d["traceId"].(string); !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
