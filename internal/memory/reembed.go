package memory

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// tblReembed holds one progress row per memory (key acct|memoryId) for
// the background pass that embeds again the records another embedder
// wrote: the embedder it works for, the last record key it finished (the
// pass resumes after it) and its counts.
const tblReembed = "memory_reembed"

// reembedBatch is how many records the pass embeds per batch (and per
// progress write).
const reembedBatch = 64

// Reembedding is the progress of the background pass for one memory
// (agentcore's extension field `agentcoreReembedding` of GetMemory).
type Reembedding struct {
	Embedder string `json:"embedder"`
	// Status is PENDING (not started for this embedder), RUNNING or
	// COMPLETED.
	Status string `json:"status"`
	// RecordsTotal is the number of records when the pass started;
	// RecordsChecked how many it has read; RecordsReembedded how many of
	// those it embedded again (the others already had this embedder's
	// vector).
	RecordsTotal      int    `json:"recordsTotal"`
	RecordsChecked    int    `json:"recordsChecked"`
	RecordsReembedded int    `json:"recordsReembedded"`
	UpdatedAt         Epoch  `json:"updatedAt"`
	After             string `json:"-"`
}

type reembedRow struct {
	Reembedding
	After string `json:"after"`
}

// reembedding reads a memory's progress row as seen by this server's
// embedder (PENDING when the row is for another embedder or absent).
func (s *Service) reembedding(ctx context.Context, acct, id string) (*Reembedding, int64, error) {
	row, rev, err := store.GetJSON[reembedRow](ctx, s.kv, tblReembed, key(acct, id))
	if errs.KindOf(err) == errs.NotFound || (err == nil && row.Embedder != s.emb.Name()) {
		return &Reembedding{Embedder: s.emb.Name(), Status: "PENDING"}, rev, nil
	}
	if err != nil {
		return nil, 0, err
	}
	row.Reembedding.After = row.After
	return &row.Reembedding, rev, nil
}

// reembedder runs the pass over every memory at start and every interval
// after, on one replica at a time (the "memory-reembed" lease, renewed per
// batch).
func (s *Service) reembedder(interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if err := s.reembedAll(s.ctx); err != nil && s.ctx.Err() == nil {
			s.log.Warn("memory: re-embedding pass", "err", err)
		}
		select {
		case <-s.ctx.Done():
			return
		case <-tick.C:
		}
	}
}

var errLeaseLost = errors.New("the memory-reembed lease is held by another replica")

func (s *Service) holdReembedLease(ctx context.Context) bool {
	return s.leader == nil || s.leader(ctx, "memory-reembed", 2*time.Minute)
}

// reembedAll runs the pass for each memory whose progress row is not
// COMPLETED for this embedder.
func (s *Service) reembedAll(ctx context.Context) error {
	after := ""
	for ctx.Err() == nil {
		items, err := s.kv.List(ctx, tblMemory, "", after, 100)
		if err != nil {
			return err
		}
		for _, it := range items {
			after = it.Key
			var m Memory
			if json.Unmarshal(it.Value, &m) != nil {
				continue
			}
			acct := it.Key[:len(it.Key)-len(m.ID)-1]
			if err := s.reembedMemory(ctx, acct, &m); err != nil {
				return err
			}
		}
		if len(items) < 100 {
			return nil
		}
	}
	return ctx.Err()
}

// reembedMemory embeds again, in batches, the memory's records written by
// another embedder, writing each batch's vectors into the records (at the
// revisions read) and the progress row after it, so a stopped pass
// resumes after the last finished batch.
func (s *Service) reembedMemory(ctx context.Context, acct string, m *Memory) error {
	p, rev, err := s.reembedding(ctx, acct, m.ID)
	if err != nil || p.Status == "COMPLETED" {
		return err
	}
	if !s.holdReembedLease(ctx) {
		return errLeaseLost
	}
	seal, err := newSealer(s.master, m.EncryptionKeyARN)
	if err != nil {
		return err
	}
	prefix := key(acct, m.ID, "")
	if p.Status == "PENDING" {
		n, err := s.countRecords(ctx, prefix)
		if err != nil {
			return err
		}
		p = &Reembedding{Embedder: s.emb.Name(), Status: "RUNNING", RecordsTotal: n}
	}
	for ctx.Err() == nil {
		items, err := s.kv.List(ctx, tblRecord, prefix, p.After, reembedBatch)
		if err != nil {
			return err
		}
		var texts []string
		var stale []store.Item
		for _, it := range items {
			var st storedRecord
			if json.Unmarshal(it.Value, &st) != nil {
				continue
			}
			r, v, err := s.decodeRecord(seal, &st)
			if err != nil {
				return err
			}
			if v == nil {
				texts, stale = append(texts, r.Content.Text), append(stale, it)
			}
		}
		if len(stale) > 0 {
			vs, err := s.emb.Embed(ctx, texts)
			if err != nil {
				return err
			}
			s.storeVectors(ctx, stale, vs)
		}
		p.RecordsChecked += len(items)
		p.RecordsReembedded += len(stale)
		if len(items) > 0 {
			p.After = items[len(items)-1].Key
		}
		if len(items) < reembedBatch {
			p.Status = "COMPLETED"
			p.RecordsTotal = max(p.RecordsTotal, p.RecordsChecked)
		}
		p.UpdatedAt = Epoch(s.now())
		if rev, err = s.putReembed(ctx, acct, m.ID, p, rev); err != nil {
			return err
		}
		if p.Status == "COMPLETED" {
			if p.RecordsReembedded > 0 {
				s.log.Info("memory: records embedded again in the background", "memory", m.ID, "records", p.RecordsReembedded, "embedder", p.Embedder)
			}
			return nil
		}
		if !s.holdReembedLease(ctx) {
			return errLeaseLost
		}
	}
	return ctx.Err()
}

// putReembed writes the progress row at the revision read (0: create), so
// two passes never both advance it.
func (s *Service) putReembed(ctx context.Context, acct, id string, p *Reembedding, rev int64) (int64, error) {
	op := store.Op{Kind: store.OpUpdate, Table: tblReembed, Key: key(acct, id), Value: mustJSON(reembedRow{Reembedding: *p, After: p.After}), Revision: rev}
	if rev == 0 {
		op.Kind = store.OpCreate
	}
	if err := s.kv.Txn(ctx, op); err != nil {
		return 0, err
	}
	it, err := s.kv.Get(ctx, tblReembed, key(acct, id))
	if err != nil {
		return 0, err
	}
	return it.Revision, nil
}

func (s *Service) countRecords(ctx context.Context, prefix string) (int, error) {
	n, after := 0, ""
	for {
		items, err := s.kv.List(ctx, tblRecord, prefix, after, 1000)
		if err != nil {
			return 0, err
		}
		n += len(items)
		if len(items) < 1000 {
			return n, nil
		}
		after = items[len(items)-1].Key
	}
}
