package memory

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/embed"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// index is the in-memory vector index of one memory's records: the
// L2-normalised vectors quantized to int16 (embed.Quantize, one scale per
// vector) and kept contiguous, searched by brute-force integer dot product
// (cosine to ~1e-3) so a search streams half the bytes of float32. It is
// loaded from the store on first use and updated after every committed
// write; mu also serialises a memory's record writes so the index applies
// them in commit order.
type index struct {
	mu     sync.RWMutex
	dim    int
	vecs   []int16   // len = len(recs) * dim
	scales []float32 // per vector
	recs   []*Record
	pos    map[string]int
	// exactOnly turns the approximate path off (tests, small indexes).
	exactOnly bool
	// seq is the record change-log sequence the index reflects (sync.go).
	seq int64
	// lex: BM25 statistics for the hybrid re-rank (hybrid.go).
	lex lexicon

	// Filter columns, contiguous so a scan touches no record: the
	// record's interned namespace set and strategy, and its expiry.
	sigs    []uint64 // sign bits of each vector, words() per record (approx.go)
	nsOf    []int32
	stratOf []int32
	expires []int64 // unix ms; 0 = never
	sets    [][]string
	setID   map[string]int32
	strats  []string
	stratID map[string]int32
}

// filter selects records: namespaces is evaluated once per distinct
// namespace set, strategy and expiry from columns, meta (metadata
// conditions, rare) on the record itself.
type filter struct {
	namespaces func([]string) bool
	strategy   string
	meta       func(*Record) bool
	now        int64
}

// match applies the filter to one record (listing, not the hot path).
func (f *filter) match(r *Record) bool {
	if r.ExpiresAt != nil && r.ExpiresAt.Time().UnixMilli() <= f.now {
		return false
	}
	if f.strategy != "" && r.StrategyID != f.strategy {
		return false
	}
	if f.namespaces != nil && !f.namespaces(r.Namespaces) {
		return false
	}
	return f.meta == nil || f.meta(r)
}

func (x *index) intern(r *Record) (int32, int32) {
	if x.setID == nil {
		x.setID, x.stratID = map[string]int32{}, map[string]int32{}
	}
	k := strings.Join(r.Namespaces, "\x00")
	ns, ok := x.setID[k]
	if !ok {
		ns = int32(len(x.sets))
		x.setID[k] = ns
		x.sets = append(x.sets, r.Namespaces)
	}
	st, ok := x.stratID[r.StrategyID]
	if !ok {
		st = int32(len(x.strats))
		x.stratID[r.StrategyID] = st
		x.strats = append(x.strats, r.StrategyID)
	}
	return ns, st
}

// storedRecord is a record as kept in the store.
type storedRecord struct {
	Record
	Vec      []byte `json:"vec,omitempty"` // little-endian float32
	Embedder string `json:"embedder,omitempty"`
	Sealed   []byte `json:"sealed,omitempty"`
}

func packVec(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return b
}

