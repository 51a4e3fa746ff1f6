package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Record change log: every commit of a memory's records bumps the memory's
// sequence row with a revision check and writes a log row naming the
// records it changed, in the same transaction. Sequence numbers are thus
// gap-free, and an index (one per server replica) catches up with other
// replicas' writes by replaying the log rows after the sequence it has
// seen; one whose sequence fell behind the pruned log reloads everything.

const (
	tblRecSeq = "memory_recseq" // acct|memoryId → {"seq":N}
	tblRecLog = "memory_reclog" // acct|memoryId|%019d(seq) → {"ids":[...]}
	keepLog   = 10_000          // log rows kept per memory
)

type seqRow struct {
	Seq int64 `json:"seq"`
}

type logRow struct {
	IDs []string `json:"ids"`
}

func logKey(acct, mem string, seq int64) string { return key(acct, mem, fmt.Sprintf("%019d", seq)) }

// readSeq returns the memory's record sequence and the row's revision (0
// when the memory has no records yet).
func (s *Service) readSeq(ctx context.Context, acct, mem string) (int64, int64, error) {
	it, err := s.kv.Get(ctx, tblRecSeq, key(acct, mem))
	if errs.KindOf(err) == errs.NotFound {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	var r seqRow
	if err := json.Unmarshal(it.Value, &r); err != nil {
		return 0, 0, fmt.Errorf("decode record sequence: %w", err)
	}
	return r.Seq, it.Revision, nil
}

// sync brings an index up to the store's latest committed records.
func (s *Service) sync(ctx context.Context, acct string, m *Memory, x *index) error {
	seq, _, err := s.readSeq(ctx, acct, m.ID)
	if err != nil {
		return err
	}
	x.mu.RLock()
	fresh := x.seq >= seq
	x.mu.RUnlock()
	if fresh {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	return s.catchUp(ctx, acct, m, x, seq)
}

// catchUp replays log rows (x.seq, seq] into the index; the caller holds
// x.mu.
func (s *Service) catchUp(ctx context.Context, acct string, m *Memory, x *index, seq int64) error {
	if x.seq >= seq {
		return nil
	}
	prefix := key(acct, m.ID, "")
	items, err := s.kv.List(ctx, tblRecLog, prefix, logKey(acct, m.ID, x.seq), int(seq-x.seq))
	if err != nil {
		return err
	}
	if len(items) == 0 || items[0].Key != logKey(acct, m.ID, x.seq+1) {
		return s.reload(ctx, acct, m, x) // the log was pruned past us
	}
	seal, err := newSealer(s.master, m.EncryptionKeyARN)
	if err != nil {
		return err
	}
	for _, it := range items {
		var l logRow
		if err := json.Unmarshal(it.Value, &l); err != nil {
			return fmt.Errorf("decode record log: %w", err)
		}
		for _, id := range l.IDs {
			rit, err := s.kv.Get(ctx, tblRecord, key(acct, m.ID, id))
			if errs.KindOf(err) == errs.NotFound {
				x.remove(id)
				continue
			}
			if err != nil {
				return err
			}
			var st storedRecord
			if err := json.Unmarshal(rit.Value, &st); err != nil {
				return fmt.Errorf("decode record %s: %w", id, err)
			}
			r, v, err := s.openRecord(ctx, seal, &st)
			if err != nil {
				return err
			}
			x.put(r, v)
		}
		n, _ := strconv.ParseInt(it.Key[strings.LastIndex(it.Key, "|")+1:], 10, 64)
		x.seq = n
	}
	return nil
}

// reload rebuilds an index from the store; the caller holds x.mu.
func (s *Service) reload(ctx context.Context, acct string, m *Memory, x *index) error {
	fresh := &index{dim: x.dim, pos: map[string]int{}}
	if err := s.loadIndex(ctx, acct, m, fresh); err != nil {
		return err
	}
	x.vecs, x.scales, x.recs, x.pos, x.sigs = fresh.vecs, fresh.scales, fresh.recs, fresh.pos, fresh.sigs
	x.nsOf, x.stratOf, x.expires, x.sets, x.setID, x.strats, x.stratID = fresh.nsOf, fresh.stratOf, fresh.expires, fresh.sets, fresh.setID, fresh.strats, fresh.stratID
	x.seq = fresh.seq
	return nil
}

// seqOps are the writes that log a commit of ids as sequence seq+1.
func seqOps(acct, mem string, seq, rev int64, ids []string) []store.Op {
	row := store.Op{Kind: store.OpUpdate, Table: tblRecSeq, Key: key(acct, mem), Value: mustJSON(seqRow{Seq: seq + 1}), Revision: rev}
	if rev == 0 {
		row.Kind = store.OpCreate
	}
	ops := []store.Op{row, {Kind: store.OpCreate, Table: tblRecLog, Key: logKey(acct, mem, seq+1), Value: mustJSON(logRow{IDs: ids})}}
	if old := seq + 1 - keepLog; old > 0 && old%100 == 0 { // prune in steps of 100
		for n := old - 99; n <= old; n++ {
			ops = append(ops, store.Op{Kind: store.OpDelete, Table: tblRecLog, Key: logKey(acct, mem, n), Revision: -1})
		}
	}
	return ops
}
