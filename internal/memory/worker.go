package memory

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// queueRow is a pending job in the global work queue. Its key starts with
// the enqueue time so workers take jobs oldest first; a worker owns a row
// while its lease runs. Strategy, actor and session let a worker batch the
// pending jobs of one conversation into one model call.
type queueRow struct {
	Account    string    `json:"account"`
	MemoryID   string    `json:"memoryId"`
	JobID      string    `json:"jobId"`
	StrategyID string    `json:"strategyId,omitempty"`
	ActorID    string    `json:"actorId,omitempty"`
	SessionID  string    `json:"sessionId,omitempty"`
	Kind       string    `json:"kind,omitempty"`
	Owner      string    `json:"owner,omitempty"`
	LeaseUntil time.Time `json:"leaseUntil"`
}

func queueRowOf(acct string, j *Job) queueRow {
	return queueRow{Account: acct, MemoryID: j.MemoryID, JobID: j.JobID, StrategyID: j.StrategyID, ActorID: j.ActorID, SessionID: j.SessionID, Kind: j.Kind}
}

func (q *queueRow) sameConversation(o *queueRow) bool {
	return q.StrategyID != "" && q.Account == o.Account && q.MemoryID == o.MemoryID && q.StrategyID == o.StrategyID &&
		q.ActorID == o.ActorID && q.SessionID == o.SessionID && q.Kind == o.Kind && q.Kind == ""
}

// completedJobRetention is how long COMPLETED jobs stay listed.
const completedJobRetention = 24 * time.Hour

// maxBatch bounds how many pending jobs of one conversation a worker
// extracts in one model call.
const maxBatch = 10

// leased is one queue row a worker owns, at the revision it last wrote.
type leased struct {
	key string
	row queueRow
	rev int64
}

// lease is the set of queue rows a worker owns while it runs a batch; a
// commit deletes them at their current revisions, so a worker that lost a
// lease to another can never commit the same job twice.
type lease struct {
	mu   sync.Mutex
	rows []*leased
	lost bool
}

func (l *lease) dropOps() []store.Op {
	l.mu.Lock()
	defer l.mu.Unlock()
	ops := make([]store.Op, len(l.rows))
	for i, r := range l.rows {
		ops[i] = store.Op{Kind: store.OpDelete, Table: tblQueue, Key: r.key, Revision: r.rev}
	}
	return ops
}

func (s *Service) worker() {
	for s.ctx.Err() == nil {
		if s.runOne(s.ctx) {
			continue
		}
		select {
		case <-s.ctx.Done():
			return
		case <-s.wake:
		case <-time.After(s.poll):
		}
	}
}

// take leases one queue row (false when another worker got it first).
func (s *Service) take(ctx context.Context, it store.Item, q *queueRow) (*leased, bool) {
	q.Owner, q.LeaseUntil = s.owner, s.now().Add(s.lease)
	if err := s.kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: tblQueue, Key: it.Key, Value: mustJSON(q), Revision: it.Revision}); err != nil {
		return nil, false
	}
	return &leased{key: it.Key, row: *q, rev: it.Revision + 1}, true
}

// claim leases the oldest free queue row and the other free rows of the
// same conversation (up to maxBatch).
func (s *Service) claim(ctx context.Context) *lease {
	items, err := s.kv.List(ctx, tblQueue, "", "", 200)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("reading the extraction queue", "err", err)
		}
		return nil
	}
	now := s.now()
	var l *lease
	for _, it := range items {
		q, err := decode[queueRow](it.Value)
		if err != nil {
			s.kv.Txn(ctx, store.Op{Kind: store.OpDelete, Table: tblQueue, Key: it.Key, Revision: -1})
			continue
		}
		if now.Before(q.LeaseUntil) || (l != nil && !l.rows[0].row.sameConversation(q)) {
			continue
		}
		r, ok := s.take(ctx, it, q)
		if !ok {
			continue
		}
		if l == nil {
			l = &lease{}
		}
		l.rows = append(l.rows, r)
		if len(l.rows) == maxBatch || l.rows[0].row.StrategyID == "" {
			break
		}
	}
	return l
}

// runOne processes one batch; false when there was nothing to do.
func (s *Service) runOne(ctx context.Context) bool {
	l := s.claim(ctx)
	if l == nil {
		return false
	}
	first := l.rows[0].row
	jctx, cancel := context.WithCancel(tenant.With(ctx, tenant.Tenant{Account: first.Account}))
	defer cancel()
	go s.heartbeat(jctx, l)
	if err := s.process(jctx, l); err != nil && ctx.Err() == nil {
		s.log.Warn("extraction job", "job", first.JobID, "memory", first.MemoryID, "batch", len(l.rows), "err", err)
	}
	return true
}

// heartbeat renews the leases while a batch runs.
func (s *Service) heartbeat(ctx context.Context, l *lease) {
	t := time.NewTicker(s.lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		l.mu.Lock()
		for _, r := range l.rows {
			r.row.LeaseUntil = s.now().Add(s.lease)
			if err := s.kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: tblQueue, Key: r.key, Value: mustJSON(r.row), Revision: r.rev}); err != nil {
				if ctx.Err() == nil {
					l.lost = true
				}
				continue
			}
			r.rev++
		}
		l.mu.Unlock()
	}
}