func unpackVec(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

func (x *index) put(r *Record, v []float32) {
	if len(v) != x.dim {
		v = append(make([]float32, 0, x.dim), v...)[:min(len(v), x.dim)]
		v = append(v, make([]float32, x.dim-len(v))...)
	}
	i, ok := x.pos[r.MemoryRecordID]
	if !ok {
		i = len(x.recs)
		x.pos[r.MemoryRecordID] = i
		x.recs = append(x.recs, r)
		x.vecs = append(x.vecs, make([]int16, x.dim)...)
		x.scales = append(x.scales, 0)
		x.sigs = append(x.sigs, make([]uint64, x.words())...)
		x.nsOf, x.stratOf, x.expires = append(x.nsOf, 0), append(x.stratOf, 0), append(x.expires, 0)
	} else {
		x.lex.add(x.recs[i].Content.Text, -1)
	}
	x.lex.add(r.Content.Text, 1)
	x.recs[i] = r
	x.nsOf[i], x.stratOf[i] = x.intern(r)
	x.expires[i] = 0
	if r.ExpiresAt != nil {
		x.expires[i] = r.ExpiresAt.Time().UnixMilli()
	}
	x.scales[i] = embed.Quantize(v, x.vecs[i*x.dim:(i+1)*x.dim])
	signBits(v, x.sigs[i*x.words():(i+1)*x.words()])
}

func (x *index) remove(id string) {
	i, ok := x.pos[id]
	if !ok {
		return
	}
	x.lex.add(x.recs[i].Content.Text, -1)
	last := len(x.recs) - 1
	if i != last {
		x.recs[i] = x.recs[last]
		x.scales[i] = x.scales[last]
		x.nsOf[i], x.stratOf[i], x.expires[i] = x.nsOf[last], x.stratOf[last], x.expires[last]
		copy(x.vecs[i*x.dim:(i+1)*x.dim], x.vecs[last*x.dim:])
		w := x.words()
		copy(x.sigs[i*w:(i+1)*w], x.sigs[last*w:])
		x.pos[x.recs[i].MemoryRecordID] = i
	}
	x.recs = x.recs[:last]
	x.scales = x.scales[:last]
	x.nsOf, x.stratOf, x.expires = x.nsOf[:last], x.stratOf[:last], x.expires[:last]
	x.sigs = x.sigs[:last*x.words()]
	x.vecs = x.vecs[:last*x.dim]
	delete(x.pos, id)
}

type hit struct {
	i     int
	score float32
}

// search returns the k best records passing keep, best first.
func (x *index) search(qf []float32, k int, f *filter) []hit {
	q := make([]int16, x.dim)
	qs := embed.Quantize(qf[:min(len(qf), x.dim)], q)
	n := len(x.recs)
	c := compiled{strat: -1}
	if f != nil {
		c.now, c.meta = f.now, f.meta
		if f.namespaces != nil {
			c.sets = make([]bool, len(x.sets))
			for i, set := range x.sets {
				c.sets[i] = f.namespaces(set)
			}
		}
		if f.strategy != "" {
			id, ok := x.stratID[f.strategy]
			if !ok {
				return nil
			}
			c.strat = id
		}
	}
	if n >= approxMin && !x.exactOnly {
		return x.approxSearch(qf, q, qs, k, &c)
	}
	return x.exactSearch(q, qs, k, &c)
}

// exactSearch scores every record passing the filter.
func (x *index) exactSearch(q []int16, qs float32, k int, c *compiled) []hit {
	n := len(x.recs)
	parts := 1
	if n >= 20000 {
		parts = runtime.GOMAXPROCS(0)
	}
	results := make([][]hit, parts)
	var wg sync.WaitGroup
	for p := 0; p < parts; p++ {
		lo, hi := p*n/parts, (p+1)*n/parts
		wg.Add(1)
		go func(p, lo, hi int) {
			defer wg.Done()
			results[p] = x.scan(q, qs, k, lo, hi, c)
		}(p, lo, hi)
	}
	wg.Wait()
	var all []hit
	for _, r := range results {
		all = append(all, r...)
	}
	sort.Slice(all, func(a, b int) bool {
		if all[a].score != all[b].score {
			return all[a].score > all[b].score
		}
		return x.recs[all[a].i].MemoryRecordID < x.recs[all[b].i].MemoryRecordID
	})
	if len(all) > k {
		all = all[:k]
	}
	return all
}

// scan keeps a min-heap of the k best hits in [lo, hi).
// compiled is a filter resolved against one index for one search.
type compiled struct {
	sets  []bool // by namespace set; nil = any
	strat int32  // -1 = any
	now   int64
	meta  func(*Record) bool
}

func (x *index) scan(q []int16, qs float32, k, lo, hi int, c *compiled) []hit {
	h := make([]hit, 0, k)
	d := x.dim
	for i := lo; i < hi; i++ {
		if c.sets != nil && !c.sets[x.nsOf[i]] || c.strat >= 0 && x.stratOf[i] != c.strat ||
			x.expires[i] != 0 && x.expires[i] <= c.now || c.meta != nil && !c.meta(x.recs[i]) {
			continue // the filter is cheaper than the dot product
		}
		s := float32(embed.DotInt16(q, x.vecs[i*d:(i+1)*d])) * x.scales[i] * qs
		if len(h) == k && s <= h[0].score {
			continue
		}
		if len(h) < k {
			h = append(h, hit{i, s})
			for c := len(h) - 1; c > 0; { // sift up
				p := (c - 1) / 2
				if h[p].score <= h[c].score {
					break
				}
				h[p], h[c] = h[c], h[p]
				c = p
			}
			continue
		}
		h[0] = hit{i, s}
		for c := 0; ; { // sift down
			l, r, m := 2*c+1, 2*c+2, c
			if l < len(h) && h[l].score < h[m].score {
				m = l
			}
			if r < len(h) && h[r].score < h[m].score {
				m = r
			}
			if m == c {
				break
			}
			h[m], h[c] = h[c], h[m]
			c = m
		}
	}
	return h
}

// index returns the loaded index of a memory (loading it on first use).
func (s *Service) index(ctx context.Context, acct string, m *Memory) (*index, error) {
	k := key(acct, m.ID)
	s.idxMu.Lock()
	x, ok := s.indexes[k]
	if !ok {
		x = &index{dim: s.emb.Dimensions(), pos: map[string]int{}}
		x.mu.Lock() // held until loaded
		s.indexes[k] = x
	}
	s.idxMu.Unlock()
	if ok {
		return x, s.sync(ctx, acct, m, x)
	}
	err := s.loadIndex(ctx, acct, m, x)
	x.mu.Unlock()
	if err != nil {
		s.dropIndex(acct, m.ID)
		return nil, err
	}
	return x, nil
}

func (s *Service) dropIndex(acct, id string) {
	s.idxMu.Lock()
	delete(s.indexes, key(acct, id))
	s.idxMu.Unlock()
}

func (s *Service) loadIndex(ctx context.Context, acct string, m *Memory, x *index) error {
	seal, err := newSealer(s.master, m.EncryptionKeyARN)
	if err != nil {
		return err
	}
	seq, _, err := s.readSeq(ctx, acct, m.ID) // before the records: a later commit is replayed
	if err != nil {
		return err
	}
	x.seq = seq
	prefix := key(acct, m.ID, "")
	after := ""
	for {
		items, err := s.kv.List(ctx, tblRecord, prefix, after, 1000)
		if err != nil {
			return err
		}
		var stale []*Record // written by another embedder: embedded again, in one batch per page
		var staleItems []store.Item
		for _, it := range items {
			after = it.Key
			var st storedRecord
			if err := json.Unmarshal(it.Value, &st); err != nil {
				return fmt.Errorf("decode record %s: %w", it.Key, err)
			}
			r, v, err := s.decodeRecord(seal, &st)
			if err != nil {
				return err
			}
			if v == nil {
				stale, staleItems = append(stale, r), append(staleItems, it)
				continue
			}
			x.put(r, v)
		}
		if len(stale) > 0 {
			texts := make([]string, len(stale))
			for i, r := range stale {
				texts[i] = r.Content.Text
			}
			vs, err := s.emb.Embed(ctx, texts)
			if err != nil {
				return fmt.Errorf("embedding %d records written by another embedder: %w", len(stale), err)
			}
			s.log.Info("memory: records embedded again for this embedder", "memory", m.ID, "records", len(stale), "embedder", s.emb.Name())
			for i, r := range stale {
				x.put(r, vs[i])
			}
			s.storeVectors(ctx, staleItems, vs)
		}
		if len(items) < 1000 {
			return nil
		}
	}
}

// storeVectors writes vectors made again by this embedder back into their
// records (at the revisions read, so a record changed meanwhile is left to
// its writer), so that the next start does not embed them again. Failures
// are logged: the index holds the vectors either way.
func (s *Service) storeVectors(ctx context.Context, items []store.Item, vs [][]float32) {
	written := 0
	for i, it := range items {
		var st storedRecord
		if json.Unmarshal(it.Value, &st) != nil {
			continue
		}
		st.Vec, st.Embedder = packVec(vs[i]), s.emb.Name()
		b, err := json.Marshal(&st)
		if err != nil {
			continue
		}
		err = s.kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: tblRecord, Key: it.Key, Value: b, Revision: it.Revision})
		switch {
		case err == nil:
			written++
		case errs.KindOf(err) != errs.Conflict && errs.KindOf(err) != errs.NotFound:
			s.log.Warn("memory: storing a record's new vector", "key", it.Key, "err", err)
		}
	}
	if written > 0 {
		s.log.Info("memory: new vectors stored", "records", written, "embedder", s.emb.Name())
	}
}

