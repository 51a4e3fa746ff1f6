package memory

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randAlnum(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

func newHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func memoryARN(t tenant.Tenant, id string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:memory/%s", t.Region, t.Account, id)
}

// defaultTemplates are the namespaces a strategy gets when it names none
// (the same defaults the bedrock-agentcore SDK fills in).
func defaultTemplates(typ string) []string {
	switch typ {
	case TypeSummary, TypeEpisodic:
		return []string{"/strategies/{memoryStrategyId}/actors/{actorId}/sessions/{sessionId}/"}
	default:
		return []string{"/strategies/{memoryStrategyId}/actors/{actorId}/"}
	}
}

// CreateMemory creates a memory in CREATING state; it turns ACTIVE shortly.
func (s *Service) CreateMemory(ctx context.Context, in CreateMemoryInput) (*Memory, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if !memoryNameRE.MatchString(in.Name) {
		return nil, errs.Field("name", "name %q must start with a letter and have 1-48 letters, digits or '_'", trunc(in.Name))
	}
	if utf8.RuneCountInString(in.Description) > MaxDescriptionLen {
		return nil, errs.Field("description", "description is longer than %d characters", MaxDescriptionLen)
	}
	if in.EventExpiryDuration == nil {
		return nil, errs.Field("eventExpiryDuration", "eventExpiryDuration is required")
	}
	if d := *in.EventExpiryDuration; d < MinExpiryDays || d > MaxExpiryDays {
		return nil, errs.Field("eventExpiryDuration", "eventExpiryDuration must be from %d to %d days", MinExpiryDays, MaxExpiryDays)
	}
	if in.EncryptionKeyARN != "" {
		if !strings.HasPrefix(in.EncryptionKeyARN, "arn:") {
			return nil, errs.Field("encryptionKeyArn", "encryptionKeyArn must be an ARN")
		}
		if _, err := newSealer(s.master, in.EncryptionKeyARN); err != nil {
			return nil, errs.E(errs.Invalid, "encryption at rest is not available: %v", err)
		}
	}
	if len(in.Strategies) > MaxStrategies {
		return nil, errs.Field("memoryStrategies", "at most %d strategies are allowed", MaxStrategies)
	}
	now := Epoch(s.now().UTC())
	id := in.Name + "-" + randAlnum(10)
	m := &Memory{ARN: memoryARN(t, id), ID: id, Name: in.Name, Description: in.Description, EncryptionKeyARN: in.EncryptionKeyARN,
		EventExpiryDuration: *in.EventExpiryDuration, ExecutionRoleARN: in.ExecutionRoleARN, Status: StatusCreating,
		IndexedKeys: in.IndexedKeys, NamespaceKeys: in.NamespaceKeys, StreamDelivery: in.StreamDelivery, CreatedAt: now, UpdatedAt: now,
		Strategies: []*Strategy{}}
	if err := validateIndexedKeys(in.IndexedKeys); err != nil {
		return nil, err
	}
	if err := validateStream(in.StreamDelivery); err != nil {
		return nil, err
	}
	for i, si := range in.Strategies {
		st, err := buildStrategy(si, now)
		if err != nil {
			return nil, withIndex(err, "memoryStrategies", i)
		}
		if err := addStrategy(m, st); err != nil {
			return nil, err
		}
	}
	err = s.kv.Txn(ctx, append([]store.Op{
		{Kind: store.OpCreate, Table: tblName, Key: key(t.Account, in.Name), Value: []byte(id)},
		{Kind: store.OpCreate, Table: tblMemory, Key: key(t.Account, id), Value: mustJSON(m)}},
		tagging.PutOps(m.ARN, in.Tags)...)...)
	if errs.KindOf(err) == errs.Conflict {
		return nil, errs.E(errs.Conflict, "a memory named %s already exists", in.Name)
	}
	if err != nil {
		return nil, err
	}
	return s.view(m), nil
}

func withIndex(err error, field string, i int) error {
	if e, ok := errs.As(err); ok && e.Kind == errs.Invalid {
		c := *e
		c.Message = fmt.Sprintf("%s[%d]: %s", field, i, e.Message)
		return &c
	}
	return err
}

func validateIndexedKeys(keys []IndexedKey) error {
	for _, k := range keys {
		if !metaKeyRE.MatchString(k.Key) {
			return errs.Field("indexedKeys", "indexed key %q is not a valid metadata key", trunc(k.Key))
		}
		switch k.Type {
		case "STRING", "STRINGLIST", "NUMBER":
		default:
			return errs.Field("indexedKeys", "indexed key type %q must be STRING, STRINGLIST or NUMBER", k.Type)
		}
	}
	return nil
}

func addStrategy(m *Memory, st *Strategy) error {
	for _, o := range m.Strategies {
		if o.Name == st.Name {
			return errs.Field("memoryStrategies", "two strategies are named %s", st.Name)
		}
	}
	if len(m.Strategies) >= MaxStrategies {
		return errs.Field("memoryStrategies", "at most %d strategies are allowed", MaxStrategies)
	}
	m.Strategies = append(m.Strategies, st)
	return nil
}

// buildStrategy validates one MemoryStrategyInput.
func buildStrategy(in StrategyInput, now Epoch) (*Strategy, error) {
	var base *BaseStrategyInput
	var typ string
	n := 0
	for _, c := range []struct {
		b *BaseStrategyInput
		t string
	}{{in.Semantic, TypeSemantic}, {in.Summary, TypeSummary}, {in.UserPreference, TypeUserPreference}, {in.Episodic, TypeEpisodic}} {
		if c.b != nil {
			base, typ = c.b, c.t
			n++
		}
	}
	if in.Custom != nil {
		base, typ = &in.Custom.BaseStrategyInput, TypeCustom
		n++
	}
	if n != 1 {
		return nil, errs.Field("memoryStrategies", "each strategy must set exactly one of semanticMemoryStrategy, summaryMemoryStrategy, userPreferenceMemoryStrategy, episodicMemoryStrategy, customMemoryStrategy")
	}
	if !strategyRE.MatchString(base.Name) {
		return nil, errs.Field("name", "strategy name %q must start with a letter and have 1-48 letters, digits or '_'", trunc(base.Name))
	}
	st := &Strategy{StrategyID: base.Name + "-" + randAlnum(10), Name: base.Name, Description: base.Description, Type: typ,
		Status: StatusCreating, MemoryRecordSchema: base.MemoryRecordSchema, CreatedAt: now, UpdatedAt: now}
	if err := setNamespaces(st, base.Namespaces, base.NamespaceTemplates); err != nil {
		return nil, err
	}
	if base.RecordExpirySpecification != nil {
		st.RecordExpiryDays = base.RecordExpirySpecification.Days
	}
	if typ == TypeEpisodic {
		rc, err := episodicReflection(st, base.ReflectionConfiguration, base.Namespaces, base.NamespaceTemplates)
		if err != nil {
			return nil, err
		}
		st.Configuration = &StrategyConfig{Reflection: &ReflectionConfig{Episodic: rc}}
	}
	if typ == TypeCustom {
		cfg, err := customConfig(in.Custom.Configuration)
		if err != nil {
			return nil, err
		}
		st.Configuration = cfg
	}
	return st, nil
}

func setNamespaces(st *Strategy, ns, tmpl []string) error {
	list := tmpl
	if len(list) == 0 {
		list = ns
	}
	if len(list) == 0 {
		list = defaultTemplates(st.Type)
	}
	if len(list) > 5 {
		return errs.Field("namespaces", "a strategy may have at most 5 namespaces")
	}
	for _, t := range list {
		if err := validateTemplate(t); err != nil {
			return err
		}
	}
	st.Namespaces, st.NamespaceTemplates = list, list
	return nil
}

// customConfig turns a CustomConfigurationInput into the stored
// StrategyConfiguration with its wire nesting.
func customConfig(c *CustomConfigInput) (*StrategyConfig, error) {
	if c == nil {
		return nil, errs.Field("configuration", "a custom strategy needs a configuration (semanticOverride, summaryOverride, userPreferenceOverride, episodicOverride or selfManagedConfiguration)")
	}
	type pick struct {
		set    *OverrideSet
		typ    string
		prefix string
	}
	var chosen []pick
	for _, p := range []pick{{c.SemanticOverride, "SEMANTIC_OVERRIDE", "semantic"}, {c.SummaryOverride, "SUMMARY_OVERRIDE", "summary"},
		{c.UserPreferenceOverride, "USER_PREFERENCE_OVERRIDE", "userPreference"}, {c.EpisodicOverride, "EPISODIC_OVERRIDE", "episodic"}} {
		if p.set != nil {
			chosen = append(chosen, p)
		}
	}
	if c.SelfManaged != nil {
		if len(chosen) > 0 {
			return nil, errs.Field("configuration", "configuration must set exactly one override or selfManagedConfiguration")
		}
		if c.SelfManaged.InvocationConfiguration == nil {
			return nil, errs.Field("configuration", "selfManagedConfiguration needs invocationConfiguration")
		}
		sm := mergeSelfManaged(nil, c.SelfManaged)
		if err := sm.validate(); err != nil {
			return nil, err
		}
		return &StrategyConfig{Type: "SELF_MANAGED", SelfManaged: sm}, nil
	}
	if len(chosen) != 1 {
		return nil, errs.Field("configuration", "configuration must set exactly one override or selfManagedConfiguration")
	}
	p := chosen[0]
	cfg := &StrategyConfig{Type: p.typ}
	check := func(step string, o *Override) error {
		if o == nil {
			return nil
		}
		if strings.TrimSpace(o.AppendToPrompt) == "" || strings.TrimSpace(o.ModelID) == "" {
			return errs.Field("configuration", "%s %s override needs appendToPrompt and modelId", p.prefix, step)
		}
		if len(o.AppendToPrompt) > 30000 {
			return errs.Field("configuration", "appendToPrompt is longer than 30000 characters")
		}
		return nil
	}
	if p.prefix == "summary" && p.set.Extraction != nil {
		return nil, errs.Field("configuration", "summaryOverride has no extraction step; use consolidation")
	}
	if p.prefix != "episodic" && p.set.Reflection != nil {
		return nil, errs.Field("configuration", "only episodicOverride has a reflection step")
	}
	for step, o := range map[string]*Override{"extraction": p.set.Extraction, "consolidation": p.set.Consolidation, "reflection": p.set.Reflection} {
		if err := check(step, o); err != nil {
			return nil, err
		}
	}
	if o := p.set.Extraction; o != nil {
		cfg.Extraction = &OverrideConfig{"customExtractionConfiguration": {p.prefix + "ExtractionOverride": *o}}
	}
	if o := p.set.Consolidation; o != nil {
		cfg.Consolidation = &OverrideConfig{"customConsolidationConfiguration": {p.prefix + "ConsolidationOverride": *o}}
	}
	if o := p.set.Reflection; o != nil {
		cfg.Reflection = &ReflectionConfig{Custom: map[string]Override{p.prefix + "ReflectionOverride": *o}}
	}
	return cfg, nil
}

// view applies time-driven status transitions (CREATING → ACTIVE) to a
// stored memory.
func (s *Service) view(m *Memory) *Memory {
	now := s.now()
	if m.Status == StatusCreating && now.Sub(m.CreatedAt.Time()) >= s.activate {
		m.Status = StatusActive
	}
	for _, st := range m.Strategies {
		if st.Status == StatusCreating && now.Sub(st.UpdatedAt.Time()) >= s.activate {
			st.Status = StatusActive
		}
	}
	if m.Status == StatusActive {
		for _, st := range m.Strategies {
			if st.Status == StatusCreating {
				m.Status = StatusUpdating
			}
		}
	}
	return m
}

func (s *Service) loadMemory(ctx context.Context, acct, id string) (*Memory, int64, error) {
	if err := ValidateMemoryID(id); err != nil {
		return nil, 0, err
	}
	m, rev, err := getJSON[Memory](ctx, s.kv, tblMemory, key(acct, id), "memory "+id)
	if err != nil {
		return nil, 0, err
	}
	return s.view(m), rev, nil
}

// GetMemory returns a memory.
func (s *Service) GetMemory(ctx context.Context, id string) (*Memory, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	m, _, err := s.loadMemory(ctx, t.Account, id)
	if err != nil {
		return nil, err
	}
	if m.Reembedding, _, err = s.reembedding(ctx, t.Account, id); err != nil {
		return nil, err
	}
	return m, nil
}

// Exists reports whether arn names an existing memory (tagging checker).
func (s *Service) Exists(ctx context.Context, arn string) bool {
	t, err := tenant.From(ctx)
	if err != nil {
		return false
	}
	prefix := memoryARN(t, "")
	if !strings.HasPrefix(arn, prefix) {
		return false
	}
	_, _, err = s.loadMemory(ctx, t.Account, strings.TrimPrefix(arn, prefix))
	return err == nil
}

// ListMemories pages through the tenant's memories.
func (s *Service) ListMemories(ctx context.Context, maxResults int, token string) ([]*Memory, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	n, err := pageSize(maxResults)
	if err != nil {
		return nil, "", err
	}
	items, next, err := listPage(ctx, s.kv, tblMemory, key(t.Account, ""), token, n)
	if err != nil {
		return nil, "", err
	}
	out := make([]*Memory, 0, len(items))
	for _, it := range items {
		m, err := decode[Memory](it.Value)
		if err != nil {
			return nil, "", err
		}
		out = append(out, s.view(m))
	}
	return out, next, nil
}

// UpdateMemory changes a memory's settings and strategies.
func (s *Service) UpdateMemory(ctx context.Context, id string, in UpdateMemoryInput) (*Memory, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		m, rev, err := s.loadMemory(ctx, t.Account, id)
		if err != nil {
			return nil, err
		}
		if err := s.applyUpdate(m, in); err != nil {
			return nil, err
		}
		err = s.kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: tblMemory, Key: key(t.Account, id), Value: mustJSON(m), Revision: rev})
		if errs.KindOf(err) == errs.Conflict && attempt < 5 {
			continue
		}
		if err != nil {
			return nil, err
		}
		return s.view(m), nil
	}
}

