package insights

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 7, 5, 53, 22, 0, time.UTC)

// docs are ADOT-like documents: spans of two sessions, a log record, and a
// stdout line without scope.
func docs() []Record {
	span := func(sec int, sid, name string, attrs map[string]any) Record {
		a := map[string]any{"session.id": sid, "gen_ai.operation.name": strings.Fields(name)[0]}
		for k, v := range attrs {
			a[k] = v
		}
		return Record{Time: t0.Add(time.Duration(sec) * time.Second), Doc: map[string]any{
			"scope": map[string]any{"name": "strands.telemetry.tracer"}, "traceId": "t-" + sid, "spanId": name,
			"name": name, "kind": "INTERNAL", "durationNano": int64(sec * 1000), "attributes": a}}
	}
	return []Record{
		span(3, "s-1", "execute_tool calculator", map[string]any{"gen_ai.tool.name": "calculator", "gen_ai.usage.input_tokens": 12.0}),
		span(1, "s-1", "invoke_agent Strands Agents", nil),
		span(2, "s-2", "invoke_agent Strands Agents", map[string]any{"error": true}),
		span(4, "s-1", "chat", map[string]any{"gen_ai.usage.input_tokens": 21.0}),
		{Time: t0.Add(5 * time.Second), Doc: map[string]any{"scope": map[string]any{"name": "strands.telemetry.tracer"},
			"traceId": "t-s-1", "spanId": "chat", "body": map[string]any{"output": map[string]any{"messages": []any{"The answer | 42"}}},
			"attributes": map[string]any{"event.name": "strands.telemetry.tracer", "session.id": "s-1"}}},
		{Time: t0, Doc: map[string]any{"stream": "stdout", "body": "started session s-1", "attributes": map[string]any{}}},
	}
}

// run parses q and returns each row's fields as a map, and the stats.
func run(t *testing.T, q string) ([]map[string]string, Stats) {
	t.Helper()
	pq, err := Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	rows, st := Run(pq, docs())
	var out []map[string]string
	for _, r := range rows {
		m := map[string]string{}
		for _, f := range r {
			if _, dup := m[f.Field]; dup {
				t.Errorf("field %s twice in a row", f.Field)
			}
			m[f.Field] = f.Value
		}
		out = append(out, m)
	}
	return out, st
}

func names(rows []map[string]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r["name"])
	}
	return out
}

func TestRunFilters(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want []string // names, @timestamp asc
	}{
		{`filter attributes.session.id = "s-1" and ispresent(name)`, []string{"invoke_agent Strands Agents", "execute_tool calculator", "chat"}},
		{`filter attributes.session.id != "s-1"`, []string{"invoke_agent Strands Agents"}}, // s-2 only: the stdout line has no session.id
		{`filter attributes.gen_ai.operation.name = "execute_tool"`, []string{"execute_tool calculator"}},
		{`filter name like "Strands"`, []string{"invoke_agent Strands Agents", "invoke_agent Strands Agents"}},
		{`filter name like /^(chat|execute_tool)/`, []string{"execute_tool calculator", "chat"}},
		{`filter name not like /Strands/ and ispresent(name)`, []string{"execute_tool calculator", "chat"}},
		{`filter not name like "Strands" and ispresent(name)`, []string{"execute_tool calculator", "chat"}},
		{`filter attributes.gen_ai.usage.input_tokens = 21`, []string{"chat"}},
		{`filter attributes.gen_ai.usage.input_tokens != 21`, []string{"execute_tool calculator"}}, // missing fields match neither = nor !=
		{`filter durationNano = 3000`, []string{"execute_tool calculator"}},
		{`filter attributes.error = "true"`, []string{"invoke_agent Strands Agents"}},
		{`filter not ispresent(attributes.gen_ai.usage.input_tokens) and ispresent(kind)`, []string{"invoke_agent Strands Agents", "invoke_agent Strands Agents"}},
		{`filter scope.name = "strands.telemetry.tracer" and ispresent(body)`, []string{""}}, // the log record has no name
		{`filter @message like '"session.id":"s-2"'`, []string{"invoke_agent Strands Agents"}},
		{`filter attributes.session.id = "nope"`, nil},
	} {
		rows, st := run(t, "fields name | "+tc.q+" | sort @timestamp asc")
		if got := names(rows); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.q, got, tc.want)
		}
		if st.RecordsMatched != float64(len(tc.want)) || st.RecordsScanned != 6 || st.BytesScanned <= 0 {
			t.Errorf("%s: stats %+v", tc.q, st)
		}
	}
}

