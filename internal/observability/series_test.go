package observability_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/observability"
)

// TestSeries: invocations (server spans only), errors, latency
// percentiles, tokens and evaluation scores land in their buckets.
func TestSeries(t *testing.T) {
	s := newService(t, observability.Options{})
	from := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	n := 0
	mk := func(at time.Time, name string, kind int32, dur time.Duration, isErr bool, attrs map[string]any) observability.Span {
		n++
		return observability.Span{Account: "111122223333", TraceID: fmt.Sprintf("%032x", n), SpanID: fmt.Sprintf("%016x", n), Name: name,
			Kind: kind, Start: at, End: at.Add(dur), Error: isErr, Attributes: attrs}
	}
	spans := []observability.Span{
		mk(from.Add(time.Second), "InvokeAgentRuntime", 2, 10*time.Millisecond, false, nil),
		mk(from.Add(2*time.Second), "InvokeAgentRuntime", 2, 20*time.Millisecond, true, nil),
		mk(from.Add(3*time.Second), "InvokeAgentRuntime", 2, 30*time.Millisecond, false, nil),
		mk(from.Add(3*time.Second), "InvokeAgentRuntime", 3, 99*time.Millisecond, false, nil), // a client span: not counted
		mk(from.Add(4*time.Second), "chat", 1, time.Millisecond, false, map[string]any{"gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 34.0}),
		mk(from.Add(5*time.Second), "eval", 1, time.Millisecond, false, map[string]any{"gen_ai.evaluation.name": "Builtin.Helpfulness", "gen_ai.evaluation.score.value": 0.8}),
		mk(from.Add(6*time.Second), "eval", 1, time.Millisecond, false, map[string]any{"gen_ai.evaluation.name": "Builtin.Helpfulness", "gen_ai.evaluation.score.value": 0.6}),
		mk(from.Add(61*time.Second), "InvokeAgentRuntime", 2, 40*time.Millisecond, false, nil),
		mk(from.Add(-time.Second), "InvokeAgentRuntime", 2, 40*time.Millisecond, false, nil), // before the window
	}
	if err := s.StoreSpans(bg, spans); err != nil {
		t.Fatal(err)
	}
	f := observability.Filter{Account: "111122223333", From: from, To: from.Add(2 * time.Minute)}
	got, err := s.Series(bg, f, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Buckets) != 2 || got.StepSeconds != 60 || got.Truncated {
		t.Fatalf("series: %+v", got)
	}
	b0, b1 := got.Buckets[0], got.Buckets[1]
	if b0.Invocations != 3 || b0.Errors != 1 || b0.P50Ms != 20 || b0.P90Ms != 30 || b0.P99Ms != 30 {
		t.Fatalf("bucket 0 invocations: %+v", b0)
	}
	if b0.InputTokens != 12 || b0.OutputTokens != 34 {
		t.Fatalf("bucket 0 tokens: %+v", b0)
	}
	if sc := b0.Scores["Builtin.Helpfulness"]; sc < 0.699 || sc > 0.701 {
		t.Fatalf("bucket 0 scores: %+v", b0.Scores)
	}
	if b1.Invocations != 1 || b1.Errors != 0 || b1.P99Ms != 40 || !b1.Start.Equal(from.Add(time.Minute)) {
		t.Fatalf("bucket 1: %+v", b1)
	}
	other, err := s.Series(bg, observability.Filter{Account: "444455556666", From: from, To: from.Add(2 * time.Minute)}, 2)
	if err != nil || other.Buckets[0].Invocations != 0 || other.SpansScanned != 0 {
		t.Fatalf("another account sees the spans: %+v %v", other, err)
	}
}
