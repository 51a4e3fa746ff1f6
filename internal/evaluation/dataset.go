package evaluation

import (
	"log/slog"
	"time"

	"github.com/agentcore-dev/agentcore/internal/store"
)

// Datasets: a dataset has a DRAFT working copy whose examples are edited
// in place (draftStatus MODIFIED after any change since the last version)
// and immutable numbered versions ("1", "2", ...) made by CreateVersion as
// a snapshot of the draft. Every example is its own store item, so a large
// dataset is never one giant document.

// Dataset statuses, draft statuses, schema types.
const (
	DatasetActive   = "ACTIVE"
	DatasetDeleting = "DELETING"

	DraftModified   = "MODIFIED"
	DraftUnmodified = "UNMODIFIED"

	SchemaPredefinedV1 = "AGENTCORE_EVALUATION_PREDEFINED_V1"
	SchemaSimulatedV1  = "AGENTCORE_EVALUATION_SIMULATED_V1"
	SchemaThirdPartyV1 = "THIRD_PARTY_EVALUATION_V1"

	// DraftVersion names the working copy wherever a datasetVersion is taken.
	DraftVersion = "DRAFT"
)

// Dataset is one dataset's record (the DRAFT's counters).
type Dataset struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	ARN           string    `json:"arn"`
	Description   string    `json:"description,omitempty"`
	SchemaType    string    `json:"schemaType"`
	KmsKeyArn     string    `json:"kmsKeyArn,omitempty"`
	Status        string    `json:"status"`
	DraftStatus   string    `json:"draftStatus"`
	ExampleCount  int64     `json:"exampleCount"`  // of the DRAFT
	LatestVersion int64     `json:"latestVersion"` // 0 = none yet
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// DatasetVersion is one immutable version's record.
type DatasetVersion struct {
	Version      string    `json:"version"`
	ExampleCount int64     `json:"exampleCount"`
	CreatedAt    time.Time `json:"createdAt"`
}

// DatasetView is a dataset as seen at one version (DRAFT or a number).
type DatasetView struct {
	Dataset
	Version      string
	VersionCount int64 // examples at that version
	VersionAt    time.Time
	Tags         map[string]string
}

// DatasetSource is DataSourceType: inline examples, or an s3://bucket/key
// of the server's artifact store holding JSON Lines (one example a line)
// or a JSON array.
type DatasetSource struct {
	Examples []map[string]any
	S3URI    string
}

// CreateDatasetInput is CreateDataset's request.
type CreateDatasetInput struct {
	Name, Description, SchemaType, KmsKeyArn string
	Source                                   DatasetSource
	Tags                                     map[string]string
}

// ArtifactReader reads an object of the server's artifact store (for
// s3Source); nil = s3Source is not supported.
type ArtifactReader func(bucket, key string) ([]byte, error)

// DatasetOptions configures Datasets.
type DatasetOptions struct {
	KV                 store.KV
	Logger             *slog.Logger
	Artifacts          ArtifactReader
	MaxExamplesPerCall int // default 1000 (AWS: 1,000 a request)
	MaxExamples        int // per dataset and version; default 10000
	MaxExampleBytes    int // one example's JSON; default 100 KiB
	MaxRequestBytes    int // examples of one call, JSON; default 5 MiB (AWS: 5 MB inline)
	Now                func() time.Time
}

// Datasets is the dataset service (control plane).
type Datasets struct {
	o   DatasetOptions
	kv  store.KV
	log *slog.Logger
}

// NewDatasets returns the dataset service.
func NewDatasets(o DatasetOptions) *Datasets {
	if o.MaxExamplesPerCall <= 0 {
		o.MaxExamplesPerCall = 1000
	}
	if o.MaxExamples <= 0 {
		o.MaxExamples = 10000
	}
	if o.MaxExampleBytes <= 0 {
		o.MaxExampleBytes = 100 << 10
	}
	if o.MaxRequestBytes <= 0 {
		o.MaxRequestBytes = 5 << 20
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Datasets{o: o, kv: o.KV, log: o.Logger}
}
