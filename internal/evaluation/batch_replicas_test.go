package evaluation_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// blockingJudge holds every Evaluate until release is closed.
type blockingJudge struct {
	*evaluation.Service
	release chan struct{}
}

func (j *blockingJudge) Evaluate(ctx context.Context, in evaluation.EvaluateInput) ([]evaluation.Result, error) {
	select {
	case <-j.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return j.Service.Evaluate(ctx, in)
}

// TestBatchSurvivesAnotherReplicasStart: two replicas on one store. A
// batch running on A is left alone when B starts (Open) and by B's sweep
// while A heart-beats; a batch whose replica stopped heart-beating is
// failed by the sweep, naming that replica; A finishes its batch.
func TestBatchSurvivesAnotherReplicasStart(t *testing.T) {
	e := newEnv(t)
	e.storeSession(t, "replica-session", 2, 100, time.Now().Add(-time.Hour), nil)
	j := &blockingJudge{Service: e.eval, release: make(chan struct{})}
	const hb = 100 * time.Millisecond
	replica := func(node string) *evaluation.Batches {
		b := evaluation.NewBatches(evaluation.BatchOptions{KV: e.kv, Sessions: e.obs, Judge: j, Node: node, Heartbeat: hb})
		if err := b.Open(tctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close(context.Background()) })
		return b
	}
	a := replica("node-a")
	bt, err := a.Start(tctx, evaluation.StartBatchInput{Name: "onA", Source: evaluation.BatchSource{CloudWatchLogs: true,
		ServiceNames: []string{"agent.DEFAULT"}, SessionIDs: []string{"replica-session"}}, Evaluators: []string{"Builtin.Helpfulness"}})
	if err != nil {
		t.Fatal(err)
	}
	// A replica that died mid-batch: its record, heart-beaten long ago.
	ghost := *bt
	ghost.ID, ghost.Name, ghost.Status, ghost.Owner, ghost.Heartbeat = "ghost-0123456789", "ghost", evaluation.BatchInProgress, "node-dead", time.Now().Add(-time.Hour)
	val, _ := json.Marshal(ghost)
	if err := e.kv.Txn(tctx, store.Op{Kind: store.OpCreate, Table: "evaluation_batch", Key: "123456789012/" + ghost.ID, Value: val}); err != nil {
		t.Fatal(err)
	}
	b := replica("node-b")
	time.Sleep(6 * hb) // several sweeps and heartbeats
	for _, r := range []*evaluation.Batches{a, b} {
		got, err := r.Get(tctx, bt.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != evaluation.BatchPending && got.Status != evaluation.BatchInProgress {
			t.Fatalf("A's running batch is %s after B started: %v", got.Status, got.ErrorDetails)
		}
	}
	g, err := b.Get(tctx, ghost.ID)
	if err != nil {
		t.Fatal(err)
	}
	if g.Status != evaluation.BatchFailed || len(g.ErrorDetails) == 0 || !strings.Contains(g.ErrorDetails[len(g.ErrorDetails)-1], "node-dead") {
		t.Fatalf("the dead replica's batch: %s %v", g.Status, g.ErrorDetails)
	}
	close(j.release)
	if done := waitDone(t, a, bt.ID); done.Status != evaluation.BatchCompleted {
		t.Fatalf("A's batch ended %s %v", done.Status, done.ErrorDetails)
	}
}
