package memory

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/model"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

func queueKey(now time.Time, acct, mem, job string) string {
	return fmt.Sprintf("%019d|%s", now.UnixNano(), key(acct, mem, job))
}

func newJobID(now time.Time) string { return fmt.Sprintf("job-%013d-%s", now.UnixMilli(), newHex(6)) }

// jobOps are the writes that queue one extraction job per long-term
// strategy for the conversational messages of ev (written in the event's
// transaction, so no event is ever without its jobs).
func (s *Service) jobOps(acct string, m *Memory, ev *Event, now time.Time) []store.Op {
	var refs []MessageRef
	for i, p := range ev.Payload {
		if p.Conversational != nil || p.JSON != nil {
			refs = append(refs, MessageRef{EventID: ev.EventID, MessageIndex: i})
		}
	}
	if len(refs) == 0 {
		return nil
	}
	var ops []store.Op
	for _, st := range m.Strategies {
		if baseType(st) == "SELF_MANAGED" {
			ops = append(ops, pendingOps(acct, m, st, ev, refs, now)...)
			continue
		}
		j := Job{Acct: acct, JobID: newJobID(now), MemoryID: m.ID, StrategyID: st.StrategyID, ActorID: ev.ActorID, SessionID: ev.SessionID,
			Messages: refs, Status: JobPending, CreatedAt: now, UpdatedAt: now}
		ops = append(ops,
			store.Op{Kind: store.OpCreate, Table: tblJob, Key: key(acct, m.ID, j.JobID), Value: mustJSON(j)},
			store.Op{Kind: store.OpCreate, Table: tblQueue, Key: queueKey(now, acct, m.ID, j.JobID), Value: mustJSON(queueRowOf(acct, &j))})
	}
	return ops
}

// transcript renders a job's messages; expired or deleted events drop out.
func (s *Service) transcript(ctx context.Context, m *Memory, job *Job) (string, error) {
	var b strings.Builder
	cache := map[string]*Event{}
	for _, ref := range job.Messages {
		ev, ok := cache[ref.EventID]
		if !ok {
			e, err := s.GetEvent(ctx, m.ID, job.ActorID, job.SessionID, ref.EventID)
			if err != nil && errs.KindOf(err) != errs.NotFound {
				return "", err
			}
			ev, cache[ref.EventID] = e, e
		}
		if ev == nil || ref.MessageIndex >= len(ev.Payload) {
			continue
		}
		switch p := ev.Payload[ref.MessageIndex]; {
		case p.Conversational != nil:
			fmt.Fprintf(&b, "%s: %s\n", p.Conversational.Role, p.Conversational.Content.Text)
		case p.JSON != nil:
			fmt.Fprintf(&b, "DATA: %s\n", p.JSON.Content)
		}
	}
	return b.String(), nil
}

// historyWindow is how many earlier messages of the session an extraction
// sees as context (a self-managed historicalContextWindowSize overrides it).
func historyWindow(st *Strategy) int {
	if c := st.Configuration; c != nil && c.SelfManaged != nil && c.SelfManaged.HistoricalContextWindowSize != nil {
		return min(*c.SelfManaged.HistoricalContextWindowSize, 50)
	}
	if baseType(st) == TypeSummary || baseType(st) == TypeEpisodic {
		return 20
	}
	return 4
}

// history renders the conversational messages of the job's session that
// precede its first event, oldest first, up to the strategy's window.
func (s *Service) history(ctx context.Context, m *Memory, st *Strategy, job *Job) (string, error) {
	msgs, err := s.historyMsgs(ctx, m, historyWindow(st), job)
	lines := make([]string, len(msgs))
	for i, c := range msgs {
		lines[i] = c.Role + ": " + c.Content.Text
	}
	return strings.Join(lines, "\n"), err
}

