package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
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

// storedEvent is an event as kept in the store: payloads sealed when the
// memory encrypts content at rest.
type storedEvent struct {
	Event
	Sealed    []byte    `json:"sealed,omitempty"`
	ExpiresAt time.Time `json:"expiresAt"`
}

type sessionRow struct {
	CreatedAt Epoch `json:"createdAt"`
}

var roles = map[string]bool{"USER": true, "ASSISTANT": true, "TOOL": true, "OTHER": true}

// eventID is "<epoch ms, 19 digits>#<16 hex of a creation sequence>"; the
// store key inverts both so keys sort newest first.
func eventID(ts time.Time, seq uint64) string { return fmt.Sprintf("%019d#%016x", ts.UnixMilli(), seq) }

func eventKeySuffix(id string) (string, error) {
	msS, seqS, ok := strings.Cut(id, "#")
	ms, err1 := strconv.ParseInt(msS, 10, 64)
	seq, err2 := strconv.ParseUint(seqS, 16, 64)
	if !ok || err1 != nil || err2 != nil || ms < 0 {
		return "", errs.Field("eventId", "eventId %q is not a valid event id", trunc(id))
	}
	return fmt.Sprintf("%019d%016x", math.MaxInt64-ms, math.MaxUint64-seq), nil
}

func (s *Service) eventKey(acct, mem, actor, session, id string) (string, error) {
	suf, err := eventKeySuffix(id)
	if err != nil {
		return "", err
	}
	return key(acct, mem, actor, session, suf), nil
}

func validatePayload(p []Payload) error {
	if len(p) == 0 || len(p) > MaxPayloadItems {
		return errs.Field("payload", "payload must have 1 to %d items", MaxPayloadItems)
	}
	total := 0
	for i, it := range p {
		n := 0
		for _, set := range []bool{it.Conversational != nil, it.Blob != nil, it.JSON != nil} {
			if set {
				n++
			}
		}
		switch {
		case n > 1:
			return errs.Field("payload", "payload[%d] must set exactly one of conversational, blob, json", i)
		case it.JSON != nil:
			if len(it.JSON.Content) == 0 || len(it.JSON.Content) > MaxBlobBytes {
				return errs.Field("payload", "payload[%d].json.content must be 1 to %d bytes of JSON", i, MaxBlobBytes)
			}
			total += len(it.JSON.Content)
		case it.Conversational != nil:
			c := it.Conversational
			if !roles[c.Role] {
				return errs.Field("payload", "payload[%d].conversational.role %q must be USER, ASSISTANT, TOOL or OTHER", i, trunc(c.Role))
			}
			n := utf8.RuneCountInString(c.Content.Text)
			if n == 0 {
				return errs.Field("payload", "payload[%d].conversational.content.text is empty", i)
			}
			if n > MaxMessageChars {
				return errs.Field("payload", "payload[%d].conversational.content.text has %d characters; the limit is %d", i, n, MaxMessageChars)
			}
			total += len(c.Content.Text)
		case it.Blob != nil:
			if len(it.Blob) > MaxBlobBytes {
				return errs.Field("payload", "payload[%d].blob is %d bytes of JSON; the limit is %d", i, len(it.Blob), MaxBlobBytes)
			}
			total += len(it.Blob)
		default:
			return errs.Field("payload", "payload[%d] must set conversational, blob or json", i)
		}
	}
	if total > MaxEventBytes {
		return errs.Field("payload", "the event's payloads total %d bytes; the limit is %d", total, MaxEventBytes)
	}
	return nil
}