func (s *Service) applyUpdate(m *Memory, in UpdateMemoryInput) error {
	now := Epoch(s.now().UTC())
	if in.Description != nil {
		if utf8.RuneCountInString(*in.Description) > MaxDescriptionLen {
			return errs.Field("description", "description is longer than %d characters", MaxDescriptionLen)
		}
		m.Description = *in.Description
	}
	if in.EventExpiryDuration != nil {
		if d := *in.EventExpiryDuration; d < MinExpiryDays || d > MaxExpiryDays {
			return errs.Field("eventExpiryDuration", "eventExpiryDuration must be from %d to %d days", MinExpiryDays, MaxExpiryDays)
		}
		m.EventExpiryDuration = *in.EventExpiryDuration
	}
	if in.ExecutionRoleARN != nil {
		m.ExecutionRoleARN = *in.ExecutionRoleARN
	}
	if err := validateIndexedKeys(in.AddIndexedKeys); err != nil {
		return err
	}
	m.IndexedKeys = append(m.IndexedKeys, in.AddIndexedKeys...)
	if len(in.NamespaceKeys) > 0 {
		m.NamespaceKeys = in.NamespaceKeys
	}
	if len(in.StreamDelivery) > 0 {
		if err := validateStream(in.StreamDelivery); err != nil {
			return err
		}
		m.StreamDelivery = in.StreamDelivery
	}
	if ms := in.Strategies; ms != nil {
		for _, d := range ms.Delete {
			i := strategyIndex(m, d.ID)
			if i < 0 {
				return errs.E(errs.NotFound, "memory strategy %s not found in memory %s", trunc(d.ID), m.ID)
			}
			m.Strategies = append(m.Strategies[:i], m.Strategies[i+1:]...)
		}
		for _, mod := range ms.Modify {
			i := strategyIndex(m, mod.StrategyID)
			if i < 0 {
				return errs.E(errs.NotFound, "memory strategy %s not found in memory %s", trunc(mod.StrategyID), m.ID)
			}
			if err := modifyStrategy(m.Strategies[i], mod, now); err != nil {
				return err
			}
		}
		for i, a := range ms.Add {
			st, err := buildStrategy(a, now)
			if err != nil {
				return withIndex(err, "addMemoryStrategies", i)
			}
			if err := addStrategy(m, st); err != nil {
				return err
			}
		}
	}
	m.UpdatedAt = now
	return nil
}

