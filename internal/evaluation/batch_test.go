package evaluation_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/evaluation"
)

// recordingJudge is the evaluation service, recording each Evaluate call's
// evaluator and number of targets.
type recordingJudge struct {
	*evaluation.Service
	mu    sync.Mutex
	calls map[string][]int
}

func (r *recordingJudge) Evaluate(ctx context.Context, in evaluation.EvaluateInput) ([]evaluation.Result, error) {
	r.mu.Lock()
	r.calls[in.EvaluatorID] = append(r.calls[in.EvaluatorID], len(in.TraceIDs)+len(in.SpanIDs))
	r.mu.Unlock()
	return r.Service.Evaluate(ctx, in)
}

// TestBatchEvaluatesAtEachLevelInBatchesOfTen: a batch scores TRACE- and
// TOOL_CALL-level evaluators per trace / tool call, 10 targets per Evaluate
// call (a 23-trace session takes 3 calls), SESSION-level ones once per
// session; the summaries count one result per target.
func TestBatchEvaluatesAtEachLevelInBatchesOfTen(t *testing.T) {
	e := newEnv(t)
	start := time.Now().Add(-time.Hour)
	e.storeSession(t, "batch-long-session", 23, 100, start, nil)
	e.storeSession(t, "batch-short-session", 3, 100, start, nil)
	j := &recordingJudge{Service: e.eval, calls: map[string][]int{}}
	b := evaluation.NewBatches(evaluation.BatchOptions{KV: e.kv, Sessions: e.obs, Judge: j})
	t.Cleanup(func() { b.Close(context.Background()) })
	bt, err := b.Start(tctx, evaluation.StartBatchInput{Name: "levels", Source: evaluation.BatchSource{CloudWatchLogs: true, ServiceNames: []string{"agent.DEFAULT"},
		SessionIDs: []string{"batch-long-session", "batch-short-session"}},
		Evaluators: []string{"Builtin.Helpfulness", "Builtin.GoalSuccessRate", "Builtin.ToolSelectionAccuracy"}})
	if err != nil {
		t.Fatal(err)
	}
	bt = waitDone(t, b, bt.ID)
	if bt.Status != evaluation.BatchCompleted || bt.Progress.Completed != 2 {
		t.Fatalf("batch %s %+v %v", bt.Status, bt.Progress, bt.ErrorDetails)
	}
	want := map[string]int{"Builtin.Helpfulness": 26, "Builtin.GoalSuccessRate": 2, "Builtin.ToolSelectionAccuracy": 26}
	for _, s := range bt.Progress.Evaluators {
		if s.Evaluated != want[s.EvaluatorID] || s.Failed != 0 || *s.Average() != 1 {
			t.Errorf("summary %+v; want %d evaluated", s, want[s.EvaluatorID])
		}
	}
	for ev, sizes := range map[string][]int{"Builtin.Helpfulness": {3, 3, 10, 10}, "Builtin.ToolSelectionAccuracy": {3, 3, 10, 10}, "Builtin.GoalSuccessRate": {0, 0}} {
		got := slices.Clone(j.calls[ev])
		slices.Sort(got)
		if fmt.Sprint(got) != fmt.Sprint(sizes) {
			t.Errorf("%s: Evaluate calls with %v targets; want %v", ev, got, sizes)
		}
	}
	rows, _, err := b.Results(tctx, bt.ID, 10, "")
	if err != nil || len(rows) != 2 {
		t.Fatalf("results: %v %v", rows, err)
	}
	for _, row := range rows {
		if row.Status != "COMPLETED" {
			t.Errorf("row %s: %s %s", row.SessionID, row.Status, row.Error)
		}
	}
	// An evaluator listed twice would be counted twice.
	if _, err := b.Start(tctx, evaluation.StartBatchInput{Name: "twice", Source: evaluation.BatchSource{CloudWatchLogs: true, ServiceNames: []string{"agent.DEFAULT"}},
		Evaluators: []string{"Builtin.Helpfulness", "Builtin.Helpfulness"}}); err == nil {
		t.Fatal("an evaluator listed twice was accepted")
	}
}

// TestBatchSessionRequestErrorIsCounted: an evaluator whose request fails
// on a session (a trajectory evaluator without an expected trajectory)
// fails the session and counts as a failure in its summary.
func TestBatchSessionRequestErrorIsCounted(t *testing.T) {
	e := newEnv(t)
	e.storeSession(t, "batch-traj-session", 2, 100, time.Now().Add(-time.Hour), nil)
	b := evaluation.NewBatches(evaluation.BatchOptions{KV: e.kv, Sessions: e.obs, Judge: e.eval})
	t.Cleanup(func() { b.Close(context.Background()) })
	bt, err := b.Start(tctx, evaluation.StartBatchInput{Name: "traj", Source: evaluation.BatchSource{CloudWatchLogs: true, ServiceNames: []string{"agent.DEFAULT"},
		SessionIDs: []string{"batch-traj-session"}}, Evaluators: []string{"Builtin.Helpfulness", "Builtin.TrajectoryExactOrderMatch"}})
	if err != nil {
		t.Fatal(err)
	}
	bt = waitDone(t, b, bt.ID)
	if bt.Status != evaluation.BatchFailed || bt.Progress.Failed != 1 {
		t.Fatalf("batch %s %+v %v", bt.Status, bt.Progress, bt.ErrorDetails)
	}
	got := map[string][2]int{}
	for _, s := range bt.Progress.Evaluators {
		got[s.EvaluatorID] = [2]int{s.Evaluated, s.Failed}
	}
	if got["Builtin.Helpfulness"] != [2]int{2, 0} || got["Builtin.TrajectoryExactOrderMatch"] != [2]int{0, 1} {
		t.Fatalf("summaries %v", got)
	}
}

func waitDone(t *testing.T, b *evaluation.Batches, id string) *evaluation.Batch {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		bt, err := b.Get(tctx, id)
		if err != nil {
			t.Fatal(err)
		}
		switch bt.Status {
		case evaluation.BatchCompleted, evaluation.BatchCompletedWithErrors, evaluation.BatchFailed, evaluation.BatchStopped:
			return bt
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch %s still %s", id, bt.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