// CreateEvent stores an event and queues extraction jobs for the memory's
// long-term strategies, in one transaction.
func (s *Service) CreateEvent(ctx context.Context, memoryID string, in CreateEventInput) (*Event, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	m, _, err := s.loadMemory(ctx, t.Account, memoryID)
	if err != nil {
		return nil, err
	}
	if in.SessionID == "" {
		in.SessionID = uuid.NewString()
	}
	if err := validateActorSession(in.ActorID, in.SessionID); err != nil {
		return nil, err
	}
	if in.Timestamp == nil || in.Timestamp.IsZero() {
		return nil, errs.Field("eventTimestamp", "eventTimestamp is required")
	}
	if err := validatePayload(in.Payload); err != nil {
		return nil, err
	}
	if err := validateMetadata(in.Metadata); err != nil {
		return nil, err
	}
	if in.ExtractionMode != "" && in.ExtractionMode != "SKIP" {
		return nil, errs.Field("extractionMode", "extractionMode must be SKIP")
	}
	if b := in.Branch; b != nil {
		if b.Name == "" || len(b.Name) > 100 || !sessionIDRE.MatchString(b.Name) {
			return nil, errs.Field("branch", "branch.name %q must be 1-100 letters, digits, '-' or '_'", trunc(b.Name))
		}
		if b.RootEventID != "" {
			if _, err := s.GetEvent(ctx, memoryID, in.ActorID, in.SessionID, b.RootEventID); err != nil {
				if errs.KindOf(err) == errs.NotFound {
					return nil, errs.Field("branch", "branch.rootEventId %s is not an event of session %s", trunc(b.RootEventID), in.SessionID)
				}
				return nil, err
			}
		}
	}
	seal, err := newSealer(s.master, m.EncryptionKeyARN)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	ts := in.Timestamp.Time()
	ev := Event{MemoryID: memoryID, ActorID: in.ActorID, SessionID: in.SessionID, Timestamp: Epoch(ts.Truncate(time.Millisecond)),
		Payload: in.Payload, Branch: in.Branch, Metadata: in.Metadata}
	ev.EventID = eventID(ts, uint64(now.UnixNano()))
	ek, _ := s.eventKey(t.Account, memoryID, in.ActorID, in.SessionID, ev.EventID)
	st := storedEvent{Event: ev, ExpiresAt: ts.Add(time.Duration(m.EventExpiryDuration) * 24 * time.Hour)}
	if last := time.Unix(maxEpochSeconds-1, 0).UTC(); st.ExpiresAt.After(last) {
		st.ExpiresAt = last // an event of year 9999 expires at its end, not in year 10000 (no RFC 3339 form)
	}
	if seal != nil {
		st.Sealed = seal.seal(mustJSON(ev.Payload))
		st.Payload = nil
	}
	stored, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("encode event: %w", err) // never store what cannot be read back
	}
	ops := []store.Op{
		{Kind: store.OpCreate, Table: tblEvent, Key: ek, Value: stored},
		{Kind: store.OpPut, Table: tblExpiry, Key: fmt.Sprintf("%019d|%s", st.ExpiresAt.UnixMilli(), ek), Value: []byte("{}")},
	}
	sk := key(t.Account, memoryID, in.ActorID, in.SessionID)
	if _, err := s.kv.Get(ctx, tblSession, sk); errs.KindOf(err) == errs.NotFound {
		ops = append(ops, store.Op{Kind: store.OpPut, Table: tblSession, Key: sk, Value: mustJSON(sessionRow{CreatedAt: Epoch(now)})},
			store.Op{Kind: store.OpPut, Table: tblActor, Key: key(t.Account, memoryID, in.ActorID), Value: []byte("{}")})
	} else if err != nil {
		return nil, err
	}
	if in.ExtractionMode != "SKIP" {
		ops = append(ops, s.jobOps(t.Account, m, &ev, now)...)
	}
	if err := s.kv.Txn(ctx, ops...); err != nil {
		return nil, err
	}
	if len(ops) > 3 {
		s.notify()
	}
	return &ev, nil
}

