// Package obstest is the conformance suite for observability.Store
// implementations.
package obstest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/observability"
)

// Run runs the suite; newStore returns an empty store (cleaned up by the test).
func Run(t *testing.T, newStore func(t *testing.T) observability.Store) {
	ctx := context.Background()
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tid := func(i int) string { return fmt.Sprintf("%032x", 0xabc000+i) }
	sid := func(i int) string { return fmt.Sprintf("%016x", 0x100+i) }
	span := func(acct string, trace, i int, sess string, errFlag bool) observability.Span {
		return observability.Span{Account: acct, TraceID: tid(trace), SpanID: sid(i), Name: fmt.Sprintf("op-%d", i),
			Start: base.Add(time.Duration(i) * time.Second), End: base.Add(time.Duration(i)*time.Second + 500*time.Millisecond),
			SessionID: sess, RuntimeARN: "arn:rt/" + sess, Error: errFlag, StatusCode: map[bool]int32{true: 2}[errFlag],
			Attributes: map[string]any{"k": "v", "n": float64(i), "unicode": "héllo ✓"}, Resource: map[string]any{"service.name": "svc"},
			Events: []observability.Event{{Time: base, Name: "ev", Attributes: map[string]any{"a": true}}}}
	}

	t.Run("SpansRoundTripAndFilters", func(t *testing.T) {
		st := newStore(t)
		var spans []observability.Span
		for i := range 6 {
			sp := span("111", i%2, i, fmt.Sprintf("sess-%d", i%2), i == 3)
			if i > 0 && i%2 == 0 {
				sp.ParentSpanID = sid(i - 2)
			}
			spans = append(spans, sp)
		}
		must(t, st.InsertSpans(ctx, spans))
		must(t, st.InsertSpans(ctx, spans[:2])) // duplicates are ignored
		must(t, st.InsertSpans(ctx, []observability.Span{span("222", 0, 0, "sess-0", false)}))
		all, next, err := st.QuerySpans(ctx, observability.Filter{Account: "111"})
		must(t, err)
		if len(all) != 6 || next != "" {
			t.Fatalf("got %d spans (next %q), want 6", len(all), next)
		}
		got := all[2]
		if got.TraceID != tid(0) || got.SpanID != sid(2) || got.ParentSpanID != sid(0) || !got.Start.Equal(spans[2].Start) ||
			!got.End.Equal(spans[2].End) || got.Attributes["unicode"] != "héllo ✓" || got.Resource["service.name"] != "svc" ||
			len(got.Events) != 1 || got.Events[0].Name != "ev" || got.SessionID != "sess-0" || got.RuntimeARN != "arn:rt/sess-0" {
			t.Fatalf("round trip: %+v", got)
		}
		count := func(f observability.Filter) int {
			f.Account = "111"
			out, _, err := st.QuerySpans(ctx, f)
			must(t, err)
			return len(out)
		}
		for name, c := range map[string]struct {
			f    observability.Filter
			want int
		}{
			"session": {observability.Filter{SessionID: "sess-1"}, 3},
			"trace":   {observability.Filter{TraceID: tid(0)}, 3},
			"runtime": {observability.Filter{RuntimeARN: "arn:rt/sess-0"}, 3},
			"from":    {observability.Filter{From: base.Add(4 * time.Second)}, 2},
			"to":      {observability.Filter{To: base.Add(2 * time.Second)}, 2},
			"errors":  {observability.Filter{ErrorsOnly: true}, 1},
			"none":    {observability.Filter{SessionID: "nope"}, 0},
		} {
			if n := count(c.f); n != c.want {
				t.Errorf("%s: %d spans, want %d", name, n, c.want)
			}
		}
		if out, _, _ := st.QuerySpans(ctx, observability.Filter{Account: "222"}); len(out) != 1 {
			t.Errorf("account 222 sees %d spans, want 1", len(out))
		}
	})

	t.Run("SpanPagination", func(t *testing.T) {
		st := newStore(t)
		var spans []observability.Span
		for i := range 7 {
			sp := span("111", i%3, i, "s", false)
			sp.Start = base // equal start times: the cursor must still be exact
			spans = append(spans, sp)
		}
		must(t, st.InsertSpans(ctx, spans))
		seen := map[string]bool{}
		f := observability.Filter{Account: "111", Limit: 3}
		for pages := 0; ; pages++ {
			out, next, err := st.QuerySpans(ctx, f)
			must(t, err)
			for _, sp := range out {
				if seen[sp.TraceID+sp.SpanID] {
					t.Fatalf("span %s seen twice", sp.SpanID)
				}
				seen[sp.TraceID+sp.SpanID] = true
			}
			if next == "" {
				break
			}
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
			f.Cursor = next
		}
		if len(seen) != 7 {
			t.Fatalf("paged %d spans, want 7", len(seen))
		}
		if _, _, err := st.QuerySpans(ctx, observability.Filter{Account: "111", Cursor: "garbage"}); err == nil {
			t.Error("bad cursor accepted")
		}
	})

	t.Run("SessionsAndTraces", func(t *testing.T) {
		st := newStore(t)
		root := span("111", 0, 0, "sess-a", false)
		child := span("111", 0, 1, "sess-a", true)
		child.ParentSpanID = root.SpanID
		other := span("111", 1, 2, "sess-b", false)
		must(t, st.InsertSpans(ctx, []observability.Span{root, child, other, span("111", 5, 3, "", false)}))
		ss, err := st.ListSessions(ctx, observability.Filter{Account: "111"})
		must(t, err)
		if len(ss) != 2 || ss[0].SessionID != "sess-b" || ss[1].SessionID != "sess-a" || ss[1].SpanCount != 2 ||
			ss[1].ErrorCount != 1 || ss[1].RuntimeARN != "arn:rt/sess-a" || !ss[1].FirstSeen.Equal(root.Start) || !ss[1].LastSeen.Equal(child.End) {
			t.Fatalf("sessions: %+v", ss)
		}
		if ss, _ := st.ListSessions(ctx, observability.Filter{Account: "111", ErrorsOnly: true}); len(ss) != 1 || ss[0].SessionID != "sess-a" {
			t.Fatalf("error sessions: %+v", ss)
		}
		ts, err := st.ListTraces(ctx, observability.Filter{Account: "111", SessionID: "sess-a"})
		must(t, err)
		if len(ts) != 1 || ts[0].TraceID != tid(0) || ts[0].SpanCount != 2 || ts[0].ErrorCount != 1 || ts[0].RootName != "op-0" {
			t.Fatalf("traces: %+v", ts)
		}
	})

	t.Run("Logs", func(t *testing.T) {
		st := newStore(t)
		var logs []observability.LogRecord
		for i := range 9 {
			l := observability.LogRecord{Account: "111", Time: base.Add(time.Duration(i/3) * time.Second), SessionID: fmt.Sprintf("s%d", i%2),
				Stream: observability.StreamStderr, Body: fmt.Sprintf("line %d %s", i, strings.Repeat("é", i)), RuntimeARN: "arn:rt"}
			if i == 4 {
				l.TraceID, l.SpanID, l.Severity = tid(1), sid(1), "ERROR"
				l.Attributes = map[string]any{"x": "y"}
			}
			logs = append(logs, l)
		}
		must(t, st.InsertLogs(ctx, logs))
		var got []observability.LogRecord
		f := observability.Filter{Account: "111", SessionID: "s0", Limit: 2}
		for {
			out, next, err := st.QueryLogs(ctx, f)
			must(t, err)
			got = append(got, out...)
			if next == "" {
				break
			}
			f.Cursor = next
		}
		if len(got) != 5 {
			t.Fatalf("session s0: %d logs, want 5", len(got))
		}
		for i, l := range got {
			if l.SessionID != "s0" || l.Body != logs[2*i].Body || !l.Time.Equal(logs[2*i].Time) {
				t.Fatalf("log %d: %+v, want %+v", i, l, logs[2*i])
			}
		}
		out, _, err := st.QueryLogs(ctx, observability.Filter{Account: "111", TraceID: tid(1)})
		must(t, err)
		if len(out) != 1 || out[0].SpanID != sid(1) || out[0].Attributes["x"] != "y" || out[0].Severity != "ERROR" {
			t.Fatalf("by trace: %+v", out)
		}
		if out, _, _ := st.QueryLogs(ctx, observability.Filter{Account: "111", ErrorsOnly: true}); len(out) != 1 {
			t.Fatalf("errors only: %d logs", len(out))
		}
		if out, _, _ := st.QueryLogs(ctx, observability.Filter{Account: "999"}); len(out) != 0 {
			t.Fatalf("other account sees %d logs", len(out))
		}
	})

	t.Run("DeleteBefore", func(t *testing.T) {
		st := newStore(t)
		must(t, st.InsertSpans(ctx, []observability.Span{span("111", 0, 0, "s", false), span("111", 0, 5, "s", false)}))
		must(t, st.InsertLogs(ctx, []observability.LogRecord{{Account: "111", Time: base, Body: "old", Stream: "stdout"},
			{Account: "111", Time: base.Add(time.Hour), Body: "new", Stream: "stdout"}}))
		sp, lg, err := st.DeleteBefore(ctx, base.Add(3*time.Second))
		must(t, err)
		if sp != 1 || lg != 1 {
			t.Fatalf("deleted %d spans, %d logs; want 1, 1", sp, lg)
		}
		spans, _, _ := st.QuerySpans(ctx, observability.Filter{Account: "111"})
		logs, _, _ := st.QueryLogs(ctx, observability.Filter{Account: "111"})
		if len(spans) != 1 || spans[0].SpanID != sid(5) || len(logs) != 1 || logs[0].Body != "new" {
			t.Fatalf("left %+v and %+v", spans, logs)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