func TestRunSDKQueries(t *testing.T) {
	// The collector's query: the session's spans and log records, oldest first.
	rows, _ := run(t, "fields @timestamp, @message\n| filter attributes.session.id = \"s-1\"\n| filter ispresent(scope.name)\n"+
		"| filter ispresent(traceId)\n| filter ispresent(spanId)\n| sort @timestamp asc")
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4", len(rows))
	}
	var last string
	for _, r := range rows {
		if len(r) != 3 || r["@ptr"] == "" {
			t.Errorf("row %v: want @timestamp, @message, @ptr", r)
		}
		if r["@timestamp"] < last {
			t.Errorf("not ascending: %s after %s", r["@timestamp"], last)
		}
		last = r["@timestamp"]
		var doc map[string]any
		if err := json.Unmarshal([]byte(r["@message"]), &doc); err != nil || doc["traceId"] != "t-s-1" {
			t.Errorf("@message %q: %v", r["@message"], err)
		}
	}
	if rows[0]["@timestamp"] != "2026-12-07 05:53:23.000" {
		t.Errorf("@timestamp %q", rows[0]["@timestamp"])
	}
	// The helper's default query matches the session id anywhere; the
	// stdout line mentions it but has no scope.
	rows, _ = run(t, "fields @timestamp, @message\n        | filter @message like \"s-1\"\n        | filter ispresent(scope.name)\n"+
		"        | filter ispresent(traceId)\n        | filter ispresent(spanId)\n        | sort @timestamp asc")
	if len(rows) != 4 {
		t.Errorf("default query: %d rows, want 4", len(rows))
	}
	rows, _ = run(t, `filter @message like "started session"`)
	if len(rows) != 1 || !strings.Contains(rows[0]["@message"], `"stream":"stdout"`) {
		t.Errorf("stdout line: %v", rows)
	}
}

func TestRunSortLimitFields(t *testing.T) {
	rows, st := run(t, "fields name, attributes.gen_ai.tool.name, spanId | filter ispresent(name)")
	if got := names(rows); !reflect.DeepEqual(got, []string{"chat", "execute_tool calculator", "invoke_agent Strands Agents", "invoke_agent Strands Agents"}) {
		t.Errorf("default order is @timestamp desc: %q", got)
	}
	if st.RecordsMatched != 4 {
		t.Errorf("stats %+v", st)
	}
	if rows[1]["attributes.gen_ai.tool.name"] != "calculator" || rows[1]["spanId"] != "execute_tool calculator" {
		t.Errorf("row %v", rows[1])
	}
	if _, ok := rows[0]["attributes.gen_ai.tool.name"]; ok {
		t.Errorf("a missing field is left out of the row: %v", rows[0])
	}
	rows, st = run(t, "fields name | filter ispresent(name) | sort @timestamp asc | limit 2")
	if got := names(rows); !reflect.DeepEqual(got, []string{"invoke_agent Strands Agents", "invoke_agent Strands Agents"}) || st.RecordsMatched != 4 {
		t.Errorf("limit 2: %q %+v", got, st)
	}
	// Non-string values render as JSON text; objects as JSON.
	rows, _ = run(t, `fields durationNano, attributes.error, body.output | sort @timestamp asc`)
	if rows[0]["body.output"] != "" || rows[1]["durationNano"] != "1000" || rows[2]["attributes.error"] != "true" ||
		rows[5]["body.output"] != `{"messages":["The answer | 42"]}` {
		t.Errorf("rendering: %v", rows)
	}
	// A dotted key wins over a nested path; nested objects are reached too.
	pq, _ := Parse(`fields a.b | filter a.b = "flat"`)
	got, _ := Run(pq, []Record{{Time: t0, Doc: map[string]any{"a.b": "flat"}}, {Time: t0, Doc: map[string]any{"a": map[string]any{"b": "nested"}}}})
	if len(got) != 1 {
		t.Errorf("dotted key: %v", got)
	}
	pq, _ = Parse(`filter a.b = "nested"`)
	if got, _ := Run(pq, []Record{{Time: t0, Doc: map[string]any{"a": map[string]any{"b": "nested"}}}}); len(got) != 1 {
		t.Errorf("nested path: %v", got)
	}
	pq, _ = Parse(`filter ispresent(a)`)
	if got, _ := Run(pq, []Record{{Time: t0, Doc: map[string]any{"a": nil}}}); len(got) != 0 {
		t.Errorf("a null field is not present: %v", got)
	}
}
