package memory

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/google/uuid"
)

func newRecordID() string { return "mem-" + uuid.NewString() }

// recordWrite is one record change inside a commit.
type recordWrite struct {
	rec    *Record // nil = delete
	id     string
	rev    int64 // expected revision for updates/deletes (0 = create)
	create bool
}

// commitRecords embeds and writes record changes plus extra ops in one
// transaction, then applies them to the index. The caller holds x.mu.
func (s *Service) commitRecords(ctx context.Context, acct string, m *Memory, x *index, ws []recordWrite, extra ...store.Op) error {
	seal, err := newSealer(s.master, m.EncryptionKeyARN)
	if err != nil {
		return err
	}
	var texts []string
	for _, w := range ws {
		if w.rec != nil {
			texts = append(texts, w.rec.Content.Text)
		}
	}
	vecs, err := s.emb.Embed(ctx, texts)
	if err != nil {
		return errs.Wrap(errs.Unavailable, err, "embedding memory records")
	}
	ops := make([]store.Op, 0, len(ws)+len(extra))
	vi := 0
	vs := make([][]float32, len(ws))
	for i, w := range ws {
		k := key(acct, m.ID, w.id)
		if w.rec == nil {
			ops = append(ops, store.Op{Kind: store.OpDelete, Table: tblRecord, Key: k, Revision: w.rev})
			continue
		}
		vs[i] = vecs[vi]
		vi++
		st := storedRecord{Record: *w.rec, Vec: packVec(vs[i]), Embedder: s.emb.Name()}
		st.Score = nil
		if seal != nil {
			st.Sealed = seal.seal([]byte(st.Content.Text))
			st.Content.Text = ""
		}
		kind := store.OpUpdate
		if w.create {
			kind = store.OpCreate
		}
		ops = append(ops, store.Op{Kind: kind, Table: tblRecord, Key: k, Value: mustJSON(st), Revision: w.rev})
	}
	ops = append(ops, extra...)
	ops = append(ops, streamOps(acct, m, seal, ws, s.now())...)
	ids := make([]string, len(ws))
	for i, w := range ws {
		ids[i] = w.id
	}
	for attempt := 0; ; attempt++ {
		seq, rev, err := s.readSeq(ctx, acct, m.ID)
		if err != nil {
			return err
		}
		if err := s.catchUp(ctx, acct, m, x, seq); err != nil {
			return err
		}
		err = s.kv.Txn(ctx, append(ops, seqOps(acct, m.ID, seq, rev, ids)...)...)
		if errs.KindOf(err) == errs.Conflict && attempt < 10 {
			if now, _, rerr := s.readSeq(ctx, acct, m.ID); rerr == nil && now != seq {
				continue // another replica committed first: catch up and retry
			}
		}
		if err != nil {
			return err
		}
		x.seq = seq + 1
		break
	}
	for i, w := range ws {
		if w.rec == nil {
			x.remove(w.id)
		} else {
			x.put(w.rec, vs[i])
		}
	}
	return nil
}

func (s *Service) memoryAndIndex(ctx context.Context, memoryID string) (string, *Memory, *index, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return "", nil, nil, err
	}
	m, _, err := s.loadMemory(ctx, t.Account, memoryID)
	if err != nil {
		return "", nil, nil, err
	}
	x, err := s.index(ctx, t.Account, m)
	return t.Account, m, x, err
}

func (s *Service) live(r *Record) bool {
	return r.ExpiresAt == nil || s.now().Before(r.ExpiresAt.Time())
}