// GetEvent returns one live event.
func (s *Service) GetEvent(ctx context.Context, memoryID, actorID, sessionID, eventID string) (*Event, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := ValidateMemoryID(memoryID); err != nil {
		return nil, err
	}
	if err := validateActorSession(actorID, sessionID); err != nil {
		return nil, err
	}
	if err := validateEventID(eventID); err != nil {
		return nil, err
	}
	m, _, err := s.loadMemory(ctx, t.Account, memoryID)
	if err != nil {
		return nil, err
	}
	ek, err := s.eventKey(t.Account, memoryID, actorID, sessionID, eventID)
	if err != nil {
		return nil, err
	}
	it, err := s.kv.Get(ctx, tblEvent, ek)
	if errs.KindOf(err) == errs.NotFound {
		return nil, errs.E(errs.NotFound, "event %s not found in session %s of actor %s", eventID, sessionID, actorID)
	}
	if err != nil {
		return nil, err
	}
	ev, live, err := s.openEvent(m, it.Value, true)
	if err != nil {
		return nil, err
	}
	if !live || ev.EventID != eventID {
		return nil, errs.E(errs.NotFound, "event %s not found in session %s of actor %s", eventID, sessionID, actorID)
	}
	return ev, nil
}

// openEvent decodes a stored event, decrypting its payload when asked; live
// is false once it has expired.
func (s *Service) openEvent(m *Memory, raw []byte, payloads bool) (*Event, bool, error) {
	var st storedEvent
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, false, fmt.Errorf("decode event: %w", err)
	}
	if !st.ExpiresAt.IsZero() && !s.now().Before(st.ExpiresAt) {
		return nil, false, nil
	}
	ev := st.Event
	if !payloads {
		ev.Payload = []Payload{}
		return &ev, true, nil
	}
	if len(st.Sealed) > 0 {
		seal, err := newSealer(s.master, m.EncryptionKeyARN)
		if err != nil || seal == nil {
			return nil, false, errs.E(errs.Internal, "cannot decrypt event %s", ev.EventID)
		}
		plain, err := seal.open(st.Sealed)
		if err != nil {
			return nil, false, fmt.Errorf("decrypt event %s: %w", ev.EventID, err)
		}
		if err := json.Unmarshal(plain, &ev.Payload); err != nil {
			return nil, false, err
		}
	}
	return &ev, true, nil
}

// DeleteEvent removes an event.
func (s *Service) DeleteEvent(ctx context.Context, memoryID, actorID, sessionID, eventID string) error {
	if _, err := s.GetEvent(ctx, memoryID, actorID, sessionID, eventID); err != nil {
		return err
	}
	t, _ := tenant.From(ctx)
	ek, _ := s.eventKey(t.Account, memoryID, actorID, sessionID, eventID)
	err := s.kv.Txn(ctx, store.Op{Kind: store.OpDelete, Table: tblEvent, Key: ek})
	if errs.KindOf(err) == errs.NotFound {
		return errs.E(errs.NotFound, "event %s not found", eventID)
	}
	return err
}