// stillOwned reports whether every row of the lease is still at the
// revision this worker wrote.
func (s *Service) stillOwned(ctx context.Context, l *lease) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lost {
		return false
	}
	for _, r := range l.rows {
		it, err := s.kv.Get(ctx, tblQueue, r.key)
		if err != nil || it.Revision != r.rev {
			return false
		}
	}
	return true
}

// errRetry marks failures the job should be retried after (a concurrent
// change to the records it consolidated against).
var errRetry = errors.New("retry")

// errLost: another worker took over a lease (this one stalled); the batch
// is abandoned uncommitted.
var errLost = errors.New("lease lost to another worker")

func (s *Service) process(ctx context.Context, l *lease) error {
	acct, memID := l.rows[0].row.Account, l.rows[0].row.MemoryID
	// Load the jobs; finished or vanished ones just leave the queue.
	var jobs []*Job
	var live []*leased
	var drop []store.Op
	for _, r := range l.rows {
		job, _, err := getJSON[Job](ctx, s.kv, tblJob, key(acct, memID, r.row.JobID), "job")
		if err != nil && errs.KindOf(err) != errs.NotFound {
			return err
		}
		if err != nil || job.Status == JobCompleted || job.Status == JobFailed {
			drop = append(drop, store.Op{Kind: store.OpDelete, Table: tblQueue, Key: r.key, Revision: -1})
			continue
		}
		job.Acct = acct
		jobs = append(jobs, job)
		live = append(live, r)
	}
	l.mu.Lock()
	l.rows = live
	l.mu.Unlock()
	if len(drop) > 0 {
		if err := s.kv.Txn(ctx, drop...); err != nil {
			return err
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	m, _, err := s.loadMemory(ctx, acct, memID)
	if errs.KindOf(err) == errs.NotFound {
		return s.kv.Txn(ctx, l.dropOps()...)
	}
	if err != nil {
		return err
	}
	now := s.now().UTC()
	finish := func(status, reason string) []store.Op {
		ops := l.dropOps()
		for _, j := range jobs {
			j.Attempts++
			j.Status, j.FailureReason, j.UpdatedAt = status, reason, now
			jk := key(acct, memID, j.JobID)
			ops = append(ops, store.Op{Kind: store.OpPut, Table: tblJob, Key: jk, Value: mustJSON(j)})
			if status == JobCompleted { // FAILED jobs stay until redriven or the memory goes
				ops = append(ops, store.Op{Kind: store.OpPut, Table: tblExpiry, Key: fmt.Sprintf("%019d|job:%s", now.Add(completedJobRetention).UnixMilli(), jk), Value: []byte("{}")})
			}
		}
		return ops
	}
	commitFailure := func(reason string) error {
		err := s.kv.Txn(ctx, finish(JobFailed, reason)...)
		if errs.KindOf(err) == errs.Conflict {
			return errLost
		}
		return err
	}
	if jobs[0].Kind == "stream" {
		err := s.streamOut(ctx, acct, m, jobs[0])
		if errors.Is(err, errBackoff) && ctx.Err() == nil {
			if again, perr := s.postpone(ctx, l, jobs, err.Error()); again || perr != nil {
				return err
			}
			return commitFailure(err.Error())
		}
		if err != nil {
			return err
		}
		return s.kv.Txn(ctx, finish(JobCompleted, "")...)
	}
	st, err := s.strategy(m, jobs[0].StrategyID)
	if err != nil {
		return commitFailure("the strategy was deleted from the memory")
	}
	x, err := s.index(ctx, acct, m)
	if err != nil {
		return err
	}
	// One extraction over the messages of every job in the batch.
	batch := *jobs[0]
	batch.Messages = nil
	for _, j := range jobs {
		batch.Messages = append(batch.Messages, j.Messages...)
	}
	sort.SliceStable(batch.Messages, func(a, b int) bool { return batch.Messages[a].EventID < batch.Messages[b].EventID })
	for attempt := 0; ; attempt++ {
		var writes []recordWrite
		switch batch.Kind {
		case "reflection":
			writes, err = s.reflect(ctx, acct, m, st, x, &batch)
		case "delivery":
			err = s.deliver(ctx, acct, m, st, &batch)
		default:
			writes, err = s.extract(ctx, acct, m, st, x, &batch)
		}
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, errRetry) {
				return err // the lease runs out and the job is taken again
			}
			if errors.Is(err, errBackoff) {
				if again, perr := s.postpone(ctx, l, jobs, err.Error()); again || perr != nil {
					return err
				}
			}
			return commitFailure(err.Error())
		}
		x.mu.Lock()
		err = s.commitRecords(ctx, acct, m, x, writes, append(finish(JobCompleted, ""), reflectionJobOps(acct, st, &batch, writes, now)...)...)
		x.mu.Unlock()
		if errs.KindOf(err) == errs.Conflict {
			if !s.stillOwned(ctx, l) || attempt >= 3 {
				return errLost
			}
			for _, j := range jobs {
				j.Attempts-- // finish counts the attempt again
			}
			continue // a record changed under us: consolidate again
		}
		if err != nil {
			return err // the lease runs out and the job is taken again
		}
		s.log.Debug("extraction batch done", "jobs", len(jobs), "writes", len(writes))
		return nil
	}
}
