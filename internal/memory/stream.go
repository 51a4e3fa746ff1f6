package memory

import (
	"context"
	"encoding/json"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Stream delivery of memory record events (streamDeliveryResources): AWS
// puts MemoryRecordCreated / Updated / Deleted events on a Kinesis data
// stream; agentcore POSTs them to the endpoint subscribed to the stream's
// dataStreamArn (the same subscriptions and signed, retried webhooks as
// self-managed deliveries). Every record commit queues one "stream" job in
// its own transaction, so no committed change goes unannounced.

// StreamResources is the StreamDeliveryResources shape.
type StreamResources struct {
	Resources []struct {
		Kinesis *struct {
			DataStreamARN         string `json:"dataStreamArn"`
			ContentConfigurations []struct {
				Type  string `json:"type"`
				Level string `json:"level"`
			} `json:"contentConfigurations"`
		} `json:"kinesis"`
	} `json:"resources"`
}

// validateStream checks a streamDeliveryResources member.
func validateStream(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var sr StreamResources
	if err := json.Unmarshal(raw, &sr); err != nil {
		return errs.Field("streamDeliveryResources", "streamDeliveryResources is not a StreamDeliveryResources structure")
	}
	if len(sr.Resources) == 0 {
		return errs.Field("streamDeliveryResources", "streamDeliveryResources.resources needs at least one resource")
	}
	for _, r := range sr.Resources {
		k := r.Kinesis
		if k == nil {
			return errs.Field("streamDeliveryResources", "each stream delivery resource needs kinesis")
		}
		if !topicARNRE.MatchString(k.DataStreamARN) || len(k.DataStreamARN) > 1600 {
			return errs.Field("streamDeliveryResources", "kinesis.dataStreamArn %q is not an ARN", trunc(k.DataStreamARN))
		}
		if len(k.ContentConfigurations) == 0 {
			return errs.Field("streamDeliveryResources", "kinesis.contentConfigurations needs at least one entry")
		}
		for _, c := range k.ContentConfigurations {
			if c.Type != "MEMORY_RECORDS" {
				return errs.Field("streamDeliveryResources", "contentConfigurations.type %q must be MEMORY_RECORDS", trunc(c.Type))
			}
			if c.Level != "" && c.Level != "METADATA_ONLY" && c.Level != "FULL_CONTENT" {
				return errs.Field("streamDeliveryResources", "contentConfigurations.level %q must be METADATA_ONLY or FULL_CONTENT", trunc(c.Level))
			}
		}
	}
	return nil
}

// RecordEvent is one record change a stream job announces.
type RecordEvent struct {
	Type       string   `json:"eventType"`
	RecordID   string   `json:"memoryRecordId"`
	StrategyID string   `json:"memoryStrategyId,omitempty"`
	Namespaces []string `json:"namespaces,omitempty"`
	At         Epoch    `json:"eventTime"`
	// The record's text at the change (FULL_CONTENT), sealed when the
	// memory is encrypted.
	Text   string `json:"text,omitempty"`
	Sealed []byte `json:"sealed,omitempty"`
}

// streamOps queues the stream job of one record commit (none when the
// memory streams nowhere).
func streamOps(acct string, m *Memory, seal *sealer, ws []recordWrite, now time.Time) []store.Op {
	if len(m.StreamDelivery) == 0 || string(m.StreamDelivery) == "null" || len(ws) == 0 {
		return nil
	}
	full := false
	var sr StreamResources
	if json.Unmarshal(m.StreamDelivery, &sr) == nil {
		for _, r := range sr.Resources {
			if r.Kinesis == nil {
				continue
			}
			for _, c := range r.Kinesis.ContentConfigurations {
				full = full || c.Level == "FULL_CONTENT"
			}
		}
	}
	j := Job{Acct: acct, JobID: newJobID(now), MemoryID: m.ID, Kind: "stream", Messages: []MessageRef{}, Status: JobPending,
		CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
	for _, w := range ws {
		ev := RecordEvent{Type: "MemoryRecordUpdated", RecordID: w.id, At: Epoch(now.UTC())}
		switch {
		case w.rec == nil:
			ev.Type = "MemoryRecordDeleted"
		case w.create:
			ev.Type = "MemoryRecordCreated"
		}
		if w.rec != nil {
			ev.StrategyID, ev.Namespaces = w.rec.StrategyID, w.rec.Namespaces
			if full && seal != nil {
				ev.Sealed = seal.seal([]byte(w.rec.Content.Text))
			} else if full {
				ev.Text = w.rec.Content.Text
			}
		}
		j.Events = append(j.Events, ev)
	}
	return []store.Op{
		{Kind: store.OpCreate, Table: tblJob, Key: key(acct, m.ID, j.JobID), Value: mustJSON(j)},
		{Kind: store.OpCreate, Table: tblQueue, Key: queueKey(now, acct, m.ID, j.JobID), Value: mustJSON(queueRowOf(acct, &j))},
	}
}

// streamEvent is one delivered event: AgentCore's memoryStreamEvent.
type streamEvent struct {
	MemoryStreamEvent struct {
		RecordEvent
		MemoryID         string `json:"memoryId"`
		MemoryRecordText string `json:"memoryRecordText,omitempty"`
	} `json:"memoryStreamEvent"`
}

// streamOut posts a stream job's events to each resource's subscriber:
// {"dataStreamArn": ..., "records": [memoryStreamEvent...]}. Record text
// (FULL_CONTENT) is the text at the change, sealed in the job row when
// the memory is encrypted.
func (s *Service) streamOut(ctx context.Context, acct string, m *Memory, job *Job) error {
	var sr StreamResources
	if json.Unmarshal(m.StreamDelivery, &sr) != nil {
		return nil
	}
	for _, r := range sr.Resources {
		if r.Kinesis == nil {
			continue
		}
		full := false
		for _, c := range r.Kinesis.ContentConfigurations {
			full = full || c.Level == "FULL_CONTENT"
		}
		body := struct {
			DataStreamARN string        `json:"dataStreamArn"`
			Records       []streamEvent `json:"records"`
		}{DataStreamARN: r.Kinesis.DataStreamARN}
		for _, ev := range job.Events {
			var se streamEvent
			se.MemoryStreamEvent.MemoryID = m.ID
			if full {
				se.MemoryStreamEvent.MemoryRecordText = ev.Text
				if len(ev.Sealed) > 0 {
					seal, err := newSealer(s.master, m.EncryptionKeyARN)
					if err != nil {
						return err
					}
					plain, err := seal.open(ev.Sealed)
					if err != nil {
						return err
					}
					se.MemoryStreamEvent.MemoryRecordText = string(plain)
				}
			}
			ev.Text, ev.Sealed = "", nil
			se.MemoryStreamEvent.RecordEvent = ev
			body.Records = append(body.Records, se)
		}
		if err := s.send(ctx, acct, m, r.Kinesis.DataStreamARN, job.JobID+"-"+r.Kinesis.DataStreamARN, mustJSON(body)); err != nil {
			return err
		}
	}
	return nil
}
