package spans

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

func load(t *testing.T, name string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := json.Unmarshal(b, &docs); err != nil {
		t.Fatal(err)
	}
	return docs
}

func parse(t *testing.T, name string) *Session {
	t.Helper()
	s, err := Parse(load(t, name))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return s
}

// Both Strands fixtures come from a real Strands agent run converted by the
// SDK's span_to_adot_serializer (gen/strands_fixture.py): turn one calls
// get_weather, turn two only answers.
func TestStrands(t *testing.T) {
	for _, f := range []string{"strands_events.json", "strands_latest.json"} {
		t.Run(f, func(t *testing.T) {
			s := parse(t, f)
			if s.ID != "sess-strands-1" || len(s.Traces) != 2 {
				t.Fatalf("session %q with %d traces", s.ID, len(s.Traces))
			}
			t1, t2 := s.Traces[0], s.Traces[1]
			if t1.Input != "What is the weather in Paris?" || t1.Output != "It is 22 degrees and sunny in Paris." {
				t.Errorf("turn 1 input %q output %q", t1.Input, t1.Output)
			}
			if t2.Input != "Thanks!" || t2.Output != "You're welcome!" {
				t.Errorf("turn 2 input %q output %q", t2.Input, t2.Output)
			}
			if !reflect.DeepEqual(t1.Tools, []string{"get_weather"}) {
				t.Errorf("tools %v", t1.Tools)
			}
			if len(t1.ToolCalls) != 1 || len(t2.ToolCalls) != 0 {
				t.Fatalf("tool calls %d, %d", len(t1.ToolCalls), len(t2.ToolCalls))
			}
			tc := t1.ToolCalls[0]
			if tc.Name != "get_weather" || tc.CallID != "call_weather_1" || tc.TraceID != t1.ID || tc.SpanID == "" ||
				tc.Error || tc.Start.IsZero() {
				t.Errorf("tool call %+v", tc)
			}
			var in map[string]any
			if json.Unmarshal([]byte(tc.Input), &in) != nil || in["city"] != "Paris" {
				t.Errorf("tool input %q", tc.Input)
			}
			if tc.Output != `[{"text": "22 degrees and sunny in Paris"}]` {
				t.Errorf("tool output %q", tc.Output)
			}
			if len(t1.History) != 0 {
				t.Errorf("turn 1 history %v", t1.History)
			}
			want := []Message{{"user", "What is the weather in Paris?"}, {"assistant", "It is 22 degrees and sunny in Paris."}}
			if !reflect.DeepEqual(t2.History, want) {
				t.Errorf("turn 2 history %v", t2.History)
			}
			if t1.InputTokens != 42 || t1.OutputTokens != 14 {
				t.Errorf("tokens %d/%d", t1.InputTokens, t1.OutputTokens)
			}
			if len(t1.SpanIDs) != 6 || len(t2.SpanIDs) != 3 || t1.Start.IsZero() || !t1.End.After(t1.Start) || t2.Start.Before(t1.End) {
				t.Errorf("spans %d/%d, times %v..%v, %v", len(t1.SpanIDs), len(t2.SpanIDs), t1.Start, t1.End, t2.Start)
			}
			if t1.Error != "" {
				t.Errorf("error %q", t1.Error)
			}
			if f == "strands_latest.json" && t1.System != "You are a weather assistant." {
				t.Errorf("system %q", t1.System)
			}
		})
	}
}

func TestOpenInference(t *testing.T) {
	s := parse(t, "openinference.json")
	if s.ID != "sess-oi-1" || len(s.Traces) != 2 {
		t.Fatalf("session %q with %d traces", s.ID, len(s.Traces))
	}
	tr := s.Traces[0]
	if tr.Input != "What is 2+2?" || tr.Output != "2+2 is 4." || tr.System != "You are a calculator." {
		t.Errorf("input %q output %q system %q", tr.Input, tr.Output, tr.System)
	}
	if !reflect.DeepEqual(tr.Tools, []string{"add", "multiply"}) {
		t.Errorf("tools %v", tr.Tools)
	}
	if len(tr.ToolCalls) != 1 || tr.ToolCalls[0].Name != "add" || tr.ToolCalls[0].CallID != "call_add_1" ||
		tr.ToolCalls[0].Input != `{"a": 2, "b": 2}` || tr.ToolCalls[0].Output != "4" {
		t.Errorf("tool calls %+v", tr.ToolCalls)
	}
	if tr.InputTokens != 70 || tr.OutputTokens != 18 || tr.Error != "" {
		t.Errorf("tokens %d/%d error %q", tr.InputTokens, tr.OutputTokens, tr.Error)
	}
	// span order is the documents' order; tool calls are in start order
	if !reflect.DeepEqual(tr.SpanIDs, []string{"a100000000000001", "a100000000000002", "a100000000000004", "a100000000000003"}) {
		t.Errorf("span ids %v", tr.SpanIDs)
	}
	failed := s.Traces[1]
	if failed.Input != "And 3*3?" || failed.Error != "RateLimitError: too many requests" {
		t.Errorf("failed trace input %q error %q", failed.Input, failed.Error)
	}
}

