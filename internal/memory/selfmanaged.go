package memory

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// A self-managed strategy runs no model: its conversation messages
// accumulate per (strategy, actor, session) until a trigger condition
// holds (message count, token count or session idle time), then one
// "delivery" job carries the batch, with the session's earlier messages
// (historicalContextWindowSize) as context, to the user's own pipeline:
// the webhooks subscribed to the strategy's topicArn (deliver.go). The
// pipeline writes its records back with BatchCreateMemoryRecords /
// BatchUpdateMemoryRecords.

const tblPending = "memory_sm_pending" // acct|mem|strategy|actor|session|eventId|idx → pendingMsg

var (
	bucketRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	topicARNRE = regexp.MustCompile(`^arn:[a-z0-9-.]{1,63}:[a-z0-9-.]{0,63}:[a-z0-9-.]{0,63}:[a-z0-9-.]{0,63}:[^/].*$`)
)

// mergeSelfManaged applies a ModifySelfManagedConfiguration (every member
// optional) to the stored configuration; old nil is a create.
func mergeSelfManaged(old, in *SelfManaged) *SelfManaged {
	out := &SelfManaged{}
	if old != nil {
		*out = *old
		if old.InvocationConfiguration != nil {
			ic := *old.InvocationConfiguration
			out.InvocationConfiguration = &ic
		}
	}
	if in.HistoricalContextWindowSize != nil {
		out.HistoricalContextWindowSize = in.HistoricalContextWindowSize
	}
	if out.HistoricalContextWindowSize == nil {
		out.HistoricalContextWindowSize = ptr(0)
	}
	if ic := in.InvocationConfiguration; ic != nil {
		if out.InvocationConfiguration == nil {
			out.InvocationConfiguration = &InvocationConfig{}
		}
		if ic.TopicARN != "" {
			out.InvocationConfiguration.TopicARN = ic.TopicARN
		}
		if ic.PayloadDeliveryBucketName != "" {
			out.InvocationConfiguration.PayloadDeliveryBucketName = ic.PayloadDeliveryBucketName
		}
	}
	if in.TriggerConditions != nil {
		out.TriggerConditions = in.TriggerConditions
	}
	if out.TriggerConditions == nil {
		out.TriggerConditions = []TriggerCondition{}
	}
	return out
}

// validate checks a self-managed configuration with AgentCore's ranges.
func (sm *SelfManaged) validate() error {
	if sm == nil {
		return nil
	}
	ic := sm.InvocationConfiguration
	if ic == nil || ic.TopicARN == "" || ic.PayloadDeliveryBucketName == "" {
		return errs.Field("invocationConfiguration", "selfManagedConfiguration.invocationConfiguration needs topicArn and payloadDeliveryBucketName")
	}
	if !topicARNRE.MatchString(ic.TopicARN) || len(ic.TopicARN) > 1600 {
		return errs.Field("invocationConfiguration", "topicArn %q is not an ARN", trunc(ic.TopicARN))
	}
	if !bucketRE.MatchString(ic.PayloadDeliveryBucketName) {
		return errs.Field("invocationConfiguration", "payloadDeliveryBucketName %q is not a bucket name", trunc(ic.PayloadDeliveryBucketName))
	}
	if w := sm.HistoricalContextWindowSize; w != nil && (*w < 0 || *w > 50) {
		return errs.Field("historicalContextWindowSize", "historicalContextWindowSize must be from 0 to 50")
	}
	for _, c := range sm.TriggerConditions {
		n := 0
		if c.MessageBased != nil {
			n++
			if c.MessageBased.MessageCount < 1 || c.MessageBased.MessageCount > 50 {
				return errs.Field("triggerConditions", "messageBasedTrigger.messageCount must be from 1 to 50")
			}
		}
		if c.TokenBased != nil {
			n++
			if c.TokenBased.TokenCount < 100 || c.TokenBased.TokenCount > 500000 {
				return errs.Field("triggerConditions", "tokenBasedTrigger.tokenCount must be from 100 to 500000")
			}
		}
		if c.TimeBased != nil {
			n++
			if c.TimeBased.IdleSessionTimeout < 10 || c.TimeBased.IdleSessionTimeout > 3000 {
				return errs.Field("triggerConditions", "timeBasedTrigger.idleSessionTimeout must be from 10 to 3000 seconds")
			}
		}
		if n != 1 {
			return errs.Field("triggerConditions", "each trigger condition sets exactly one of messageBasedTrigger, tokenBasedTrigger, timeBasedTrigger")
		}
	}
	return nil
}

// pendingMsg is one message waiting for a self-managed trigger.
type pendingMsg struct {
	Ref    MessageRef `json:"ref"`
	Tokens int        `json:"tokens"`
	At     time.Time  `json:"at"`
}

// estimateTokens approximates a tokenizer: about four characters a token.
func estimateTokens(s string) int { return (len(s) + 3) / 4 }