// GetMemoryRecord returns one record.
func (s *Service) GetMemoryRecord(ctx context.Context, memoryID, id string) (*Record, error) {
	if err := validateRecordID(id); err != nil {
		return nil, err
	}
	_, _, x, err := s.memoryAndIndex(ctx, memoryID)
	if err != nil {
		return nil, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if i, ok := x.pos[id]; ok && s.live(x.recs[i]) {
		r := *x.recs[i]
		return &r, nil
	}
	return nil, errs.E(errs.NotFound, "memory record %s not found", id)
}

// DeleteMemoryRecord removes one record.
func (s *Service) DeleteMemoryRecord(ctx context.Context, memoryID, id string) error {
	if err := validateRecordID(id); err != nil {
		return err
	}
	acct, m, x, err := s.memoryAndIndex(ctx, memoryID)
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.pos[id]; !ok {
		return errs.E(errs.NotFound, "memory record %s not found", id)
	}
	err = s.commitRecords(ctx, acct, m, x, []recordWrite{{id: id, rev: -1}})
	return err
}

// recordFilter builds the namespace / strategy / metadata filter.
func (s *Service) recordFilter(ns, nsPath, strategyID string, filters []MetadataFilter) (*filter, error) {
	f := &filter{now: s.now().UnixMilli(), strategy: strategyID}
	var nsConds []func(string) bool
	for _, p := range []struct{ field, v string }{{"namespace", ns}, {"namespacePath", nsPath}} {
		if p.v == "" {
			continue
		}
		if err := ValidateNamespace(p.field, p.v); err != nil {
			return nil, err
		}
		nsConds = append(nsConds, namespaceMatcher(p.v))
	}
	if len(nsConds) > 0 {
		f.namespaces = func(list []string) bool {
			for _, c := range nsConds {
				ok := false
				for _, n := range list {
					if c(n) {
						ok = true
						break
					}
				}
				if !ok {
					return false
				}
			}
			return true
		}
	}
	if strategyID != "" && !strategyIDRE.MatchString(strategyID) {
		return nil, errs.Field("memoryStrategyId", "memoryStrategyId %q is not valid", trunc(strategyID))
	}
	var conds []func(*Record) bool
	for _, mf := range filters {
		c, err := metadataCond(mf)
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
	}
	if len(conds) > 0 {
		f.meta = func(r *Record) bool {
			for _, c := range conds {
				if !c(r) {
					return false
				}
			}
			return true
		}
	}
	return f, nil
}

// namespaceMatcher matches namespaces under prefix p ('*' matches within
// one path segment; a trailing '/' is optional).
func namespaceMatcher(p string) func(string) bool {
	trim := strings.TrimSuffix(p, "/")
	if !strings.Contains(p, "*") {
		return func(n string) bool { return strings.HasPrefix(n, p) || n == trim }
	}
	re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(trim), `\*`, `[^/]*`))
	return re.MatchString
}

func metadataCond(f MetadataFilter) (func(*Record) bool, error) {
	k := f.Left.MetadataKey
	if k == "" {
		return nil, errs.Field("metadataFilters", "a metadata filter needs left.metadataKey")
	}
	get := func(r *Record) (RecordMetadataValue, bool) { v, ok := r.Metadata[k]; return v, ok }
	switch f.Operator {
	case "EXISTS":
		return func(r *Record) bool { _, ok := get(r); return ok }, nil
	case "NOT_EXISTS":
		return func(r *Record) bool { _, ok := get(r); return !ok }, nil
	}
	if f.Right == nil {
		return nil, errs.Field("metadataFilters", "operator %s needs right.metadataValue", trunc(f.Operator))
	}
	want := f.Right.MetadataValue
	num := func(v RecordMetadataValue) (float64, bool) {
		switch {
		case v.NumberValue != nil:
			return *v.NumberValue, true
		case v.DateTimeValue != nil:
			return float64(v.DateTimeValue.Time().UnixMilli()), true
		}
		return 0, false
	}
	cmp := func(ok func(a, b float64) bool) func(*Record) bool {
		return func(r *Record) bool {
			v, has := get(r)
			a, ok1 := num(v)
			b, ok2 := num(want)
			return has && ok1 && ok2 && ok(a, b)
		}
	}
	switch f.Operator {
	case "EQUALS_TO":
		return func(r *Record) bool {
			v, ok := get(r)
			if !ok {
				return false
			}
			if want.StringValue != nil {
				return v.StringValue != nil && *v.StringValue == *want.StringValue
			}
			a, ok1 := num(v)
			b, ok2 := num(want)
			return ok1 && ok2 && a == b
		}, nil
	case "CONTAINS":
		if want.StringValue == nil {
			return nil, errs.Field("metadataFilters", "CONTAINS needs a stringValue")
		}
		w := *want.StringValue
		return func(r *Record) bool {
			v, ok := get(r)
			if !ok {
				return false
			}
			if v.StringValue != nil {
				return strings.Contains(*v.StringValue, w)
			}
			for _, e := range v.StringListValue {
				if e == w {
					return true
				}
			}
			return false
		}, nil
	case "BEFORE", "LESS_THAN":
		return cmp(func(a, b float64) bool { return a < b }), nil
	case "AFTER", "GREATER_THAN":
		return cmp(func(a, b float64) bool { return a > b }), nil
	case "LESS_THAN_OR_EQUALS":
		return cmp(func(a, b float64) bool { return a <= b }), nil
	case "GREATER_THAN_OR_EQUALS":
		return cmp(func(a, b float64) bool { return a >= b }), nil
	}
	return nil, errs.Field("metadataFilters", "unknown operator %q", trunc(f.Operator))
}