func TestTraceloopLangGraph(t *testing.T) {
	s := parse(t, "traceloop_langgraph.json")
	if s.ID != "sess-tl-1" || len(s.Traces) != 1 {
		t.Fatalf("session %q with %d traces", s.ID, len(s.Traces))
	}
	tr := s.Traces[0]
	if tr.Input != "Book a table for two tonight" || tr.Output != "Your table for two is booked for 8pm." {
		t.Errorf("input %q output %q", tr.Input, tr.Output)
	}
	if tr.System != "You book restaurant tables." {
		t.Errorf("system %q", tr.System)
	}
	want := []Message{{"user", "I booked yesterday."}, {"assistant", "Noted."}}
	if !reflect.DeepEqual(tr.History, want) {
		t.Errorf("history %v", tr.History)
	}
	if !reflect.DeepEqual(tr.Tools, []string{"book_table", "cancel_booking"}) {
		t.Errorf("tools %v", tr.Tools)
	}
	if len(tr.ToolCalls) != 1 {
		t.Fatalf("tool calls %+v", tr.ToolCalls)
	}
	tc := tr.ToolCalls[0]
	if tc.Name != "book_table" || !tc.Error || tc.Input != `{"inputs": {"party": 2}}` || tc.Output != `{"output": "no tables left"}` {
		t.Errorf("tool call %+v", tc)
	}
	if tr.InputTokens != 120 || tr.OutputTokens != 27 {
		t.Errorf("tokens %d/%d", tr.InputTokens, tr.OutputTokens)
	}
}

// Span documents that carry their messages as span events (no log records).
func TestSpanEvents(t *testing.T) {
	docs := []map[string]any{{
		"traceId": "t1", "spanId": "s1", "name": "invoke_agent a", "startTimeUnixNano": json.Number("1750000000000000001"),
		"attributes": map[string]any{"gen_ai.operation.name": "invoke_agent", "session.id": "x", "gen_ai.agent.tools": []any{"a", "b"}},
		"events": []any{
			map[string]any{"name": "gen_ai.system.message", "attributes": map[string]any{"content": "be brief"}},
			map[string]any{"name": "gen_ai.user.message", "attributes": map[string]any{"content": `[{"text": "hi"}]`}},
			map[string]any{"name": "gen_ai.choice", "attributes": map[string]any{"message": "hello"}},
		},
	}}
	s, err := Parse(docs)
	if err != nil {
		t.Fatal(err)
	}
	tr := s.Traces[0]
	if tr.Input != "hi" || tr.Output != "hello" || tr.System != "be brief" || !reflect.DeepEqual(tr.Tools, []string{"a", "b"}) {
		t.Errorf("%+v", tr)
	}
	if tr.Start.UnixNano() != 1750000000000000001 {
		t.Errorf("start %d", tr.Start.UnixNano())
	}
}

func TestNoSpans(t *testing.T) {
	for _, docs := range [][]map[string]any{nil, {{"message": "x"}}, {{"traceId": "t", "spanId": "s", "body": map[string]any{}}}} {
		_, err := Parse(docs)
		if !errors.Is(err, errs.ErrInvalid) || err.Error() == "" {
			t.Errorf("Parse(%v) = %v, want an Invalid error", docs, err)
		}
	}
}

func TestIsToolSpan(t *testing.T) {
	cases := []struct {
		attrs map[string]any
		want  bool
	}{
		{map[string]any{"gen_ai.operation.name": "execute_tool"}, true},
		{map[string]any{"openinference.span.kind": "TOOL"}, true},
		{map[string]any{"traceloop.span.kind": "tool"}, true},
		{map[string]any{"traceloop.span.kind": "TOOL"}, false},
		{map[string]any{"gen_ai.operation.name": "chat"}, false},
		{nil, false},
	}
	for _, c := range cases {
		if got := IsToolSpan(c.attrs); got != c.want {
			t.Errorf("IsToolSpan(%v) = %v", c.attrs, got)
		}
	}
}
