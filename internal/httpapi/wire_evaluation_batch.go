package httpapi

import (
	"encoding/json"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Wire shapes of the batch evaluation operations (bedrock-agentcore data
// plane). Timestamps are date-time strings.

type batchDataSourceConfig struct {
	CloudWatchLogs *struct {
		ServiceNames         []string `json:"serviceNames"`
		LogGroupNames        []string `json:"logGroupNames"`
		LogGroupNamePrefixes []string `json:"logGroupNamePrefixes"`
		FilterConfig         *struct {
			SessionIDs      []string `json:"sessionIds"`
			SessionTraceIDs []struct {
				SessionID string   `json:"sessionId"`
				TraceIDs  []string `json:"traceIds"`
			} `json:"sessionTraceIds"`
			TimeRange *batchTimeRange `json:"timeRange"`
		} `json:"filterConfig"`
	} `json:"cloudWatchLogs"`
	OnlineEvaluationConfigSource *struct {
		OnlineEvaluationConfigArn string          `json:"onlineEvaluationConfigArn"`
		TimeRange                 *batchTimeRange `json:"timeRange"`
	} `json:"onlineEvaluationConfigSource"`
}

type batchTimeRange struct {
	StartTime *time.Time `json:"startTime"`
	EndTime   *time.Time `json:"endTime"`
}

type batchEvaluatorRef struct {
	EvaluatorID string `json:"evaluatorId"`
}

type batchInsightRef struct {
	InsightID string `json:"insightId"`
}

type evaluationContentDoc struct {
	Text *string `json:"text"`
}

type batchSessionMetadata struct {
	SessionID      string            `json:"sessionId"`
	TestScenarioID string            `json:"testScenarioId"`
	Metadata       map[string]string `json:"metadata"`
	GroundTruth    *struct {
		Inline *struct {
			Assertions         []evaluationContentDoc `json:"assertions"`
			ExpectedTrajectory *struct {
				ToolNames []string `json:"toolNames"`
			} `json:"expectedTrajectory"`
			Turns []struct {
				Input *struct {
					Prompt string `json:"prompt"`
				} `json:"input"`
				ExpectedResponse *evaluationContentDoc `json:"expectedResponse"`
			} `json:"turns"`
		} `json:"inline"`
	} `json:"groundTruth"`
}

type startBatchEvaluationInput struct {
	BatchEvaluationName string          `json:"batchEvaluationName" required:"true"`
	ClientToken         string          `json:"clientToken"`
	DataSourceConfig    json.RawMessage `json:"dataSourceConfig" required:"true"`
	Description         string          `json:"description"`
	EvaluationMetadata  *struct {
		SessionMetadata []batchSessionMetadata `json:"sessionMetadata"`
	} `json:"evaluationMetadata"`
	Evaluators   []batchEvaluatorRef `json:"evaluators"`
	Insights     []batchInsightRef   `json:"insights"`
	KmsKeyArn    string              `json:"kmsKeyArn"`
	OutputConfig json.RawMessage     `json:"outputConfig"`
	Tags         map[string]string   `json:"tags"`
}

func (in *startBatchEvaluationInput) validate() error { return tagging.Validate(in.Tags) }

func (in *startBatchEvaluationInput) domain() (evaluation.StartBatchInput, error) {
	out := evaluation.StartBatchInput{Name: in.BatchEvaluationName, Description: in.Description, KmsKeyArn: in.KmsKeyArn,
		OutputConfig: optRaw(in.OutputConfig), Tags: in.Tags}
	var dsc batchDataSourceConfig
	if err := json.Unmarshal(in.DataSourceConfig, &dsc); err != nil {
		return out, &errs.Error{Kind: errs.Invalid, Reason: errs.ReasonCannotParse, Field: "dataSourceConfig", Message: "dataSourceConfig: " + err.Error()}
	}
	if (dsc.CloudWatchLogs == nil) == (dsc.OnlineEvaluationConfigSource == nil) {
		return out, errs.Field("dataSourceConfig", "dataSourceConfig must have exactly one of cloudWatchLogs and onlineEvaluationConfigSource")
	}
	src := evaluation.BatchSource{Raw: in.DataSourceConfig}
	if o := dsc.OnlineEvaluationConfigSource; o != nil {
		src.OnlineConfigARN = o.OnlineEvaluationConfigArn
		if src.OnlineConfigARN == "" {
			return out, errs.Field("dataSourceConfig.onlineEvaluationConfigSource.onlineEvaluationConfigArn", "onlineEvaluationConfigArn is required")
		}
	}
	if c := dsc.CloudWatchLogs; c != nil {
		src.CloudWatchLogs, src.ServiceNames, src.LogGroupNames, src.LogGroupNamePrefixes = true, c.ServiceNames, c.LogGroupNames, c.LogGroupNamePrefixes
		if f := c.FilterConfig; f != nil {
			src.SessionIDs = f.SessionIDs
			for _, st := range f.SessionTraceIDs {
				if src.SessionTraceIDs == nil {
					src.SessionTraceIDs = map[string][]string{}
				}
				src.SessionTraceIDs[st.SessionID] = append(src.SessionTraceIDs[st.SessionID], st.TraceIDs...)
			}
			if f.TimeRange != nil {
				src.From, src.To = f.TimeRange.StartTime, f.TimeRange.EndTime
			}
		}
	}
	out.Source = src
	for _, e := range in.Evaluators {
		out.Evaluators = append(out.Evaluators, e.EvaluatorID)
	}
	for _, i := range in.Insights {
		out.Insights = append(out.Insights, i.InsightID)
	}
	if in.EvaluationMetadata != nil {
		for _, m := range in.EvaluationMetadata.SessionMetadata {
			sm := evaluation.SessionMetadata{SessionID: m.SessionID, TestScenarioID: m.TestScenarioID, Metadata: m.Metadata}
			if m.GroundTruth != nil && m.GroundTruth.Inline != nil {
				g := m.GroundTruth.Inline
				for _, a := range g.Assertions {
					if a.Text != nil {
						sm.Assertions = append(sm.Assertions, *a.Text)
					}
				}
				if g.ExpectedTrajectory != nil {
					sm.HasTrajectory, sm.ExpectedTrajectory = true, g.ExpectedTrajectory.ToolNames
				}
				for _, t := range g.Turns {
					var turn evaluation.GroundTruthTurn
					if t.Input != nil {
						turn.Prompt = t.Input.Prompt
					}
					if t.ExpectedResponse != nil {
						turn.ExpectedResponse = t.ExpectedResponse.Text
					}
					sm.Turns = append(sm.Turns, turn)
				}
			}
			out.Metadata = append(out.Metadata, sm)
		}
	}
	return out, nil
}

type batchPath struct {
	BatchEvaluationID string `json:"-" path:"batchEvaluationId"`
}

type evaluatorStatistics struct {
	AverageScore *float64 `json:"averageScore,omitempty"`
}

type evaluatorSummaryDoc struct {
	EvaluationDimensionName string              `json:"evaluationDimensionName,omitempty"`
	EvaluatorID             string              `json:"evaluatorId"`
	Statistics              evaluatorStatistics `json:"statistics"`
	TotalEvaluated          int                 `json:"totalEvaluated"`
	TotalFailed             int                 `json:"totalFailed"`
}

type evaluationJobResults struct {
	EvaluatorSummaries         []evaluatorSummaryDoc `json:"evaluatorSummaries"`
	NumberOfSessionsCompleted  int                   `json:"numberOfSessionsCompleted"`
	NumberOfSessionsFailed     int                   `json:"numberOfSessionsFailed"`
	NumberOfSessionsIgnored    int                   `json:"numberOfSessionsIgnored"`
	NumberOfSessionsInProgress int                   `json:"numberOfSessionsInProgress"`
	TotalNumberOfSessions      int                   `json:"totalNumberOfSessions"`
}

// batchDoc is GetBatchEvaluation's body, StartBatchEvaluation's and a
// list summary (members each leaves out are omitted).
type batchDoc struct {
	BatchEvaluationArn  string                `json:"batchEvaluationArn"`
	BatchEvaluationID   string                `json:"batchEvaluationId"`
	BatchEvaluationName string                `json:"batchEvaluationName"`
	CreatedAt           awsTime               `json:"createdAt"`
	DataSourceConfig    json.RawMessage       `json:"dataSourceConfig,omitempty"`
	Description         string                `json:"description,omitempty"`
	ErrorDetails        []string              `json:"errorDetails,omitempty"`
	EvaluationResults   *evaluationJobResults `json:"evaluationResults,omitempty"`
	Evaluators          []batchEvaluatorRef   `json:"evaluators,omitempty"`
	Insights            []batchInsightRef     `json:"insights,omitempty"`
	KmsKeyArn           string                `json:"kmsKeyArn,omitempty"`
	OutputConfig        json.RawMessage       `json:"outputConfig,omitempty"`
	Status              string                `json:"status"`
	Tags                map[string]string     `json:"tags,omitempty"`
	UpdatedAt           *awsTime              `json:"updatedAt,omitempty"`
}

func batchDocOf(b *evaluation.Batch, full bool) *batchDoc {
	d := &batchDoc{BatchEvaluationArn: b.ARN, BatchEvaluationID: b.ID, BatchEvaluationName: b.Name, CreatedAt: awsTime(b.CreatedAt),
		Description: b.Description, KmsKeyArn: b.KmsKeyArn, Status: b.Status, ErrorDetails: b.ErrorDetails, UpdatedAt: optTime(&b.UpdatedAt)}
	for _, e := range b.Evaluators {
		d.Evaluators = append(d.Evaluators, batchEvaluatorRef{EvaluatorID: e})
	}
	for _, i := range b.Insights {
		d.Insights = append(d.Insights, batchInsightRef{InsightID: i})
	}
	p := b.Progress
	r := &evaluationJobResults{EvaluatorSummaries: []evaluatorSummaryDoc{}, NumberOfSessionsCompleted: p.Completed, NumberOfSessionsFailed: p.Failed,
		NumberOfSessionsIgnored: p.Ignored, NumberOfSessionsInProgress: p.InProgress, TotalNumberOfSessions: p.Total}
	for _, e := range p.Evaluators {
		r.EvaluatorSummaries = append(r.EvaluatorSummaries, evaluatorSummaryDoc{EvaluationDimensionName: e.DimensionName, EvaluatorID: e.EvaluatorID,
			Statistics: evaluatorStatistics{AverageScore: e.Average()}, TotalEvaluated: e.Evaluated, TotalFailed: e.Failed})
	}
	d.EvaluationResults = r
	if full {
		d.DataSourceConfig, d.OutputConfig = optRaw(b.DataSource), optRaw(b.OutputConfig)
	}
	return d
}

type listBatchEvaluationsInput struct{ listQuery }

type listBatchEvaluationsOutput struct {
	BatchEvaluations []*batchDoc `json:"batchEvaluations"`
	NextToken        *string     `json:"nextToken,omitempty"`
}

type batchStateOutput struct {
	BatchEvaluationArn string `json:"batchEvaluationArn"`
	BatchEvaluationID  string `json:"batchEvaluationId"`
	Description        string `json:"description,omitempty"`
	Status             string `json:"status"`
}

type listBatchResultsInput struct {
	batchPath
	listQuery
}

type listBatchResultsOutput struct {
	Results   []*evaluation.BatchResultRow `json:"results"`
	NextToken *string                      `json:"nextToken,omitempty"`
}