func offsetToken(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("off:" + strconv.Itoa(off)))
}

func parseOffset(tok string) (int, error) {
	if tok == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "off:"))
	if err != nil || err2 != nil || !strings.HasPrefix(string(b), "off:") || n < 0 {
		return 0, errs.Field("nextToken", "nextToken is not valid for this request")
	}
	return n, nil
}

// ListMemoryRecords pages through records (newest first).
func (s *Service) ListMemoryRecords(ctx context.Context, memoryID string, q RecordQuery) ([]*Record, string, error) {
	_, _, x, err := s.memoryAndIndex(ctx, memoryID)
	if err != nil {
		return nil, "", err
	}
	n, err := pageSize(q.MaxResults)
	if err != nil {
		return nil, "", err
	}
	off, err := parseOffset(q.NextToken)
	if err != nil {
		return nil, "", err
	}
	f, err := s.recordFilter(q.Namespace, q.NamespacePath, q.StrategyID, q.MetadataFilters)
	if err != nil {
		return nil, "", err
	}
	x.mu.RLock()
	var all []*Record
	for _, r := range x.recs {
		if f.match(r) {
			c := *r
			all = append(all, &c)
		}
	}
	x.mu.RUnlock()
	sort.Slice(all, func(i, j int) bool {
		ti, tj := all[i].CreatedAt.Time(), all[j].CreatedAt.Time()
		if !ti.Equal(tj) {
			return ti.After(tj)
		}
		return all[i].MemoryRecordID < all[j].MemoryRecordID
	})
	return pageOf(all, off, n)
}

func pageOf(all []*Record, off, n int) ([]*Record, string, error) {
	if off > len(all) {
		off = len(all)
	}
	end := off + n
	next := ""
	if end < len(all) {
		next = offsetToken(end)
	} else {
		end = len(all)
	}
	return all[off:end], next, nil
}

// RetrieveMemoryRecords is semantic search: the topK records most similar
// to the query, best first, with cosine scores.
func (s *Service) RetrieveMemoryRecords(ctx context.Context, memoryID string, q RecordQuery) ([]*Record, string, error) {
	sc := q.SearchCriteria
	if sc == nil || strings.TrimSpace(sc.SearchQuery) == "" {
		return nil, "", errs.Field("searchCriteria", "searchCriteria.searchQuery is required")
	}
	if utf8.RuneCountInString(sc.SearchQuery) > MaxQueryChars {
		return nil, "", errs.Field("searchCriteria", "searchQuery is longer than %d characters", MaxQueryChars)
	}
	topK := sc.TopK
	if topK == 0 {
		topK = 10
	}
	if topK < 1 || topK > MaxTopK {
		return nil, "", errs.Field("searchCriteria", "topK must be from 1 to %d", MaxTopK)
	}
	n, err := pageSize(q.MaxResults)
	if err != nil {
		return nil, "", err
	}
	off, err := parseOffset(q.NextToken)
	if err != nil {
		return nil, "", err
	}
	keep, err := s.recordFilter(q.Namespace, q.NamespacePath, sc.StrategyID, append(q.MetadataFilters, sc.MetadataFilters...))
	if err != nil {
		return nil, "", err
	}
	_, _, x, err := s.memoryAndIndex(ctx, memoryID)
	if err != nil {
		return nil, "", err
	}
	qv, err := s.emb.Embed(ctx, []string{sc.SearchQuery})
	if err != nil {
		return nil, "", errs.Wrap(errs.Unavailable, err, "embedding the search query")
	}
	x.mu.RLock()
	hits := x.rerank(sc.SearchQuery, x.search(qv[0], max(topK, hybridShortlist), keep), topK)
	out := make([]*Record, len(hits))
	for i, h := range hits {
		c := *x.recs[h.i]
		sc := float64(h.score)
		c.Score = &sc
		out[i] = &c
	}
	x.mu.RUnlock()
	return pageOf(out, off, n)
}