func strategyIndex(m *Memory, id string) int {
	for i, st := range m.Strategies {
		if st.StrategyID == id {
			return i
		}
	}
	return -1
}

func modifyStrategy(st *Strategy, mod ModifyStrategyInput, now Epoch) error {
	if mod.Description != nil {
		st.Description = *mod.Description
	}
	if len(mod.Namespaces) > 0 || len(mod.NamespaceTemplates) > 0 {
		if err := setNamespaces(st, mod.Namespaces, mod.NamespaceTemplates); err != nil {
			return err
		}
	}
	if len(mod.MemoryRecordSchema) > 0 {
		st.MemoryRecordSchema = mod.MemoryRecordSchema
	}
	if mod.RecordExpirySpecification != nil {
		st.RecordExpiryDays = mod.RecordExpirySpecification.Days
	}
	if c := mod.Configuration; c != nil {
		if st.Type == TypeEpisodic && c.Reflection != nil && c.Reflection.Episodic != nil && c.Extraction == nil && c.Consolidation == nil && c.SelfManaged == nil {
			rc, err := episodicReflection(st, c.Reflection.Episodic, nil, nil)
			if err != nil {
				return err
			}
			st.Configuration = &StrategyConfig{Reflection: &ReflectionConfig{Episodic: rc}}
		} else if st.Type != TypeCustom {
			return errs.Field("configuration", "only custom strategies (and an episodic strategy's reflection) have a configuration to modify")
		} else {
			if st.Configuration == nil {
				st.Configuration = &StrategyConfig{}
			}
			for _, ov := range []*Override{c.Extraction.One(), c.Consolidation.One(), c.Reflection.One()} {
				if ov != nil && (ov.AppendToPrompt == "" || ov.ModelID == "") {
					return errs.Field("configuration", "an override needs appendToPrompt and modelId")
				}
			}
			if c.Extraction != nil {
				st.Configuration.Extraction = c.Extraction
			}
			if c.Consolidation != nil {
				st.Configuration.Consolidation = c.Consolidation
			}
			if c.Reflection != nil {
				st.Configuration.Reflection = c.Reflection
			}
			if c.SelfManaged != nil {
				if st.Configuration.Type != "SELF_MANAGED" {
					return errs.Field("configuration", "selfManagedConfiguration can only modify a self-managed strategy")
				}
				merged := mergeSelfManaged(st.Configuration.SelfManaged, c.SelfManaged)
				if err := merged.validate(); err != nil {
					return err
				}
				st.Configuration.SelfManaged = merged
			}
		}
	}
	st.Status = StatusCreating
	st.UpdatedAt = now
	return nil
}

