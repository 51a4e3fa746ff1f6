package memory

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Webhooks posts one delivery to a subscriber's endpoint; the
// implementation (internal/memory/webhook) signs the body with the
// subscription's secret. An error means "not delivered, try again".
type Webhooks interface {
	Post(ctx context.Context, endpoint, secret, deliveryID string, body []byte) error
}

const tblSubscription = "memory_subscription" // acct|topicArn → Subscription

// Subscription routes a topicArn's deliveries to an HTTP endpoint (the
// counterpart of an SNS https subscription).
type Subscription struct {
	TopicARN  string    `json:"topicArn"`
	Endpoint  string    `json:"endpoint"`
	Secret    string    `json:"secret,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// Subscribe points the caller's topicArn at endpoint (replacing an
// earlier subscription); deliveries are signed with secret.
func (s *Service) Subscribe(ctx context.Context, sub Subscription) error {
	t, err := tenant.From(ctx)
	if err != nil {
		return err
	}
	if !topicARNRE.MatchString(sub.TopicARN) {
		return errs.Field("topicArn", "topicArn %q is not an ARN", trunc(sub.TopicARN))
	}
	u, err := url.Parse(sub.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errs.Field("endpoint", "endpoint %q must be an http or https URL", trunc(sub.Endpoint))
	}
	if len(sub.Secret) < 16 || len(sub.Secret) > 256 {
		return errs.Field("secret", "secret must have 16 to 256 characters")
	}
	sub.CreatedAt = s.now().UTC()
	return s.kv.Txn(ctx, store.Op{Kind: store.OpPut, Table: tblSubscription, Key: key(t.Account, sub.TopicARN), Value: mustJSON(sub)})
}

// Unsubscribe removes the caller's subscription of topicArn.
func (s *Service) Unsubscribe(ctx context.Context, topicARN string) error {
	t, err := tenant.From(ctx)
	if err != nil {
		return err
	}
	if _, _, err := getJSON[Subscription](ctx, s.kv, tblSubscription, key(t.Account, topicARN), "subscription of "+topicARN); err != nil {
		return err
	}
	return s.kv.Txn(ctx, store.Op{Kind: store.OpDelete, Table: tblSubscription, Key: key(t.Account, topicARN), Revision: -1})
}

// deliveryMessage is what a subscriber receives: AgentCore's SNS
// notification members with the S3 payload inline under "payload".
type deliveryMessage struct {
	JobID             string          `json:"jobId"`
	MemoryID          string          `json:"memoryId"`
	StrategyID        string          `json:"strategyId"`
	S3PayloadLocation string          `json:"s3PayloadLocation"`
	Payload           deliveryPayload `json:"payload"`
}

type deliveryPayload struct {
	RequestID         string           `json:"requestId"`
	AccountID         string           `json:"accountId"`
	MemoryID          string           `json:"memoryId"`
	StrategyID        string           `json:"strategyId"`
	ActorID           string           `json:"actorId"`
	SessionID         string           `json:"sessionId"`
	StartingTimestamp Epoch            `json:"startingTimestamp"`
	EndingTimestamp   Epoch            `json:"endingTimestamp"`
	CurrentContext    []Conversational `json:"currentContext"`
	HistoricalContext []Conversational `json:"historicalContext"`
}

// errBackoff: the delivery did not go through; try again later.
var errBackoff = errors.New("delivery failed")

// maxDeliveryAttempts is how often a delivery is tried before its job
// FAILs (StartMemoryExtractionJob redrives it).
const maxDeliveryAttempts = 8

// backoffDelay is the wait before attempt n+1: 1s doubling, up to 5 min.
func backoffDelay(n int) time.Duration {
	d := time.Second << min(n, 9)
	return min(d, 5*time.Minute)
}

// deliver posts a delivery job's payload to the topic's subscriber.
func (s *Service) deliver(ctx context.Context, acct string, m *Memory, st *Strategy, job *Job) error {
	sm := st.Configuration.SelfManaged
	ic := sm.InvocationConfiguration
	msg := deliveryMessage{JobID: job.JobID, MemoryID: m.ID, StrategyID: st.StrategyID,
		S3PayloadLocation: fmt.Sprintf("s3://%s/%s/%s/%s.json", ic.PayloadDeliveryBucketName, m.ID, st.StrategyID, job.JobID),
		Payload: deliveryPayload{RequestID: job.JobID, AccountID: acct, MemoryID: m.ID, StrategyID: st.StrategyID,
			ActorID: job.ActorID, SessionID: job.SessionID, CurrentContext: []Conversational{}, HistoricalContext: []Conversational{}}}
	cache := map[string]*Event{}
	for _, ref := range job.Messages {
		ev, ok := cache[ref.EventID]
		if !ok {
			var err error
			ev, err = s.GetEvent(ctx, m.ID, job.ActorID, job.SessionID, ref.EventID)
			if err != nil && errs.KindOf(err) != errs.NotFound {
				return err
			}
			cache[ref.EventID] = ev
		}
		if ev == nil || ref.MessageIndex >= len(ev.Payload) {
			continue
		}
		if msg.Payload.StartingTimestamp.IsZero() || ev.Timestamp.Time().Before(msg.Payload.StartingTimestamp.Time()) {
			msg.Payload.StartingTimestamp = ev.Timestamp
		}
		if ev.Timestamp.Time().After(msg.Payload.EndingTimestamp.Time()) {
			msg.Payload.EndingTimestamp = ev.Timestamp
		}
		switch p := ev.Payload[ref.MessageIndex]; {
		case p.Conversational != nil:
			msg.Payload.CurrentContext = append(msg.Payload.CurrentContext, *p.Conversational)
		case p.JSON != nil:
			msg.Payload.CurrentContext = append(msg.Payload.CurrentContext, Conversational{Role: "OTHER", Content: Content{Text: string(p.JSON.Content)}})
		}
	}
	if len(msg.Payload.CurrentContext) == 0 {
		return nil // the events expired or were deleted
	}
	hist, err := s.historyMsgs(ctx, m, historyWindow(st), job)
	if err != nil {
		return err
	}
	if hist != nil {
		msg.Payload.HistoricalContext = hist
	}
	return s.send(ctx, acct, m, ic.TopicARN, job.JobID, mustJSON(msg))
}

// send hands one delivery to the webhook subscribed to arn, or, when none
// is, to arn's queue (inbox.go).
func (s *Service) send(ctx context.Context, acct string, m *Memory, arn, deliveryID string, body []byte) error {
	sub, _, err := getJSON[Subscription](ctx, s.kv, tblSubscription, key(acct, arn), "subscription")
	if errs.KindOf(err) == errs.NotFound {
		return s.enqueue(ctx, acct, m, arn, deliveryID, body)
	}
	if err != nil {
		return err
	}
	if s.hooks == nil {
		return fmt.Errorf("%w: this server delivers no webhooks", errBackoff)
	}
	if err := s.hooks.Post(ctx, sub.Endpoint, sub.Secret, deliveryID, body); err != nil {
		return fmt.Errorf("%w: %v", errBackoff, err)
	}
	return nil
}

// postpone records a failed delivery attempt and makes the queue rows
// visible again after the backoff; false when the attempts are used up.
func (s *Service) postpone(ctx context.Context, l *lease, jobs []*Job, reason string) (bool, error) {
	if jobs[0].Attempts+1 >= maxDeliveryAttempts {
		return false, nil
	}
	now := s.now()
	var ops []store.Op
	l.mu.Lock()
	for _, r := range l.rows {
		r.row.Owner, r.row.LeaseUntil = "", now.Add(backoffDelay(jobs[0].Attempts))
		ops = append(ops, store.Op{Kind: store.OpUpdate, Table: tblQueue, Key: r.key, Value: mustJSON(r.row), Revision: r.rev})
	}
	l.lost = true // the heartbeat must not renew the rows any more
	l.mu.Unlock()
	for _, j := range jobs {
		j.Attempts++
		j.FailureReason, j.UpdatedAt = reason, now.UTC()
		ops = append(ops, store.Op{Kind: store.OpPut, Table: tblJob, Key: key(j.Acct, j.MemoryID, j.JobID), Value: mustJSON(j)})
	}
	return true, s.kv.Txn(ctx, ops...)
}
