package evaluation_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/model"
)

// fixedJudge answers every call at once with one valid answer: the
// benchmark measures Evaluate's own work, not a model.
type fixedJudge struct{}

func (fixedJudge) Chat(context.Context, model.Request) (*model.Response, error) {
	return &model.Response{Text: `{"explanation": "fine", "label": "Very helpful"}`, InputTokens: 500, OutputTokens: 20}, nil
}
func (fixedJudge) Name() string { return "fixed" }

// session200 is a 200-span Strands session: 10 turns of one agent span
// and 19 tool spans each.
func session200() []map[string]any {
	var turns []turn
	for i := 0; i < 10; i++ {
		tr := turn{User: fmt.Sprintf("request %d: look up the weather in 19 cities", i), Tools: []string{"get_weather"},
			Response: fmt.Sprintf("answer %d: here is the weather in the 19 cities you asked about", i)}
		for j := 0; j < 19; j++ {
			tr.Calls = append(tr.Calls, call{Name: "get_weather", Args: map[string]any{"city": fmt.Sprintf("city-%d", j)}, Result: "20 degrees and clear"})
		}
		turns = append(turns, tr)
	}
	return strandsDocs("bench-session", turns)
}

// BenchmarkEvaluateOverhead: one Evaluate of Builtin.Helpfulness over the
// 10 traces of a 200-span session (parse, 10 prompts, 10 judge calls to a
// zero-latency in-process model, strict answer parsing). Reports p50 per
// Evaluate; the target is ≤ 5 ms.
func BenchmarkEvaluateOverhead(b *testing.B) {
	docs := session200()
	if len(docs) != 200 {
		b.Fatalf("%d spans", len(docs))
	}
	svc := evaluation.New(evaluation.Options{Model: fixedJudge{}, JudgeConcurrency: 4})
	ctx := acct()
	in := evaluation.EvaluateInput{EvaluatorID: "Builtin.Helpfulness", Documents: docs}
	took := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res, err := svc.Evaluate(ctx, in)
		took = append(took, time.Since(start))
		if err != nil || len(res) != 10 || res[0].Value == nil {
			b.Fatalf("%v %+v", err, res)
		}
	}
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds()), "p99-ns")
}