// historyMsgs returns up to want conversational messages of the job's
// session that precede its first event, oldest first.
func (s *Service) historyMsgs(ctx context.Context, m *Memory, want int, job *Job) ([]Conversational, error) {
	if len(job.Messages) == 0 || want <= 0 {
		return nil, nil
	}
	first := job.Messages[0].EventID
	for _, r := range job.Messages {
		if r.EventID < first {
			first = r.EventID
		}
	}
	ek, err := s.eventKey(job.Account(), m.ID, job.ActorID, job.SessionID, first)
	if err != nil {
		return nil, nil
	}
	var lines []Conversational
	items, err := s.kv.List(ctx, tblEvent, key(job.Account(), m.ID, job.ActorID, job.SessionID, ""), ek, 50)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		ev, live, err := s.openEvent(m, it.Value, true)
		if err != nil || !live {
			continue
		}
		for i := len(ev.Payload) - 1; i >= 0 && len(lines) < want; i-- {
			if c := ev.Payload[i].Conversational; c != nil {
				lines = append(lines, *c)
			}
		}
		if len(lines) >= want {
			break
		}
	}
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	return lines, nil
}

func overrideOf(o *OverrideConfig) *Override { return o.One() }

func (s *Service) chat(ctx context.Context, modelID string, msgs []struct{ role, text string }) (string, error) {
	req := model.Request{Model: modelID, JSON: true}
	zero := 0.0
	req.Temperature = &zero
	for _, m := range msgs {
		req.Messages = append(req.Messages, model.Message{Role: m.role, Content: m.text})
	}
	resp, err := s.model.Chat(ctx, req)
	if err != nil {
		return "", fmt.Errorf("model call failed: %w", err)
	}
	return resp.Text, nil
}

// resolveNamespaces fills a strategy's namespace templates for a job.
func resolveNamespaces(st *Strategy, actor, session string) []string {
	out := make([]string, 0, len(st.NamespaceTemplates))
	r := strings.NewReplacer("{actorId}", actor, "{sessionId}", session, "{memoryStrategyId}", st.StrategyID, "{strategyId}", st.StrategyID)
	for _, t := range st.NamespaceTemplates {
		out = append(out, r.Replace(t))
	}
	return out
}

// relatedThreshold is the cosine above which an existing record is shown
// to the consolidation step.
const relatedThreshold = 0.30

