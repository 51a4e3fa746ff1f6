package evaluation

import (
	"context"
	"errors"
	"time"
)

// A batch runs in the replica that started it (Owner), which records a
// heartbeat while it runs. A replica fails a PENDING / IN_PROGRESS /
// STOPPING batch only when it was its own (its previous run: Open at
// start-up), when no replica owns it (a single server's, or one written
// before owners existed), or when the owner's heartbeat is stale: the
// owner stopped. The sweep of stale batches runs on one replica (Leader).

// stale reports whether bt's owner has stopped heart-beating.
func (b *Batches) stale(bt *Batch) bool {
	return b.o.Now().Sub(bt.Heartbeat) > 3*b.o.Heartbeat
}

// interrupted reports whether a batch left unfinished is to be failed:
// at start-up (sweep false) this replica's own, unowned, or stale ones;
// in the sweep only stale ones of other replicas.
func (b *Batches) interrupted(bt *Batch, sweep bool) bool {
	if bt.Owner != "" && bt.Owner == b.o.Node {
		return !sweep // ours: a previous run's at start-up; a live one in the sweep
	}
	if bt.Owner == "" && !sweep {
		return true
	}
	return b.stale(bt)
}

// recover fails the unfinished batches interrupted selects.
func (b *Batches) recover(ctx context.Context, sweep bool) error {
	after := ""
	for {
		items, err := b.kv.List(ctx, tblBatch, "", after, 500)
		if err != nil || len(items) == 0 {
			return err
		}
		for _, it := range items {
			acct, id, _ := cutLast(it.Key)
			why := "the server restarted while this batch evaluation was running; it was not resumed"
			_, err := b.update(ctx, acct, id, func(bt *Batch) error {
				switch bt.Status {
				case BatchPending, BatchInProgress, BatchStopping:
				default:
					return errNoChange
				}
				if !b.interrupted(bt, sweep) {
					return errNoChange
				}
				if bt.Owner != "" && bt.Owner != b.o.Node {
					why = "the server replica running this batch evaluation (" + bt.Owner + ") stopped; it was not resumed"
				}
				if bt.Status == BatchStopping {
					bt.Status = BatchStopped
				} else {
					bt.Status = BatchFailed
				}
				bt.Progress.InProgress = 0
				bt.ErrorDetails = append(bt.ErrorDetails, why)
				return nil
			})
			if err != nil && !errors.Is(err, errNoChange) {
				return err
			}
			if err == nil {
				b.log.Warn("batch evaluation interrupted", "id", id, "reason", why)
			}
		}
		after = items[len(items)-1].Key
	}
}

// sweep fails, every heartbeat, the batches of replicas that stopped.
func (b *Batches) sweep() {
	t := time.NewTicker(b.o.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-b.ctx.Done():
			return
		case <-t.C:
		}
		if b.o.Leader != nil && !b.o.Leader(b.ctx, "evaluation-batch-sweep", 3*b.o.Heartbeat) {
			continue
		}
		if err := b.recover(b.ctx, true); err != nil && b.ctx.Err() == nil {
			b.log.Warn("batch evaluation sweep", "err", err)
		}
	}
}

// heartbeat records, every Heartbeat until ctx ends, that this replica
// still runs the batch.
func (b *Batches) heartbeat(ctx context.Context, acct, id string) {
	t := time.NewTicker(b.o.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		_, err := b.update(context.WithoutCancel(ctx), acct, id, func(bt *Batch) error {
			switch bt.Status {
			case BatchPending, BatchInProgress, BatchStopping:
				bt.Heartbeat = b.o.Now().UTC()
				return nil
			}
			return errNoChange
		})
		if errors.Is(err, errNoChange) {
			return
		}
	}
}