// openRecord decrypts a stored record and returns its vector, embedding
// again when it was made by another embedder (vectors carry the name and
// version of the embedder that wrote them and are never compared across
// embedders).
func (s *Service) openRecord(ctx context.Context, seal *sealer, st *storedRecord) (*Record, []float32, error) {
	r, v, err := s.decodeRecord(seal, st)
	if err != nil || v != nil {
		return r, v, err
	}
	vs, err := s.emb.Embed(ctx, []string{r.Content.Text})
	if err != nil {
		return nil, nil, fmt.Errorf("embedding record %s: %w", r.MemoryRecordID, err)
	}
	return r, vs[0], nil
}

// decodeRecord decrypts a stored record; its vector is nil when another
// embedder (name or size) made it.
func (s *Service) decodeRecord(seal *sealer, st *storedRecord) (*Record, []float32, error) {
	r := st.Record
	if len(st.Sealed) > 0 {
		if seal == nil {
			return nil, nil, fmt.Errorf("record %s is encrypted but the memory has no key", r.MemoryRecordID)
		}
		plain, err := seal.open(st.Sealed)
		if err != nil {
			return nil, nil, fmt.Errorf("decrypt record %s: %w", r.MemoryRecordID, err)
		}
		r.Content.Text = string(plain)
	}
	v := unpackVec(st.Vec)
	if st.Embedder != s.emb.Name() || len(v) != s.emb.Dimensions() {
		v = nil
	}
	return &r, v, nil
}
