// Package memory is the AgentCore Memory service: memories with their
// long-term strategies (control plane), short-term events with branches,
// long-term memory records with semantic retrieval, and the durable
// asynchronous extraction pipeline that turns events into records through a
// chat model. Types carry the AWS wire names so handlers encode them as is.
package memory

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Epoch is a timestamp sent as epoch seconds (a JSON number with a
// millisecond fraction), the restJson1 default.
type Epoch time.Time

// MarshalJSON writes fractional epoch seconds.
func (e Epoch) MarshalJSON() ([]byte, error) {
	t := time.Time(e)
	return []byte(fmt.Sprintf("%.3f", float64(t.UnixMilli())/1000)), nil
}

// maxEpochSeconds is 10000-01-01T00:00:00Z.
const maxEpochSeconds = 253402300800

// UnmarshalJSON reads epoch seconds (number) or an RFC 3339 string.
func (e *Epoch) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err == nil {
		// Stored keys and answers hold the time as epoch milliseconds and as
		// RFC 3339; outside years 1970..9999 neither round-trips.
		if math.IsNaN(f) || f < 0 || f >= maxEpochSeconds {
			return fmt.Errorf("timestamp must be epoch seconds between 0 and %d (year 9999)", int64(maxEpochSeconds)-1)
		}
		sec, frac := math.Modf(f)
		*e = Epoch(time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("timestamp must be epoch seconds")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Before(time.Unix(0, 0)) {
		return fmt.Errorf("timestamp must be epoch seconds")
	}
	*e = Epoch(t.UTC())
	return nil
}

// Time converts back.
func (e Epoch) Time() time.Time { return time.Time(e) }

// IsZero reports an unset timestamp.
func (e Epoch) IsZero() bool { return time.Time(e).IsZero() }

// Memory statuses.
const (
	StatusCreating = "CREATING"
	StatusActive   = "ACTIVE"
	StatusFailed   = "FAILED"
	StatusDeleting = "DELETING"
	StatusUpdating = "UPDATING"
)

// Strategy types.
const (
	TypeSemantic       = "SEMANTIC"
	TypeSummary        = "SUMMARIZATION"
	TypeUserPreference = "USER_PREFERENCE"
	TypeCustom         = "CUSTOM"
	TypeEpisodic       = "EPISODIC"
)

// Memory is one memory resource (the GetMemory `memory` shape).
type Memory struct {
	ARN                 string            `json:"arn"`
	ID                  string            `json:"id"`
	Name                string            `json:"name"`
	Description         string            `json:"description,omitempty"`
	EncryptionKeyARN    string            `json:"encryptionKeyArn,omitempty"`
	EventExpiryDuration int               `json:"eventExpiryDuration"`
	ExecutionRoleARN    string            `json:"memoryExecutionRoleArn,omitempty"`
	Status              string            `json:"status"`
	FailureReason       string            `json:"failureReason,omitempty"`
	Strategies          []*Strategy       `json:"strategies"`
	IndexedKeys         []IndexedKey      `json:"indexedKeys,omitempty"`
	NamespaceKeys       json.RawMessage   `json:"namespaceKeys,omitempty"`
	StreamDelivery      json.RawMessage   `json:"streamDeliveryResources,omitempty"`
	CreatedAt           Epoch             `json:"createdAt"`
	UpdatedAt           Epoch             `json:"updatedAt"`
	Tags                map[string]string `json:"-"`
	// Reembedding (GetMemory only; an agentcore extension field the AWS
	// SDKs ignore) is the progress of embedding again the records another
	// embedder wrote.
	Reembedding *Reembedding `json:"agentcoreReembedding,omitempty"`
}

// IndexedKey declares a metadata key usable in record filters.
type IndexedKey struct {
	Key  string `json:"key"`
	Type string `json:"type"`
}

// Strategy is one long-term memory strategy (the MemoryStrategy shape).
type Strategy struct {
	StrategyID         string          `json:"strategyId"`
	Name               string          `json:"name"`
	Description        string          `json:"description,omitempty"`
	Type               string          `json:"type"`
	Namespaces         []string        `json:"namespaces"`
	NamespaceTemplates []string        `json:"namespaceTemplates"`
	Status             string          `json:"status"`
	Configuration      *StrategyConfig `json:"configuration,omitempty"`
	MemoryRecordSchema json.RawMessage `json:"memoryRecordSchema,omitempty"`
	RecordExpiryDays   int             `json:"recordExpiryDurationDays,omitempty"`
	CreatedAt          Epoch           `json:"createdAt"`
	UpdatedAt          Epoch           `json:"updatedAt"`
}

// StrategyConfig is the StrategyConfiguration shape: the override type of a
// custom strategy, its prompt/model overrides and self-managed settings.
type StrategyConfig struct {
	Type          string            `json:"type,omitempty"`
	Extraction    *OverrideConfig   `json:"extraction,omitempty"`
	Consolidation *OverrideConfig   `json:"consolidation,omitempty"`
	Reflection    *ReflectionConfig `json:"reflection,omitempty"`
	SelfManaged   *SelfManaged      `json:"selfManagedConfiguration,omitempty"`
}

// ReflectionConfig is the ReflectionConfiguration union: a built-in
// episodic strategy's reflection namespaces, or an episodicOverride's
// reflection prompt/model override (which also carries namespaces).
type ReflectionConfig struct {
	Episodic *Override           `json:"episodicReflectionConfiguration,omitempty"`
	Custom   map[string]Override `json:"customReflectionConfiguration,omitempty"`
}

// One returns the reflection settings inside, if any.
func (r *ReflectionConfig) One() *Override {
	if r == nil {
		return nil
	}
	if r.Episodic != nil {
		return r.Episodic
	}
	for _, v := range r.Custom {
		v := v
		return &v
	}
	return nil
}

// OverrideConfig wraps one override as the wire nests it:
// {"customExtractionConfiguration":{"semanticExtractionOverride":{...}}}.
type OverrideConfig map[string]map[string]Override

// Override replaces the model and extends the prompt of one pipeline step.
type Override struct {
	AppendToPrompt     string          `json:"appendToPrompt,omitempty"`
	ModelID            string          `json:"modelId,omitempty"`
	Namespaces         []string        `json:"namespaces,omitempty"`
	NamespaceTemplates []string        `json:"namespaceTemplates,omitempty"`
	MemoryRecordSchema json.RawMessage `json:"memoryRecordSchema,omitempty"`
}

// One returns the single override inside, if any.
func (o *OverrideConfig) One() *Override {
	if o == nil {
		return nil
	}
	for _, inner := range *o {
		for _, v := range inner {
			v := v
			return &v
		}
	}
	return nil
}

// SelfManaged is a self-managed strategy's trigger and delivery settings
// (SelfManagedConfiguration; ModifySelfManagedConfiguration on update).
type SelfManaged struct {
	HistoricalContextWindowSize *int               `json:"historicalContextWindowSize,omitempty"`
	InvocationConfiguration     *InvocationConfig  `json:"invocationConfiguration,omitempty"`
	TriggerConditions           []TriggerCondition `json:"triggerConditions,omitempty"`
}

// InvocationConfig is InvocationConfiguration: where AWS publishes the
// job notification (an SNS topic) and puts the payload (an S3 bucket).
// Here topicArn names the topic whose subscribers (webhooks) and queue
// receive the delivery; the bucket name is kept and reported in the
// delivery's s3PayloadLocation (the payload itself travels inline).
type InvocationConfig struct {
	PayloadDeliveryBucketName string `json:"payloadDeliveryBucketName,omitempty"`
	TopicARN                  string `json:"topicArn,omitempty"`
}

// TriggerCondition is the TriggerCondition union.
type TriggerCondition struct {
	MessageBased *struct {
		MessageCount int `json:"messageCount,omitempty"`
	} `json:"messageBasedTrigger,omitempty"`
	TokenBased *struct {
		TokenCount int `json:"tokenCount,omitempty"`
	} `json:"tokenBasedTrigger,omitempty"`
	TimeBased *struct {
		IdleSessionTimeout int `json:"idleSessionTimeout,omitempty"`
	} `json:"timeBasedTrigger,omitempty"`
}

// Content is the Content / MemoryContent union (text only).
type Content struct {
	Text string `json:"text"`
}

// Conversational is one message of a conversation.
type Conversational struct {
	Content Content `json:"content"`
	Role    string  `json:"role"`
}

// Payload is the PayloadType union.
type Payload struct {
	Conversational *Conversational `json:"conversational,omitempty"`
	Blob           json.RawMessage `json:"blob,omitempty"`
	JSON           *JSONData       `json:"json,omitempty"`
}

// JSONData is MemoryJsonData: a JSON document payload.
type JSONData struct {
	Content json.RawMessage `json:"content"`
}

// Branch names the branch an event belongs to and the event it forked from.
type Branch struct {
	Name        string `json:"name"`
	RootEventID string `json:"rootEventId,omitempty"`
}

// MetadataValue is the event MetadataValue union.
type MetadataValue struct {
	StringValue *string `json:"stringValue,omitempty"`
}

// Event is one short-term memory event.
type Event struct {
	MemoryID  string                   `json:"memoryId"`
	ActorID   string                   `json:"actorId"`
	SessionID string                   `json:"sessionId"`
	EventID   string                   `json:"eventId"`
	Timestamp Epoch                    `json:"eventTimestamp"`
	Payload   []Payload                `json:"payload"`
	Branch    *Branch                  `json:"branch,omitempty"`
	Metadata  map[string]MetadataValue `json:"metadata,omitempty"`
	ExpiresAt time.Time                `json:"-"`
}

// RecordMetadataValue is the MemoryRecordMetadataValue union.
type RecordMetadataValue struct {
	StringValue     *string  `json:"stringValue,omitempty"`
	NumberValue     *float64 `json:"numberValue,omitempty"`
	StringListValue []string `json:"stringListValue,omitempty"`
	DateTimeValue   *Epoch   `json:"dateTimeValue,omitempty"`
}

// Record is one long-term memory record.
type Record struct {
	MemoryRecordID string                         `json:"memoryRecordId"`
	Content        Content                        `json:"content"`
	StrategyID     string                         `json:"memoryStrategyId"`
	Namespaces     []string                       `json:"namespaces"`
	Metadata       map[string]RecordMetadataValue `json:"metadata,omitempty"`
	CreatedAt      Epoch                          `json:"createdAt"`
	Timestamp      *Epoch                         `json:"timestamp,omitempty"`
	ExpiresAt      *Epoch                         `json:"expiresAt,omitempty"`
	Score          *float64                       `json:"score,omitempty"`
}

// Job statuses (the wire enum has only FAILED; the others are ours).
const (
	JobPending   = "PENDING"
	JobRunning   = "RUNNING"
	JobCompleted = "COMPLETED"
	JobFailed    = "FAILED"
)

// MessageRef points at one message of an event.
type MessageRef struct {
	EventID      string `json:"eventId"`
	MessageIndex int    `json:"messageIndex"`
}

// Job is one extraction job: a batch of messages for one strategy.
type Job struct {
	Acct       string       `json:"account"`
	JobID      string       `json:"jobID"`
	MemoryID   string       `json:"memoryId"`
	StrategyID string       `json:"strategyId"`
	ActorID    string       `json:"actorId"`
	SessionID  string       `json:"sessionId"`
	Messages   []MessageRef `json:"messages"`
	// Events are a stream job's record changes.
	Events []RecordEvent `json:"events,omitempty"`
	Status string        `json:"status"`
	// Kind is "" for an extraction, "reflection" for an episodic
	// strategy's reflection across episodes, "delivery" for a
	// self-managed strategy's payload delivery, "stream" for the record
	// events of a memory with streamDeliveryResources.
	Kind          string    `json:"kind,omitempty"`
	FailureReason string    `json:"failureReason,omitempty"`
	Attempts      int       `json:"attempts"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// Account is the tenant the job belongs to.
func (j *Job) Account() string { return j.Acct }