// extract runs extraction and consolidation for a job and returns the
// record writes to commit.
func (s *Service) extract(ctx context.Context, acct string, m *Memory, st *Strategy, x *index, job *Job) ([]recordWrite, error) {
	text, err := s.transcript(ctx, m, job)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		return nil, nil // the events expired or were deleted
	}
	history, err := s.history(ctx, m, st, job)
	if err != nil {
		return nil, err
	}
	var exOv, coOv *Override
	if c := st.Configuration; c != nil {
		exOv, coOv = overrideOf(c.Extraction), overrideOf(c.Consolidation)
	}
	modelOf := func(o *Override) string {
		if o != nil {
			return o.ModelID
		}
		return ""
	}
	answer, err := s.chat(ctx, modelOf(exOv), extractionPrompt(st, exOv, history, text))
	if err != nil {
		return nil, err
	}
	cands, err := parseCandidates(answer)
	if err != nil {
		return nil, err
	}
	namespaces := resolveNamespaces(st, job.ActorID, job.SessionID)
	for _, ns := range namespaces {
		if err := ValidateNamespace("namespaces", ns); err != nil {
			return nil, fmt.Errorf("namespace %q of strategy %s does not resolve to a valid namespace", ns, st.StrategyID)
		}
	}
	var clean []string
	for _, c := range cands {
		if len([]rune(c)) > MaxRecordChars {
			c = string([]rune(c)[:MaxRecordChars])
		}
		clean = append(clean, c)
		if len(clean) == 50 {
			break
		}
	}
	if len(clean) == 0 {
		return nil, nil
	}
	// Existing records of this strategy in these namespaces that resemble a candidate.
	vecs, err := s.emb.Embed(ctx, clean)
	if err != nil {
		return nil, fmt.Errorf("embedding candidates: %w", err)
	}
	inScope := &filter{now: s.now().UnixMilli(), strategy: st.StrategyID, namespaces: func(list []string) bool {
		for _, a := range list {
			for _, b := range namespaces {
				if a == b {
					return true
				}
			}
		}
		return false
	}}
	type ex struct {
		rec *Record
		rev int64
	}
	var existing []ex
	seen := map[string]bool{}
	var fresh []string
	x.mu.RLock()
	for i, v := range vecs {
		dup := false
		for _, h := range x.search(v, 5, inScope) {
			r := x.recs[h.i]
			if normalize(r.Content.Text) == normalize(clean[i]) {
				dup = true // NO-OP without asking the model
				break
			}
			if h.score >= relatedThreshold && !seen[r.MemoryRecordID] {
				seen[r.MemoryRecordID] = true
				existing = append(existing, ex{rec: r})
			}
		}
		if !dup {
			fresh = append(fresh, clean[i])
		}
	}
	x.mu.RUnlock()
	now := s.now().UTC()
	newRec := func(text string) recordWrite {
		r := &Record{MemoryRecordID: newRecordID(), Content: Content{Text: text}, StrategyID: st.StrategyID, Namespaces: namespaces,
			CreatedAt: Epoch(now), Timestamp: ptr(Epoch(now))}
		if st.RecordExpiryDays > 0 {
			setExpiry(r, &RecordExpiry{Days: st.RecordExpiryDays}, now)
		}
		return recordWrite{rec: r, id: r.MemoryRecordID, create: true}
	}
	var writes []recordWrite
	if len(fresh) == 0 {
		return nil, nil
	}
	if len(existing) == 0 {
		for _, f := range fresh {
			writes = append(writes, newRec(f))
		}
		return writes, nil
	}
	for i := range existing {
		it, err := s.kv.Get(ctx, tblRecord, key(acct, m.ID, existing[i].rec.MemoryRecordID))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errRetry, err)
		}
		existing[i].rev = it.Revision
	}
	shown := make([]existingRecord, len(existing))
	for i, e := range existing {
		shown[i] = existingRecord{ID: fmt.Sprint(i + 1), Text: e.rec.Content.Text}
	}
	answer, err = s.chat(ctx, modelOf(coOv), consolidationPrompt(st, coOv, shown, fresh))
	if err != nil {
		return nil, err
	}
	ops, err := parseOperations(answer)
	if err != nil {
		return nil, err
	}
	touched := map[int]bool{}
	for _, op := range ops {
		var idx int
		if op.Action == "UPDATE" || op.Action == "DELETE" {
			if _, err := fmt.Sscan(op.ID, &idx); err != nil || idx < 1 || idx > len(existing) || touched[idx] {
				s.log.Warn("consolidation names an unknown or repeated record; ignored", "job", job.JobID, "id", op.ID)
				continue
			}
			touched[idx] = true
		}
		switch op.Action {
		case "ADD":
			if op.Text != "" {
				writes = append(writes, newRec(op.Text))
			}
		case "UPDATE":
			if op.Text == "" {
				continue
			}
			e := existing[idx-1]
			r := *e.rec
			r.Content = Content{Text: op.Text}
			r.Timestamp = ptr(Epoch(now))
			writes = append(writes, recordWrite{rec: &r, id: r.MemoryRecordID, rev: e.rev})
		case "DELETE":
			e := existing[idx-1]
			writes = append(writes, recordWrite{id: e.rec.MemoryRecordID, rev: e.rev})
		case "NONE", "NO-OP", "NOOP", "":
		default:
			return nil, fmt.Errorf("the model's consolidation answer has an unknown action %q", trunc(op.Action))
		}
	}
	return writes, nil
}

func ptr[T any](v T) *T { return &v }

func normalize(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.TrimRight(strings.TrimSpace(s), "."))), " ")
}

