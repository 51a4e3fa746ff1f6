package httpapi

import (
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/memory"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Wire shapes of the Memory operations (control and data plane). The
// members of the resources themselves (memory.Memory, memory.Event,
// memory.Record, ...) are the memory package's wire-shaped types.

// memoryPath is the path labels of the Memory operations.
type memoryPath struct {
	MemoryID       string `json:"-" path:"memoryId"`
	ActorID        string `json:"-" path:"actorId"`
	SessionID      string `json:"-" path:"sessionId"`
	EventID        string `json:"-" path:"eventId"`
	MemoryRecordID string `json:"-" path:"memoryRecordId"`
}

// pageBody is the maxResults/nextToken members of a Memory list operation.
type pageBody struct {
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// Control plane

type createMemoryInput struct{ memory.CreateMemoryInput }

func (in *createMemoryInput) validate() error { return tagging.Validate(in.Tags) }

type getMemoryInput struct {
	memoryPath
	View string `json:"-" query:"view"`
}

func (in *getMemoryInput) validate() error {
	if in.View != "" && in.View != "full" && in.View != "without_decryption" {
		return errs.Field("view", "view must be full or without_decryption")
	}
	return nil
}

type updateMemoryInput struct {
	memoryPath
	memory.UpdateMemoryInput
}

type memoryOutput struct {
	Memory *memory.Memory `json:"memory"`
}

type deleteMemoryInput struct {
	memoryPath
	ClientToken string `json:"-" query:"clientToken"`
}

type deleteMemoryOutput struct {
	MemoryID string `json:"memoryId"`
	Status   string `json:"status"`
}

type listMemoriesInput struct{ pageBody }

// memorySummary is the ListMemories element.
type memorySummary struct {
	Arn       string       `json:"arn"`
	ID        string       `json:"id"`
	Status    string       `json:"status"`
	CreatedAt memory.Epoch `json:"createdAt"`
	UpdatedAt memory.Epoch `json:"updatedAt"`
}

func memorySummaryOf(m *memory.Memory) memorySummary {
	return memorySummary{Arn: m.ARN, ID: m.ID, Status: m.Status, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

type listMemoriesOutput struct {
	Memories  []memorySummary `json:"memories"`
	NextToken string          `json:"nextToken,omitempty"`
}

// Events

type createEventInput struct {
	memoryPath
	memory.CreateEventInput
}

type eventOutput struct {
	Event *memory.Event `json:"event"`
}

type deleteEventOutput struct {
	EventID string `json:"eventId"`
}

type listEventsInput struct {
	memoryPath
	memory.ListEventsInput
}

type listEventsOutput struct {
	Events    []*memory.Event `json:"events"`
	NextToken string          `json:"nextToken,omitempty"`
}

type memoryPageInput struct {
	memoryPath
	pageBody
}

type listSessionsOutput struct {
	SessionSummaries []memory.SessionSummary `json:"sessionSummaries"`
	NextToken        string                  `json:"nextToken,omitempty"`
}

type actorSummary struct {
	ActorID string `json:"actorId"`
}

type listActorsOutput struct {
	ActorSummaries []actorSummary `json:"actorSummaries"`
	NextToken      string         `json:"nextToken,omitempty"`
}

// Extraction jobs and ingestion

type listExtractionJobsInput struct {
	memoryPath
	pageBody
	Filter memory.JobFilter `json:"filter"`
}

type extractionJob struct {
	JobID         string             `json:"jobID"`
	Status        string             `json:"status"`
	StrategyID    string             `json:"strategyId"`
	ActorID       string             `json:"actorId"`
	SessionID     string             `json:"sessionId"`
	Messages      extractionMessages `json:"messages"`
	FailureReason string             `json:"failureReason,omitempty"`
}

type extractionMessages struct {
	MessagesList []memory.MessageRef `json:"messagesList"`
}

func extractionJobOf(j *memory.Job) extractionJob {
	return extractionJob{JobID: j.JobID, Status: j.Status, StrategyID: j.StrategyID, ActorID: j.ActorID, SessionID: j.SessionID,
		Messages: extractionMessages{j.Messages}, FailureReason: j.FailureReason}
}

type listExtractionJobsOutput struct {
	Jobs      []extractionJob `json:"jobs"`
	NextToken string          `json:"nextToken,omitempty"`
}

type startExtractionJobInput struct {
	memoryPath
	ClientToken   string `json:"clientToken"`
	ExtractionJob *struct {
		JobID string `json:"jobId"`
	} `json:"extractionJob"`
}

type startExtractionJobOutput struct {
	JobID string `json:"jobId"`
}

type ingestDataInput struct {
	memoryPath
	memory.IngestDataInput
}

type ingestDataOutput struct {
	SessionID string `json:"sessionId"`
}

// Records

type recordQueryInput struct {
	memoryPath
	memory.RecordQuery
}

type recordsOutput struct {
	MemoryRecordSummaries []*memory.Record `json:"memoryRecordSummaries"`
	NextToken             string           `json:"nextToken,omitempty"`
}

func recordsOf(rs []*memory.Record, next string) *recordsOutput {
	if rs == nil {
		rs = []*memory.Record{}
	}
	return &recordsOutput{MemoryRecordSummaries: rs, NextToken: next}
}

type recordOutput struct {
	MemoryRecord *memory.Record `json:"memoryRecord"`
}

type deleteRecordOutput struct {
	MemoryRecordID string `json:"memoryRecordId"`
}

type batchCreateRecordsInput struct {
	memoryPath
	ClientToken string                `json:"clientToken"`
	Records     []memory.RecordCreate `json:"records"`
	Expiry      *memory.RecordExpiry  `json:"recordExpirySpecification"`
}

type batchUpdateRecordsInput struct {
	memoryPath
	Records []memory.RecordUpdate `json:"records"`
	Expiry  *memory.RecordExpiry  `json:"recordExpirySpecification"`
}

type batchDeleteRecordsInput struct {
	memoryPath
	Records []struct {
		ID string `json:"memoryRecordId"`
	} `json:"records"`
}

type batchRecordsOutput struct {
	SuccessfulRecords []memory.RecordResult `json:"successfulRecords"`
	FailedRecords     []memory.RecordResult `json:"failedRecords"`
}