// ListEvents pages through a session's events, newest first.
func (s *Service) ListEvents(ctx context.Context, memoryID string, in ListEventsInput) ([]*Event, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	m, _, err := s.loadMemory(ctx, t.Account, memoryID)
	if err != nil {
		return nil, "", err
	}
	if err := validateActorSession(in.ActorID, in.SessionID); err != nil {
		return nil, "", err
	}
	n, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, "", err
	}
	payloads := in.IncludePayloads == nil || *in.IncludePayloads
	match, err := s.eventFilter(ctx, m, t.Account, in)
	if err != nil {
		return nil, "", err
	}
	prefix := key(t.Account, memoryID, in.ActorID, in.SessionID, "")
	after, err := decodeToken(in.NextToken, prefix)
	if err != nil {
		return nil, "", err
	}
	var out []*Event
	for {
		items, err := s.kv.List(ctx, tblEvent, prefix, after, 200)
		if err != nil {
			return nil, "", err
		}
		for _, it := range items {
			after = it.Key
			ev, live, err := s.openEvent(m, it.Value, payloads)
			if err != nil {
				return nil, "", err
			}
			if !live || !match(ev) {
				continue
			}
			out = append(out, ev)
			if len(out) == n {
				more, err := s.kv.List(ctx, tblEvent, prefix, after, 1)
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

// eventFilter builds the ListEvents predicate: branch (with its parent
// lineage when asked) and metadata conditions.
func (s *Service) eventFilter(ctx context.Context, m *Memory, acct string, in ListEventsInput) (func(*Event) bool, error) {
	f := in.Filter
	if f == nil {
		return func(*Event) bool { return true }, nil
	}
	var conds []func(*Event) bool
	for _, e := range f.EventMetadata {
		k := e.Left.MetadataKey
		switch e.Operator {
		case "EXISTS":
			conds = append(conds, func(ev *Event) bool { _, ok := ev.Metadata[k]; return ok })
		case "NOT_EXISTS":
			conds = append(conds, func(ev *Event) bool { _, ok := ev.Metadata[k]; return !ok })
		case "EQUALS_TO":
			if e.Right == nil || e.Right.MetadataValue.StringValue == nil {
				return nil, errs.Field("filter", "EQUALS_TO needs right.metadataValue.stringValue")
			}
			want := *e.Right.MetadataValue.StringValue
			conds = append(conds, func(ev *Event) bool {
				v, ok := ev.Metadata[k]
				return ok && v.StringValue != nil && *v.StringValue == want
			})
		default:
			return nil, errs.Field("filter", "eventMetadata operator %q must be EQUALS_TO, EXISTS or NOT_EXISTS", trunc(e.Operator))
		}
	}
	if b := f.Branch; b != nil {
		name := b.Name
		onBranch := func(ev *Event) bool {
			if ev.Branch == nil || ev.Branch.Name == "" {
				return name == "main"
			}
			return ev.Branch.Name == name
		}
		if !b.IncludeParentBranches || name == "main" {
			conds = append(conds, onBranch)
		} else {
			anc, err := s.ancestors(ctx, m, acct, in.ActorID, in.SessionID, name)
			if err != nil {
				return nil, err
			}
			conds = append(conds, func(ev *Event) bool { return onBranch(ev) || anc[ev.EventID] })
		}
	}
	return func(ev *Event) bool {
		for _, c := range conds {
			if !c(ev) {
				return false
			}
		}
		return true
	}, nil
}

// ancestors returns the ids of the events a branch inherits: the events of
// its parent branch up to and including its root event, recursively.
func (s *Service) ancestors(ctx context.Context, m *Memory, acct, actor, session, branch string) (map[string]bool, error) {
	items, err := s.kv.List(ctx, tblEvent, key(acct, m.ID, actor, session, ""), "", 0)
	if err != nil {
		return nil, err
	}
	var all []*Event
	byID := map[string]*Event{}
	for _, it := range items {
		ev, live, err := s.openEvent(m, it.Value, false)
		if err != nil {
			return nil, err
		}
		if live {
			all = append(all, ev)
			byID[ev.EventID] = ev
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].EventID < all[j].EventID })
	branchOf := func(ev *Event) string {
		if ev.Branch == nil || ev.Branch.Name == "" {
			return "main"
		}
		return ev.Branch.Name
	}
	rootOf := func(b string) string {
		for _, ev := range all {
			if branchOf(ev) == b && ev.Branch != nil && ev.Branch.RootEventID != "" {
				return ev.Branch.RootEventID
			}
		}
		return ""
	}
	out := map[string]bool{}
	seen := map[string]bool{branch: true}
	for root := rootOf(branch); root != ""; {
		r, ok := byID[root]
		if !ok {
			break
		}
		parent := branchOf(r)
		for _, ev := range all {
			if branchOf(ev) == parent && ev.EventID <= root {
				out[ev.EventID] = true
			}
		}
		if seen[parent] {
			break
		}
		seen[parent] = true
		root = rootOf(parent)
	}
	return out, nil
}

// SessionSummary is one ListSessions element.
type SessionSummary struct {
	ActorID   string `json:"actorId"`
	SessionID string `json:"sessionId"`
	CreatedAt Epoch  `json:"createdAt"`
}

// ListSessions pages through an actor's sessions.
func (s *Service) ListSessions(ctx context.Context, memoryID, actorID string, maxResults int, token string) ([]SessionSummary, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	if _, _, err := s.loadMemory(ctx, t.Account, memoryID); err != nil {
		return nil, "", err
	}
	if err := validateActorSession(actorID, "x"); err != nil {
		return nil, "", err
	}
	n, err := pageSize(maxResults)
	if err != nil {
		return nil, "", err
	}
	prefix := key(t.Account, memoryID, actorID, "")
	items, next, err := listPage(ctx, s.kv, tblSession, prefix, token, n)
	if err != nil {
		return nil, "", err
	}
	out := make([]SessionSummary, 0, len(items))
	for _, it := range items {
		row, err := decode[sessionRow](it.Value)
		if err != nil {
			return nil, "", err
		}
		out = append(out, SessionSummary{ActorID: actorID, SessionID: strings.TrimPrefix(it.Key, prefix), CreatedAt: row.CreatedAt})
	}
	return out, next, nil
}

// ListActors pages through the actors that have events in a memory.
func (s *Service) ListActors(ctx context.Context, memoryID string, maxResults int, token string) ([]string, string, error) {
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
	items, next, err := listPage(ctx, s.kv, tblActor, prefix, token, n)
	if err != nil {
		return nil, "", err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, strings.TrimPrefix(it.Key, prefix))
	}
	return out, next, nil
}

// reaper deletes expired events and completed jobs past their retention
// (the expiry index is ordered by time).
func (s *Service) reaper() {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		if s.leader == nil || s.leader(s.ctx, "memory-reaper", 3*time.Minute) {
			s.reapOnce(s.ctx)
		}
		select {
		case <-s.ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (s *Service) reapOnce(ctx context.Context) {
	now := s.now().UnixMilli()
	for ctx.Err() == nil {
		items, err := s.kv.List(ctx, tblExpiry, "", "", 200)
		if err != nil || len(items) == 0 {
			return
		}
		var ops []store.Op
		for _, it := range items {
			msS, ek, _ := strings.Cut(it.Key, "|")
			if ms, _ := strconv.ParseInt(msS, 10, 64); ms > now {
				break
			}
			tbl := tblEvent
			if jk, ok := strings.CutPrefix(ek, "job:"); ok { // a completed job past its retention
				tbl, ek = tblJob, jk
			}
			ops = append(ops, store.Op{Kind: store.OpDelete, Table: tblExpiry, Key: it.Key, Revision: -1},
				store.Op{Kind: store.OpDelete, Table: tbl, Key: ek, Revision: -1})
		}
		if len(ops) == 0 {
			return
		}
		if err := s.kv.Txn(ctx, ops...); err != nil {
			s.log.Warn("deleting expired events", "err", err)
			return
		}
	}
}

// IngestDataInput is the IngestData request body.
type IngestDataInput struct {
	ActorID   string                   `json:"actorId"`
	SessionID string                   `json:"sessionId"`
	Timestamp *Epoch                   `json:"contentTimestamp"`
	Metadata  map[string]MetadataValue `json:"metadata"`
	Source    *struct {
		Inline *struct {
			Payload []Payload `json:"payload"`
		} `json:"inline"`
	} `json:"source"`
}

// IngestData stores inline content as an event of the session (a new
// session when none is given) and runs extraction on it like CreateEvent.
func (s *Service) IngestData(ctx context.Context, memoryID string, in IngestDataInput) (string, error) {
	if in.Source == nil || in.Source.Inline == nil {
		return "", errs.Field("source", "source.inline is required")
	}
	for i, p := range in.Source.Inline.Payload {
		if p.Blob != nil {
			return "", errs.Field("source", "source.inline.payload[%d] must be conversational or json", i)
		}
	}
	ev, err := s.CreateEvent(ctx, memoryID, CreateEventInput{ActorID: in.ActorID, SessionID: in.SessionID, Timestamp: in.Timestamp,
		Payload: in.Source.Inline.Payload, Metadata: in.Metadata})
	if err != nil {
		return "", err
	}
	return ev.SessionID, nil
}
