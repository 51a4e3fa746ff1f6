package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Episodic strategies work in two steps. Extraction turns a conversation
// into episode records (what the user tried, the steps, the outcome) in the
// strategy's namespaces; each extraction that wrote episodes queues a
// reflection job, which shows the model the actor's recent episodes and
// the existing reflections and writes cross-episode insights into the
// reflection namespaces (ADD / UPDATE / DELETE, like consolidation).

const markerReflect = "TASK: REFLECT ON EPISODES"

// defaultReflectionTemplate is where reflections go when the strategy
// names no reflection namespaces: the actor level, a prefix of the default
// per-session episode namespace.
const defaultReflectionTemplate = "/strategies/{memoryStrategyId}/actors/{actorId}/"

// episodicReflection validates an episodic strategy's reflection settings
// (EpisodicReflectionConfigurationInput) against its episode namespaces: a
// reflection namespace must be a prefix of every episode namespace (the
// rule AgentCore applies), so reflections sit above the episodes they
// draw on. Nil rc gets the default when the episodes use the default
// namespace; otherwise reflection stays off.
func episodicReflection(st *Strategy, rc *Override, _, _ []string) (*Override, error) {
	if rc == nil {
		def := defaultTemplates(TypeEpisodic)
		if len(st.NamespaceTemplates) == 1 && st.NamespaceTemplates[0] == def[0] {
			return &Override{Namespaces: []string{defaultReflectionTemplate}, NamespaceTemplates: []string{defaultReflectionTemplate}}, nil
		}
		return nil, nil
	}
	list := rc.NamespaceTemplates
	if len(list) == 0 {
		list = rc.Namespaces
	}
	if len(list) == 0 {
		return nil, errs.Field("reflectionConfiguration", "reflectionConfiguration needs at least one namespace")
	}
	if len(list) > 5 {
		return nil, errs.Field("reflectionConfiguration", "reflectionConfiguration may have at most 5 namespaces")
	}
	for _, t := range list {
		if err := validateTemplate(t); err != nil {
			return nil, err
		}
		if strings.Contains(t, "{sessionId}") {
			return nil, errs.Field("reflectionConfiguration", "reflection namespace %q may not use {sessionId}: reflections span the actor's sessions", trunc(t))
		}
		for _, ep := range st.NamespaceTemplates {
			if !strings.HasPrefix(ep, t) {
				return nil, errs.Field("reflectionConfiguration", "reflection namespace %q must be a prefix of the episode namespace %q", trunc(t), trunc(ep))
			}
		}
	}
	out := *rc
	out.Namespaces, out.NamespaceTemplates = list, list
	return &out, nil
}

// reflectionOf returns the reflection settings of an episodic strategy
// (nil when it does not reflect).
func reflectionOf(st *Strategy) *Override {
	if baseType(st) != TypeEpisodic || st.Configuration == nil {
		return nil
	}
	o := st.Configuration.Reflection.One()
	if o == nil || len(o.NamespaceTemplates)+len(o.Namespaces) == 0 {
		return nil
	}
	return o
}

// reflectionJobOps queues the reflection job that follows an episodic
// extraction which wrote episodes.
func reflectionJobOps(acct string, st *Strategy, job *Job, writes []recordWrite, now time.Time) []store.Op {
	if reflectionOf(st) == nil || job.Kind != "" {
		return nil
	}
	wrote := false
	for _, w := range writes {
		wrote = wrote || w.rec != nil
	}
	if !wrote {
		return nil
	}
	j := Job{Acct: acct, JobID: newJobID(now), MemoryID: job.MemoryID, StrategyID: st.StrategyID, ActorID: job.ActorID,
		SessionID: job.SessionID, Kind: "reflection", Messages: []MessageRef{}, Status: JobPending, CreatedAt: now, UpdatedAt: now}
	return []store.Op{
		{Kind: store.OpCreate, Table: tblJob, Key: key(acct, j.MemoryID, j.JobID), Value: mustJSON(j)},
		{Kind: store.OpCreate, Table: tblQueue, Key: queueKey(now, acct, j.MemoryID, j.JobID), Value: mustJSON(queueRowOf(acct, &j))},
	}
}

// maxEpisodesShown bounds the episodes one reflection reads.
const maxEpisodesShown = 20

