package memory

import (
	"context"
	"encoding/json"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// A topicArn (or dataStreamArn) with no webhook subscribed queues its
// deliveries instead, for the user's pipeline to poll: ReceiveDeliveries
// hides what it returns for a visibility timeout, DeleteDelivery
// acknowledges (the SQS pattern; a delivery not deleted comes back).

const tblInbox = "memory_inbox" // acct|arn|deliveryId → inboxRow

type inboxRow struct {
	Body      json.RawMessage `json:"body,omitempty"`
	Sealed    []byte          `json:"sealed,omitempty"`
	KeyARN    string          `json:"keyArn,omitempty"`
	VisibleAt time.Time       `json:"visibleAt"`
}

// Delivery is one queued delivery as ReceiveDeliveries returns it.
type Delivery struct {
	ReceiptHandle string          `json:"receiptHandle"`
	Body          json.RawMessage `json:"body"`
}

func (s *Service) enqueue(ctx context.Context, acct string, m *Memory, arn, deliveryID string, body []byte) error {
	row := inboxRow{Body: body, VisibleAt: s.now().UTC()}
	if m.EncryptionKeyARN != "" { // the body holds memory content: sealed at rest like the memory
		seal, err := newSealer(s.master, m.EncryptionKeyARN)
		if err != nil {
			return err
		}
		row = inboxRow{Sealed: seal.seal(body), KeyARN: m.EncryptionKeyARN, VisibleAt: row.VisibleAt}
	}
	err := s.kv.Txn(ctx, store.Op{Kind: store.OpCreate, Table: tblInbox, Key: key(acct, arn, deliveryID), Value: mustJSON(row)})
	if errs.KindOf(err) == errs.Conflict {
		return nil // a retried job queued it already
	}
	return err
}

// ReceiveDeliveries returns up to max visible deliveries of arn, oldest
// first, and hides them for visibility.
func (s *Service) ReceiveDeliveries(ctx context.Context, arn string, max int, visibility time.Duration) ([]Delivery, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if !topicARNRE.MatchString(arn) {
		return nil, errs.Field("topicArn", "topicArn %q is not an ARN", trunc(arn))
	}
	if max == 0 {
		max = 1
	}
	if max < 1 || max > 10 {
		return nil, errs.Field("maxMessages", "maxMessages must be from 1 to 10")
	}
	if visibility == 0 {
		visibility = 30 * time.Second
	}
	if visibility < time.Second || visibility > 12*time.Hour {
		return nil, errs.Field("visibilityTimeout", "visibilityTimeout must be from 1 to 43200 seconds")
	}
	prefix := key(t.Account, arn, "")
	now := s.now().UTC()
	out := []Delivery{}
	after := ""
	for len(out) < max {
		items, err := s.kv.List(ctx, tblInbox, prefix, after, 100)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			after = it.Key
			row, err := decode[inboxRow](it.Value)
			if err != nil || now.Before(row.VisibleAt) {
				continue
			}
			body := row.Body
			if len(row.Sealed) > 0 {
				seal, err := newSealer(s.master, row.KeyARN)
				if err != nil {
					return nil, err
				}
				if body, err = seal.open(row.Sealed); err != nil {
					return nil, err
				}
			}
			row.VisibleAt = now.Add(visibility)
			if err := s.kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: tblInbox, Key: it.Key, Value: mustJSON(row), Revision: it.Revision}); err != nil {
				continue // another poller took it
			}
			out = append(out, Delivery{ReceiptHandle: it.Key[len(prefix):], Body: body})
			if len(out) == max {
				break
			}
		}
		if len(items) < 100 {
			break
		}
	}
	return out, nil
}

// DeleteDelivery acknowledges a received delivery.
func (s *Service) DeleteDelivery(ctx context.Context, arn, receiptHandle string) error {
	t, err := tenant.From(ctx)
	if err != nil {
		return err
	}
	k := key(t.Account, arn, receiptHandle)
	if _, _, err := getJSON[inboxRow](ctx, s.kv, tblInbox, k, "delivery "+receiptHandle); err != nil {
		return err
	}
	return s.kv.Txn(ctx, store.Op{Kind: store.OpDelete, Table: tblInbox, Key: k, Revision: -1})
}