// DeleteMemory removes a memory with its events, records and jobs.
func (s *Service) DeleteMemory(ctx context.Context, id string) (*Memory, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	m, _, err := s.loadMemory(ctx, t.Account, id)
	if err != nil {
		return nil, err
	}
	if err := s.kv.Txn(ctx,
		store.Op{Kind: store.OpDelete, Table: tblMemory, Key: key(t.Account, id), Revision: -1},
		store.Op{Kind: store.OpDelete, Table: tblName, Key: key(t.Account, m.Name), Revision: -1},
		tagging.DeleteOp(m.ARN)); err != nil {
		return nil, err
	}
	s.dropIndex(t.Account, id)
	prefix := key(t.Account, id, "")
	s.wg.Add(1)
	go func() { // the data goes in the background; nothing can reach it any more
		defer s.wg.Done()
		s.kv.Txn(context.Background(), store.Op{Kind: store.OpDelete, Table: tblRecSeq, Key: key(t.Account, id), Revision: -1},
			store.Op{Kind: store.OpDelete, Table: tblReembed, Key: key(t.Account, id), Revision: -1})
		for _, tbl := range []string{tblEvent, tblSession, tblActor, tblRecord, tblRecLog, tblJob, tblBatch, tblPending} {
			if err := s.deletePrefix(context.Background(), tbl, prefix); err != nil {
				s.log.Warn("deleting memory data", "memory", id, "table", tbl, "err", err)
			}
		}
	}()
	m.Status = StatusDeleting
	return m, nil
}

func (s *Service) deletePrefix(ctx context.Context, tbl, prefix string) error {
	for {
		items, err := s.kv.List(ctx, tbl, prefix, "", 500)
		if err != nil || len(items) == 0 {
			return err
		}
		ops := make([]store.Op, 0, len(items))
		for _, it := range items {
			ops = append(ops, store.Op{Kind: store.OpDelete, Table: tbl, Key: it.Key, Revision: -1})
		}
		if err := s.kv.Txn(ctx, ops...); err != nil {
			return err
		}
	}
}

func (s *Service) strategy(m *Memory, id string) (*Strategy, error) {
	if i := strategyIndex(m, id); i >= 0 {
		return m.Strategies[i], nil
	}
	return nil, errs.E(errs.NotFound, "memory strategy %s not found in memory %s", trunc(id), m.ID)
}