// reflect runs one reflection job: the actor's latest episodes and the
// existing reflections go to the model, whose operations are returned as
// record writes into the reflection namespaces.
func (s *Service) reflect(ctx context.Context, acct string, m *Memory, st *Strategy, x *index, job *Job) ([]recordWrite, error) {
	rc := reflectionOf(st)
	if rc == nil {
		return nil, nil
	}
	rst := *st
	rst.NamespaceTemplates = rc.NamespaceTemplates
	if len(rst.NamespaceTemplates) == 0 {
		rst.NamespaceTemplates = rc.Namespaces
	}
	targets := resolveNamespaces(&rst, job.ActorID, job.SessionID)
	for _, ns := range targets {
		if err := ValidateNamespace("namespaces", ns); err != nil {
			return nil, fmt.Errorf("reflection namespace %q of strategy %s does not resolve to a valid namespace", ns, st.StrategyID)
		}
	}
	isTarget := func(list []string) bool {
		for _, a := range list {
			for _, t := range targets {
				if a == t {
					return true
				}
			}
		}
		return false
	}
	under := func(list []string) bool {
		for _, a := range list {
			for _, t := range targets {
				if strings.HasPrefix(a, t) && a != t {
					return true
				}
			}
		}
		return false
	}
	now := s.now()
	f := &filter{now: now.UnixMilli(), strategy: st.StrategyID}
	var episodes, existing []*Record
	x.mu.RLock()
	for _, r := range x.recs {
		if r == nil || !f.match(r) {
			continue
		}
		switch {
		case isTarget(r.Namespaces):
			existing = append(existing, r)
		case under(r.Namespaces):
			episodes = append(episodes, r)
		}
	}
	x.mu.RUnlock()
	if len(episodes) == 0 {
		return nil, nil
	}
	sort.Slice(episodes, func(a, b int) bool { return episodes[a].CreatedAt.Time().After(episodes[b].CreatedAt.Time()) })
	if len(episodes) > maxEpisodesShown {
		episodes = episodes[:maxEpisodesShown]
	}
	revs := make([]int64, len(existing))
	shown := make([]existingRecord, len(existing))
	for i, r := range existing {
		it, err := s.kv.Get(ctx, tblRecord, key(acct, m.ID, r.MemoryRecordID))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errRetry, err)
		}
		revs[i] = it.Revision
		shown[i] = existingRecord{ID: fmt.Sprint(i + 1), Text: r.Content.Text}
	}
	eps := make([]string, len(episodes))
	for i, r := range episodes {
		eps[len(episodes)-1-i] = r.Content.Text // oldest first
	}
	var ov *Override
	if rc.ModelID != "" || rc.AppendToPrompt != "" {
		ov = rc
	}
	modelID := ""
	if ov != nil {
		modelID = ov.ModelID
	}
	answer, err := s.chat(ctx, modelID, reflectionPrompt(ov, eps, shown))
	if err != nil {
		return nil, err
	}
	ops, err := parseOperations(answer)
	if err != nil {
		return nil, err
	}
	t := now.UTC()
	var writes []recordWrite
	touched := map[int]bool{}
	for _, op := range ops {
		var idx int
		if op.Action == "UPDATE" || op.Action == "DELETE" {
			if _, err := fmt.Sscan(op.ID, &idx); err != nil || idx < 1 || idx > len(existing) || touched[idx] {
				s.log.Warn("reflection names an unknown or repeated record; ignored", "job", job.JobID, "id", op.ID)
				continue
			}
			touched[idx] = true
		}
		switch op.Action {
		case "ADD":
			if op.Text == "" {
				continue
			}
			r := &Record{MemoryRecordID: newRecordID(), Content: Content{Text: clip(op.Text)}, StrategyID: st.StrategyID, Namespaces: targets,
				CreatedAt: Epoch(t), Timestamp: ptr(Epoch(t))}
			if st.RecordExpiryDays > 0 {
				setExpiry(r, &RecordExpiry{Days: st.RecordExpiryDays}, t)
			}
			writes = append(writes, recordWrite{rec: r, id: r.MemoryRecordID, create: true})
		case "UPDATE":
			if op.Text == "" {
				continue
			}
			r := *existing[idx-1]
			r.Content, r.Timestamp = Content{Text: clip(op.Text)}, ptr(Epoch(t))
			writes = append(writes, recordWrite{rec: &r, id: r.MemoryRecordID, rev: revs[idx-1]})
		case "DELETE":
			writes = append(writes, recordWrite{id: existing[idx-1].MemoryRecordID, rev: revs[idx-1]})
		case "NONE", "NO-OP", "NOOP", "":
		default:
			return nil, fmt.Errorf("the model's reflection answer has an unknown action %q", trunc(op.Action))
		}
	}
	return writes, nil
}

func clip(s string) string {
	if len([]rune(s)) > MaxRecordChars {
		return string([]rune(s)[:MaxRecordChars])
	}
	return s
}

func reflectionPrompt(ov *Override, episodes []string, existing []existingRecord) []struct{ role, text string } {
	ins := `You learn from experience. Read the EPISODES (past interactions of one user with the assistant: goal, steps,
outcome) and the EXISTING reflections. Write reflections: durable, general insights that hold across episodes — what
works, what fails, patterns in the user's goals and how the assistant should act next time. Each reflection is one
self-contained statement. For each insight choose one operation:
- ADD: a new insight; give its text.
- UPDATE: it refines or corrects an existing reflection; give that reflection's id and the merged text.
- DELETE: an existing reflection is contradicted by the episodes; give its id.
- NONE: already known.`
	if ov != nil && ov.AppendToPrompt != "" {
		ins += "\n\nAdditional instructions:\n" + ov.AppendToPrompt
	}
	sys := markerReflect + "\n\n" + ins + `

Answer with JSON only, exactly this shape:
{"operations": [{"action": "ADD|UPDATE|DELETE|NONE", "id": "<existing id for UPDATE/DELETE>", "text": "<text for ADD/UPDATE>"}]}`
	ep, _ := json.Marshal(episodes)
	ex, _ := json.Marshal(existing)
	return []struct{ role, text string }{{"system", sys}, {"user", fmt.Sprintf("EPISODES: %s\nEXISTING: %s", ep, ex)}}
}
