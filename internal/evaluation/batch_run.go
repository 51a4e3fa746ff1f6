package evaluation

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Open marks the batches a previous run of this server left unfinished:
// PENDING / IN_PROGRESS → FAILED, STOPPING → STOPPED, with an error detail,
// and starts the sweep that does the same for batches of replicas that
// stopped (their heartbeat went stale). Batches run in the process that
// started them; other replicas' live batches are left alone
// (batch_owner.go).
func (b *Batches) Open(ctx context.Context) error {
	if err := b.recover(ctx, false); err != nil {
		return err
	}
	b.wg.Add(1)
	go func() { defer b.wg.Done(); b.sweep() }() // batch_owner.go
	return nil
}

var errNoChange = errors.New("no change")

func cutLast(key string) (string, string, bool) {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '/' {
			return key[:i], key[i+1:], true
		}
	}
	return "", key, false
}

// launch runs a batch in the background.
func (b *Batches) launch(t tenant.Tenant, id string) {
	ctx, cancel := context.WithCancel(tenant.With(b.ctx, t))
	key := datasetKey(t.Account, id)
	b.mu.Lock()
	b.runs[key] = cancel
	b.mu.Unlock()
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer func() {
			b.mu.Lock()
			delete(b.runs, key)
			b.mu.Unlock()
			cancel()
		}()
		hb, stopHB := context.WithCancel(tenant.With(b.ctx, t))
		defer stopHB()
		go b.heartbeat(hb, t.Account, id) // batch_owner.go
		b.run(ctx, t, id)
	}()
}

// run evaluates the batch's sessions, Concurrency at a time, recording each
// session's results and the progress as it goes.
func (b *Batches) run(ctx context.Context, t tenant.Tenant, id string) {
	// Persisting state must survive the run's cancellation (Stop).
	bg := context.WithoutCancel(ctx)
	bt, err := b.Get(bg, id)
	if err != nil {
		b.log.Warn("batch evaluation vanished before it ran", "id", id, "err", err)
		return
	}
	sessions, err := b.sessions(ctx, t, bt.Selection)
	if err == nil && len(sessions) == 0 {
		err = errs.E(errs.Invalid, "no sessions matched the data source (log groups, session ids and time range)")
	}
	if err != nil {
		b.finish(bg, t.Account, id, err.Error())
		return
	}
	_, err = b.update(bg, t.Account, id, func(bt *Batch) error {
		if bt.Status != BatchPending {
			return errNoChange
		}
		bt.Status = BatchInProgress
		bt.Progress.Total = len(sessions)
		return nil
	})
	if err != nil {
		b.finish(bg, t.Account, id, "")
		return
	}
	meta := map[string]SessionMetadata{}
	for _, m := range bt.Metadata {
		meta[m.SessionID] = m
	}
	sem := make(chan struct{}, b.o.Concurrency)
	var wg sync.WaitGroup
	for _, sid := range sessions {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			b.mark(bg, t.Account, id, func(p *BatchProgress) { p.InProgress++ })
			row := b.evaluateSession(ctx, t, bt, sid, meta[sid])
			if row == nil { // stopped mid-session: not a failure of the session
				b.mark(bg, t.Account, id, func(p *BatchProgress) { p.InProgress-- })
				return
			}
			if err := b.kv.Txn(bg, store.PutJSON(tblBatchResult, t.Account+"/"+id+"/"+sid, row)); err != nil {
				b.log.Warn("storing batch result", "id", id, "session", sid, "err", err)
			}
			b.mark(bg, t.Account, id, func(p *BatchProgress) { p.InProgress--; tally(p, row) })
		}()
	}
	wg.Wait()
	b.finish(bg, t.Account, id, "")
}

