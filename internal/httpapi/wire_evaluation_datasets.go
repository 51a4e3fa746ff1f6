package httpapi

import (
	"encoding/json"
	"strconv"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Wire shapes of the dataset operations (bedrock-agentcore-control).
// Timestamps are epoch seconds (ts(epoch) in the model).

// datasetSourceDoc is DataSourceType (union).
type datasetSourceDoc struct {
	InlineExamples *struct {
		Examples []map[string]any `json:"examples"`
	} `json:"inlineExamples"`
	S3Source *struct {
		S3URI string `json:"s3Uri"`
	} `json:"s3Source"`
}

func (d *datasetSourceDoc) domain() (evaluation.DatasetSource, error) {
	switch {
	case d == nil || (d.InlineExamples == nil) == (d.S3Source == nil):
		return evaluation.DatasetSource{}, errs.Field("source", "source must have exactly one of inlineExamples and s3Source")
	case d.InlineExamples != nil:
		if d.InlineExamples.Examples == nil {
			return evaluation.DatasetSource{}, errs.Field("source.inlineExamples.examples", "examples is required")
		}
		return evaluation.DatasetSource{Examples: d.InlineExamples.Examples}, nil
	}
	if d.S3Source.S3URI == "" {
		return evaluation.DatasetSource{}, errs.Field("source.s3Source.s3Uri", "s3Uri is required")
	}
	return evaluation.DatasetSource{S3URI: d.S3Source.S3URI}, nil
}

type createDatasetInput struct {
	DatasetName string            `json:"datasetName" required:"true"`
	Description string            `json:"description"`
	KmsKeyArn   string            `json:"kmsKeyArn"`
	SchemaType  string            `json:"schemaType" required:"true"`
	Source      *datasetSourceDoc `json:"source" required:"true"`
	Tags        map[string]string `json:"tags"`
	ClientToken string            `json:"clientToken"`
}

func (in *createDatasetInput) validate() error { return tagging.Validate(in.Tags) }

type createDatasetOutput struct {
	CreatedAt  float64 `json:"createdAt"`
	DatasetArn string  `json:"datasetArn"`
	DatasetID  string  `json:"datasetId"`
	Status     string  `json:"status"`
}

type datasetPath struct {
	DatasetID string `json:"-" path:"datasetId"`
}

type datasetVersionQuery struct {
	datasetPath
	DatasetVersion string `json:"-" query:"datasetVersion"`
}

type getDatasetOutput struct {
	CreatedAt      float64           `json:"createdAt"`
	DatasetArn     string            `json:"datasetArn"`
	DatasetID      string            `json:"datasetId"`
	DatasetName    string            `json:"datasetName"`
	DatasetVersion string            `json:"datasetVersion"`
	Description    string            `json:"description,omitempty"`
	DraftStatus    string            `json:"draftStatus,omitempty"`
	ExampleCount   int64             `json:"exampleCount"`
	KmsKeyArn      string            `json:"kmsKeyArn,omitempty"`
	SchemaType     string            `json:"schemaType"`
	Status         string            `json:"status"`
	Tags           map[string]string `json:"tags,omitempty"`
	UpdatedAt      float64           `json:"updatedAt"`
}

type updateDatasetInput struct {
	datasetPath
	Description *string `json:"description"`
	ClientToken string  `json:"clientToken"`
}

type updateDatasetOutput struct {
	DatasetArn string  `json:"datasetArn"`
	DatasetID  string  `json:"datasetId"`
	UpdatedAt  float64 `json:"updatedAt"`
}

type deleteDatasetOutput struct {
	DatasetArn     string  `json:"datasetArn"`
	DatasetID      string  `json:"datasetId"`
	DatasetVersion string  `json:"datasetVersion"`
	Status         string  `json:"status"`
	UpdatedAt      float64 `json:"updatedAt"`
}

type listDatasetsInput struct{ listQuery }

type datasetSummary struct {
	CreatedAt    float64 `json:"createdAt"`
	DatasetArn   string  `json:"datasetArn"`
	DatasetID    string  `json:"datasetId"`
	DatasetName  string  `json:"datasetName"`
	Description  string  `json:"description,omitempty"`
	DraftStatus  string  `json:"draftStatus,omitempty"`
	ExampleCount int64   `json:"exampleCount"`
	SchemaType   string  `json:"schemaType"`
	Status       string  `json:"status"`
	UpdatedAt    float64 `json:"updatedAt"`
}

func datasetSummaryOf(d *evaluation.Dataset) datasetSummary {
	return datasetSummary{CreatedAt: epoch(d.CreatedAt), DatasetArn: d.ARN, DatasetID: d.ID, DatasetName: d.Name,
		Description: d.Description, DraftStatus: d.DraftStatus, ExampleCount: d.ExampleCount, SchemaType: d.SchemaType,
		Status: d.Status, UpdatedAt: epoch(d.UpdatedAt)}
}

type listDatasetsOutput struct {
	Datasets  []datasetSummary `json:"datasets"`
	NextToken *string          `json:"nextToken,omitempty"`
}

type createDatasetVersionInput struct {
	datasetPath
	ClientToken string `json:"clientToken"`
}

type createDatasetVersionOutput struct {
	CreatedAt      float64 `json:"createdAt"`
	DatasetArn     string  `json:"datasetArn"`
	DatasetID      string  `json:"datasetId"`
	DatasetVersion string  `json:"datasetVersion"`
	Status         string  `json:"status"`
}

type listDatasetVersionsInput struct {
	datasetPath
	listQuery
}

type datasetVersionSummary struct {
	CreatedAt      float64 `json:"createdAt"`
	DatasetVersion string  `json:"datasetVersion"`
	ExampleCount   int64   `json:"exampleCount"`
}

type listDatasetVersionsOutput struct {
	Versions  []datasetVersionSummary `json:"versions"`
	NextToken *string                 `json:"nextToken,omitempty"`
}

type addDatasetExamplesInput struct {
	datasetPath
	Source      *datasetSourceDoc `json:"source" required:"true"`
	ClientToken string            `json:"clientToken"`
}

type addDatasetExamplesOutput struct {
	AddedCount int64    `json:"addedCount"`
	DatasetArn string   `json:"datasetArn"`
	DatasetID  string   `json:"datasetId"`
	ExampleIDs []string `json:"exampleIds"`
	Status     string   `json:"status"`
	UpdatedAt  float64  `json:"updatedAt"`
}

type updateDatasetExamplesInput struct {
	datasetPath
	Examples    []map[string]any `json:"examples" required:"true"`
	ClientToken string           `json:"clientToken"`
}

type updateDatasetExamplesOutput struct {
	DatasetArn   string  `json:"datasetArn"`
	DatasetID    string  `json:"datasetId"`
	Status       string  `json:"status"`
	UpdatedAt    float64 `json:"updatedAt"`
	UpdatedCount int64   `json:"updatedCount"`
}

type deleteDatasetExamplesInput struct {
	datasetPath
	ExampleIDs  []string `json:"exampleIds" required:"true"`
	ClientToken string   `json:"clientToken"`
}

type deleteDatasetExamplesOutput struct {
	DatasetArn   string  `json:"datasetArn"`
	DatasetID    string  `json:"datasetId"`
	DeletedCount int64   `json:"deletedCount"`
	Status       string  `json:"status"`
	UpdatedAt    float64 `json:"updatedAt"`
}

type listDatasetExamplesInput struct {
	datasetVersionQuery
	listQuery
}

type listDatasetExamplesOutput struct {
	DatasetArn     string           `json:"datasetArn"`
	DatasetID      string           `json:"datasetId"`
	DatasetVersion string           `json:"datasetVersion"`
	Examples       []map[string]any `json:"examples"`
	NextToken      *string          `json:"nextToken,omitempty"`
}

// listBody is the body-bound page of the POST .../list forms newer botocore
// models send (ListDatasets, ListDatasetVersions, ListDatasetExamples);
// the Go SDK sends the GET forms with a query.
type listBody struct {
	MaxResults *int            `json:"maxResults"`
	NextToken  string          `json:"nextToken"`
	Filter     json.RawMessage `json:"filter"`
}

func (b *listBody) validate() error {
	if f := optRaw(b.Filter); f != nil && string(f) != "{}" {
		return errs.Field("filter", "filter is not supported by this server")
	}
	q := b.query()
	_, err := q.pageOf(100)
	return err
}

func (b *listBody) query() listQuery {
	q := listQuery{NextToken: b.NextToken}
	if b.MaxResults != nil {
		q.MaxResults = strconv.Itoa(*b.MaxResults)
	}
	return q
}

type listDatasetsBody struct{ listBody }

type listDatasetVersionsBody struct {
	datasetPath
	listBody
}

type listDatasetExamplesBody struct {
	datasetPath
	listBody
	DatasetVersion string `json:"datasetVersion"`
}