func (s *Service) checkRecordInput(m *Memory, text string, namespaces []string, strategyID string, md map[string]RecordMetadataValue) error {
	n := utf8.RuneCountInString(text)
	if strings.TrimSpace(text) == "" {
		return errs.Field("content", "content.text is required")
	}
	if n > MaxRecordChars {
		return errs.Field("content", "content.text has %d characters; the limit is %d", n, MaxRecordChars)
	}
	if len(namespaces) == 0 || len(namespaces) > 10 {
		return errs.Field("namespaces", "a record needs 1 to 10 namespaces")
	}
	for _, ns := range namespaces {
		if err := ValidateNamespace("namespaces", ns); err != nil {
			return err
		}
		if strings.Contains(ns, "*") {
			return errs.Field("namespaces", "a record's namespace %q may not contain '*'", trunc(ns))
		}
	}
	if strategyID != "" && strategyID != manualStrategy {
		if _, err := s.strategy(m, strategyID); err != nil {
			return err
		}
	}
	return validateRecordMetadata(md)
}

// manualStrategy is the strategy id of records created through the API
// without one.
const manualStrategy = "manual"

func failed(id, reqID string, err error) RecordResult {
	code := 400
	switch errs.KindOf(err) {
	case errs.NotFound:
		code = 404
	case errs.Conflict, errs.RetryableConflict:
		code = 409
	case errs.Invalid:
	default:
		code = 500
	}
	msg := err.Error()
	if code == 500 {
		msg = "internal error"
	}
	return RecordResult{MemoryRecordID: id, RequestIdentifier: reqID, Status: "FAILED", ErrorCode: code, ErrorMessage: msg}
}

// BatchCreateMemoryRecords creates records; invalid ones are reported
// failed and the valid ones written together.
func (s *Service) BatchCreateMemoryRecords(ctx context.Context, memoryID string, in []RecordCreate, expiry *RecordExpiry) (ok, bad []RecordResult, err error) {
	if len(in) == 0 || len(in) > MaxBatchRecords {
		return nil, nil, errs.Field("records", "records must have 1 to %d items", MaxBatchRecords)
	}
	acct, m, x, err := s.memoryAndIndex(ctx, memoryID)
	if err != nil {
		return nil, nil, err
	}
	now := s.now().UTC()
	var ws []recordWrite
	seen := map[string]bool{}
	for _, rc := range in {
		id := newRecordID()
		text := ""
		if rc.Content != nil {
			text = rc.Content.Text
		}
		var e error
		switch {
		case rc.RequestIdentifier == "" || len(rc.RequestIdentifier) > 80:
			e = errs.Field("requestIdentifier", "requestIdentifier must be 1-80 characters")
		case seen[rc.RequestIdentifier]:
			e = errs.Field("requestIdentifier", "requestIdentifier %s is repeated", trunc(rc.RequestIdentifier))
		case rc.Timestamp == nil:
			e = errs.Field("timestamp", "timestamp is required")
		default:
			e = s.checkRecordInput(m, text, rc.Namespaces, rc.StrategyID, rc.Metadata)
		}
		if e != nil {
			bad = append(bad, failed(id, rc.RequestIdentifier, e))
			continue
		}
		seen[rc.RequestIdentifier] = true
		sid := rc.StrategyID
		if sid == "" {
			sid = manualStrategy
		}
		r := &Record{MemoryRecordID: id, Content: Content{Text: text}, StrategyID: sid, Namespaces: rc.Namespaces,
			Metadata: rc.Metadata, CreatedAt: Epoch(now), Timestamp: rc.Timestamp}
		setExpiry(r, expiry, now)
		ws = append(ws, recordWrite{rec: r, id: id, create: true})
		ok = append(ok, RecordResult{MemoryRecordID: id, RequestIdentifier: rc.RequestIdentifier, Status: "SUCCEEDED"})
	}
	if len(ws) > 0 {
		x.mu.Lock()
		err = s.commitRecords(ctx, acct, m, x, ws)
		x.mu.Unlock()
		if err != nil {
			return nil, nil, err
		}
	}
	return nonNil(ok), nonNil(bad), nil
}

func setExpiry(r *Record, e *RecordExpiry, now time.Time) {
	if e != nil && e.Days > 0 {
		t := Epoch(now.Add(time.Duration(e.Days) * 24 * time.Hour))
		r.ExpiresAt = &t
	}
}

func nonNil(r []RecordResult) []RecordResult {
	if r == nil {
		return []RecordResult{}
	}
	return r
}