// sessions lists the session ids a selection names.
func (b *Batches) sessions(ctx context.Context, t tenant.Tenant, sel BatchSelection) ([]string, error) {
	if len(sel.SessionIDs) > 0 {
		return sel.SessionIDs, nil
	}
	runtimes := sel.RuntimeARNs
	if len(runtimes) == 0 {
		runtimes = []string{""}
	}
	var out []string
	seen := map[string]bool{}
	for _, arn := range runtimes {
		ss, err := b.o.Sessions.Sessions(ctx, observability.Filter{Account: t.Account, RuntimeARN: arn, From: sel.From, To: sel.To, Limit: b.o.MaxSessions})
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			if s.SessionID != "" && !seen[s.SessionID] && len(out) < b.o.MaxSessions {
				seen[s.SessionID] = true
				out = append(out, s.SessionID)
			}
		}
	}
	return out, nil
}

// mark applies a progress change (and is how a run notices STOPPING set
// by another replica's Stop: the record is re-read each time).
func (b *Batches) mark(ctx context.Context, acct, id string, fn func(*BatchProgress)) {
	_, err := b.update(ctx, acct, id, func(bt *Batch) error { fn(&bt.Progress); return nil })
	if err != nil {
		b.log.Warn("batch progress", "id", id, "err", err)
	}
}

func tally(p *BatchProgress, row *BatchResultRow) {
	switch row.Status {
	case "COMPLETED":
		p.Completed++
	case "IGNORED":
		p.Ignored++
	default:
		p.Failed++
	}
	for _, r := range row.Results {
		for i := range p.Evaluators {
			e := &p.Evaluators[i]
			if e.EvaluatorID != r.EvaluatorID {
				continue
			}
			if e.DimensionName == "" {
				e.DimensionName = r.DimensionName
			}
			if r.Value != nil && r.ErrorCode == "" {
				e.Evaluated++
				e.ScoreSum += *r.Value
			} else {
				e.Failed++
			}
		}
	}
}

// finish sets the final status: STOPPED after a Stop, FAILED with reason
// (or when sessions failed and none completed), COMPLETED_WITH_ERRORS when some session
// or result failed, else COMPLETED. Unsupported insights are reported.
func (b *Batches) finish(ctx context.Context, acct, id, reason string) {
	bt, err := b.update(ctx, acct, id, func(bt *Batch) error {
		p := &bt.Progress
		p.InProgress = 0
		resultErrors := 0
		for _, e := range p.Evaluators {
			resultErrors += e.Failed
		}
		switch {
		case bt.Status == BatchStopping:
			bt.Status = BatchStopped
		case b.ctx.Err() != nil: // the server is shutting down
			bt.Status = BatchFailed
			bt.ErrorDetails = append(bt.ErrorDetails, "the server stopped while this batch evaluation was running; it was not resumed")
		case reason != "":
			bt.Status = BatchFailed
			bt.ErrorDetails = append(bt.ErrorDetails, reason)
		case p.Failed > 0 && p.Completed == 0:
			bt.Status = BatchFailed
			bt.ErrorDetails = append(bt.ErrorDetails, fmt.Sprintf("no session was evaluated: %d of %d sessions failed, %d were ignored (see GET /_agentcore/batch-evaluations/%s/results)", p.Failed, p.Total, p.Ignored, id))
		case p.Failed > 0 || resultErrors > 0:
			bt.Status = BatchCompletedWithErrors
			bt.ErrorDetails = append(bt.ErrorDetails, fmt.Sprintf("%d of %d sessions failed; %d evaluation results are errors (see GET /_agentcore/batch-evaluations/%s/results)", p.Failed, p.Total, resultErrors, id))
		default:
			bt.Status = BatchCompleted
		}
		for _, in := range bt.Insights {
			bt.ErrorDetails = append(bt.ErrorDetails, fmt.Sprintf("insight %s is not supported by this server; no insight results were produced", in))
		}
		return nil
	})
	if err != nil {
		b.log.Warn("finishing batch evaluation", "id", id, "err", err)
		return
	}
	b.log.Info("batch evaluation finished", "id", id, "status", bt.Status, "completed", bt.Progress.Completed, "failed", bt.Progress.Failed)
}