// pendingOps records the messages of ev for the self-managed strategy st
// (in the event's transaction).
func pendingOps(acct string, m *Memory, st *Strategy, ev *Event, refs []MessageRef, now time.Time) []store.Op {
	var ops []store.Op
	for _, r := range refs {
		p := ev.Payload[r.MessageIndex]
		text := ""
		if p.Conversational != nil {
			text = p.Conversational.Content.Text
		} else if p.JSON != nil {
			text = string(p.JSON.Content)
		}
		pm := pendingMsg{Ref: r, Tokens: estimateTokens(text), At: now}
		ops = append(ops, store.Op{Kind: store.OpPut, Table: tblPending,
			Key: key(acct, m.ID, st.StrategyID, ev.ActorID, ev.SessionID, ev.EventID, itoa3(r.MessageIndex)), Value: mustJSON(pm)})
	}
	return ops
}

func itoa3(i int) string {
	b := []byte{'0' + byte(i/100%10), '0' + byte(i/10%10), '0' + byte(i%10)}
	return string(b)
}

// triggers evaluates the self-managed trigger conditions until Close.
func (s *Service) triggers() {
	for s.ctx.Err() == nil {
		if err := s.sweepPending(s.ctx); err != nil && s.ctx.Err() == nil {
			s.log.Warn("self-managed triggers", "err", err)
		}
		select {
		case <-s.ctx.Done():
			return
		case <-s.smWake:
		case <-time.After(s.poll):
		}
	}
}

// fires reports whether a conversation's pending messages meet one of the
// strategy's trigger conditions (none configured: every event triggers).
func fires(sm *SelfManaged, count, tokens int, last, now time.Time) bool {
	if sm == nil || len(sm.TriggerConditions) == 0 {
		return count > 0
	}
	for _, c := range sm.TriggerConditions {
		switch {
		case c.MessageBased != nil && count >= c.MessageBased.MessageCount:
			return true
		case c.TokenBased != nil && tokens >= c.TokenBased.TokenCount:
			return true
		case c.TimeBased != nil && now.Sub(last) >= time.Duration(c.TimeBased.IdleSessionTimeout)*time.Second:
			return true
		}
	}
	return false
}

// sweepPending turns every conversation whose trigger fired into a
// delivery job, deleting its pending rows in the same transaction (a
// replica that raced it gets a conflict and skips).
func (s *Service) sweepPending(ctx context.Context) error {
	items, err := s.kv.List(ctx, tblPending, "", "", 5000)
	if err != nil || len(items) == 0 {
		return err
	}
	now := s.now()
	type group struct {
		parts  []string
		items  []store.Item
		msgs   []pendingMsg
		tokens int
		last   time.Time
	}
	var order []string
	groups := map[string]*group{}
	for _, it := range items {
		parts := strings.Split(it.Key, "|")
		if len(parts) != 7 {
			continue
		}
		pm, err := decode[pendingMsg](it.Value)
		if err != nil {
			continue
		}
		g := strings.Join(parts[:5], "|")
		if groups[g] == nil {
			groups[g] = &group{parts: parts[:5]}
			order = append(order, g)
		}
		gr := groups[g]
		gr.items, gr.msgs = append(gr.items, it), append(gr.msgs, *pm)
		gr.tokens += pm.Tokens
		if pm.At.After(gr.last) {
			gr.last = pm.At
		}
	}
	mems := map[string]*Memory{}
	for _, g := range order {
		gr := groups[g]
		acct, memID, stID := gr.parts[0], gr.parts[1], gr.parts[2]
		m, ok := mems[acct+"|"+memID]
		if !ok {
			m, _, err = s.loadMemory(ctx, acct, memID)
			if err != nil && errs.KindOf(err) != errs.NotFound {
				return err
			}
			mems[acct+"|"+memID] = m
		}
		var st *Strategy
		if m != nil {
			st, _ = s.strategy(m, stID)
		}
		var ops []store.Op
		for _, it := range gr.items {
			ops = append(ops, store.Op{Kind: store.OpDelete, Table: tblPending, Key: it.Key, Revision: it.Revision})
		}
		if st == nil || baseType(st) != "SELF_MANAGED" { // memory or strategy gone: drop the rows
			s.kv.Txn(ctx, ops...)
			continue
		}
		if !fires(st.Configuration.SelfManaged, len(gr.msgs), gr.tokens, gr.last, now) {
			continue
		}
		j := Job{Acct: acct, JobID: newJobID(now), MemoryID: memID, StrategyID: stID, ActorID: gr.parts[3], SessionID: gr.parts[4],
			Kind: "delivery", Status: JobPending, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		for _, pm := range gr.msgs {
			j.Messages = append(j.Messages, pm.Ref)
		}
		ops = append(ops,
			store.Op{Kind: store.OpCreate, Table: tblJob, Key: key(acct, memID, j.JobID), Value: mustJSON(j)},
			store.Op{Kind: store.OpCreate, Table: tblQueue, Key: queueKey(now, acct, memID, j.JobID), Value: mustJSON(queueRowOf(acct, &j))})
		if err := s.kv.Txn(ctx, ops...); err != nil {
			if errs.KindOf(err) == errs.Conflict {
				continue
			}
			return err
		}
		s.notify()
	}
	return nil
}