// BatchUpdateMemoryRecords updates records. Each update re-reads the record
// and writes it with a revision check, retrying on a concurrent change, so
// concurrent updates never lose or half-write a record.
func (s *Service) BatchUpdateMemoryRecords(ctx context.Context, memoryID string, in []RecordUpdate, expiry *RecordExpiry) (ok, bad []RecordResult, err error) {
	if len(in) == 0 || len(in) > MaxBatchRecords {
		return nil, nil, errs.Field("records", "records must have 1 to %d items", MaxBatchRecords)
	}
	acct, m, x, err := s.memoryAndIndex(ctx, memoryID)
	if err != nil {
		return nil, nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	now := s.now().UTC()
	for _, u := range in {
		if e := s.updateOne(ctx, acct, m, x, u, expiry, now); e != nil {
			if errs.KindOf(e) == errs.Internal {
				return nil, nil, e
			}
			bad = append(bad, failed(u.MemoryRecordID, "", e))
			continue
		}
		ok = append(ok, RecordResult{MemoryRecordID: u.MemoryRecordID, Status: "SUCCEEDED"})
	}
	return nonNil(ok), nonNil(bad), nil
}

func (s *Service) updateOne(ctx context.Context, acct string, m *Memory, x *index, u RecordUpdate, expiry *RecordExpiry, now time.Time) error {
	if err := validateRecordID(u.MemoryRecordID); err != nil {
		return err
	}
	if u.Timestamp == nil {
		return errs.Field("timestamp", "timestamp is required")
	}
	for attempt := 0; ; attempt++ {
		it, err := s.kv.Get(ctx, tblRecord, key(acct, m.ID, u.MemoryRecordID))
		if errs.KindOf(err) == errs.NotFound {
			return errs.E(errs.NotFound, "memory record %s not found", u.MemoryRecordID)
		}
		if err != nil {
			return err
		}
		i, okPos := x.pos[u.MemoryRecordID]
		if !okPos {
			return errs.E(errs.NotFound, "memory record %s not found", u.MemoryRecordID)
		}
		r := *x.recs[i]
		if u.Content != nil {
			r.Content = *u.Content
		}
		if u.Namespaces != nil {
			r.Namespaces = u.Namespaces
		}
		if u.StrategyID != "" {
			r.StrategyID = u.StrategyID
		}
		if u.Metadata != nil {
			r.Metadata = u.Metadata
		}
		r.Timestamp = u.Timestamp
		setExpiry(&r, expiry, now)
		if err := s.checkRecordInput(m, r.Content.Text, r.Namespaces, u.StrategyID, r.Metadata); err != nil {
			return err
		}
		err = s.commitRecords(ctx, acct, m, x, []recordWrite{{rec: &r, id: r.MemoryRecordID, rev: it.Revision}})
		if errs.KindOf(err) == errs.Conflict && attempt < 5 {
			continue
		}
		if errs.KindOf(err) == errs.Conflict {
			return errs.E(errs.RetryableConflict, "memory record %s is being changed concurrently; retry", u.MemoryRecordID)
		}
		return err
	}
}

// BatchDeleteMemoryRecords deletes records.
func (s *Service) BatchDeleteMemoryRecords(ctx context.Context, memoryID string, ids []string) (ok, bad []RecordResult, err error) {
	if len(ids) == 0 || len(ids) > MaxBatchRecords {
		return nil, nil, errs.Field("records", "records must have 1 to %d items", MaxBatchRecords)
	}
	acct, m, x, err := s.memoryAndIndex(ctx, memoryID)
	if err != nil {
		return nil, nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	var ws []recordWrite
	seen := map[string]bool{}
	for _, id := range ids {
		if err := validateRecordID(id); err != nil {
			bad = append(bad, failed(id, "", err))
			continue
		}
		if _, found := x.pos[id]; !found || seen[id] {
			bad = append(bad, failed(id, "", errs.E(errs.NotFound, "memory record %s not found", id)))
			continue
		}
		seen[id] = true
		ws = append(ws, recordWrite{id: id, rev: -1})
		ok = append(ok, RecordResult{MemoryRecordID: id, Status: "SUCCEEDED"})
	}
	if len(ws) > 0 {
		if err := s.commitRecords(ctx, acct, m, x, ws); err != nil {
			return nil, nil, fmt.Errorf("deleting records: %w", err)
		}
	}
	return nonNil(ok), nonNil(bad), nil
}