// ListMemoryExtractionJobs pages through a memory's jobs that can be
// started again (FAILED, the only ExtractionJobStatus of the API), oldest
// first, as AgentCore lists them.
func (s *Service) ListMemoryExtractionJobs(ctx context.Context, memoryID string, f JobFilter, maxResults int, token string) ([]*Job, string, error) {
	if f.Status != "" && f.Status != JobFailed {
		return nil, "", errs.Field("filter.status", "filter.status %q: the only status is FAILED (the jobs that can be started again)", f.Status)
	}
	f.Status = JobFailed
	return s.ListAllExtractionJobs(ctx, memoryID, f, maxResults, token)
}

// ListAllExtractionJobs is ListMemoryExtractionJobs over jobs of every
// status (PENDING, RUNNING, FAILED, COMPLETED for a day): agentcore's
// extension for operators and tests.
func (s *Service) ListAllExtractionJobs(ctx context.Context, memoryID string, f JobFilter, maxResults int, token string) ([]*Job, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	if _, _, err := s.loadMemory(ctx, t.Account, memoryID); err != nil {
		return nil, "", err
	}
	n, err := pageSize(maxResults)
	if err != nil {
		return nil, "", err
	}
	prefix := key(t.Account, memoryID, "")
	after, err := decodeToken(token, prefix)
	if err != nil {
		return nil, "", err
	}
	var out []*Job
	for {
		items, err := s.kv.List(ctx, tblJob, prefix, after, 200)
		if err != nil {
			return nil, "", err
		}
		for _, it := range items {
			after = it.Key
			j, err := decode[Job](it.Value)
			if err != nil {
				return nil, "", err
			}
			if (f.Status != "" && j.Status != f.Status) || (f.StrategyID != "" && j.StrategyID != f.StrategyID) ||
				(f.ActorID != "" && j.ActorID != f.ActorID) || (f.SessionID != "" && j.SessionID != f.SessionID) {
				continue
			}
			out = append(out, j)
			if len(out) == n {
				more, err := s.kv.List(ctx, tblJob, prefix, after, 1)
				if err != nil || len(more) == 0 {
					return out, "", err
				}
				return out, encodeToken(after), nil
			}
		}
		if len(items) < 200 {
			return out, "", nil
		}
	}
}

// JobFilter is ExtractionJobFilterInput.
type JobFilter struct {
	Status     string `json:"status"`
	StrategyID string `json:"strategyId"`
	ActorID    string `json:"actorId"`
	SessionID  string `json:"sessionId"`
}

// StartMemoryExtractionJob redrives a FAILED job: it is queued again and
// runs like a new one.
func (s *Service) StartMemoryExtractionJob(ctx context.Context, memoryID, jobID string) (string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return "", err
	}
	if _, _, err := s.loadMemory(ctx, t.Account, memoryID); err != nil {
		return "", err
	}
	if jobID == "" || len(jobID) > 100 || strings.ContainsAny(jobID, "|/") {
		return "", errs.Field("extractionJob", "extractionJob.jobId %q is not a valid job id", trunc(jobID))
	}
	jk := key(t.Account, memoryID, jobID)
	for attempt := 0; ; attempt++ {
		job, rev, err := getJSON[Job](ctx, s.kv, tblJob, jk, "extraction job "+jobID)
		if err != nil {
			return "", err
		}
		if job.Status != JobFailed {
			return "", errs.E(errs.Invalid, "extraction job %s is %s; only FAILED jobs can be started again", jobID, job.Status)
		}
		now := s.now().UTC()
		job.Status, job.FailureReason, job.UpdatedAt = JobPending, "", now
		if job.Kind == "delivery" || job.Kind == "stream" {
			job.Attempts = 0 // a redriven delivery gets its full backoff again
		}
		err = s.kv.Txn(ctx,
			store.Op{Kind: store.OpUpdate, Table: tblJob, Key: jk, Value: mustJSON(job), Revision: rev},
			store.Op{Kind: store.OpCreate, Table: tblQueue, Key: queueKey(now, t.Account, memoryID, jobID), Value: mustJSON(queueRowOf(t.Account, job))})
		if errs.KindOf(err) == errs.Conflict && attempt < 3 {
			continue
		}
		if err != nil {
			return "", err
		}
		s.notify()
		return jobID, nil
	}
}
