package httpapi

import (
	"encoding/json"
	"strconv"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Wire shapes of the online evaluation config operations (control plane).

type wireFilterValue struct {
	StringValue  *string  `json:"stringValue,omitempty"`
	DoubleValue  *float64 `json:"doubleValue,omitempty"`
	BooleanValue *bool    `json:"booleanValue,omitempty"`
}

type wireFilter struct {
	Key      string          `json:"key"`
	Operator string          `json:"operator"`
	Value    wireFilterValue `json:"value"`
}

type wireRule struct {
	SamplingConfig *struct {
		SamplingPercentage *float64 `json:"samplingPercentage"`
	} `json:"samplingConfig"`
	Filters       []wireFilter `json:"filters,omitempty"`
	SessionConfig *struct {
		SessionTimeoutMinutes *int `json:"sessionTimeoutMinutes"`
	} `json:"sessionConfig,omitempty"`
}

// domain checks the required members and converts.
func (r *wireRule) domain() (*evaluation.Rule, error) {
	if r == nil {
		return nil, nil
	}
	if r.SamplingConfig == nil || r.SamplingConfig.SamplingPercentage == nil {
		return nil, errs.Field("rule.samplingConfig.samplingPercentage", "rule.samplingConfig.samplingPercentage is required")
	}
	out := &evaluation.Rule{SamplingPercentage: *r.SamplingConfig.SamplingPercentage}
	if r.SessionConfig != nil {
		if r.SessionConfig.SessionTimeoutMinutes == nil || *r.SessionConfig.SessionTimeoutMinutes < 1 {
			return nil, errs.Field("rule.sessionConfig.sessionTimeoutMinutes", "sessionTimeoutMinutes must be from 1 to 1440")
		}
		out.SessionTimeoutMinutes = *r.SessionConfig.SessionTimeoutMinutes
	}
	for _, f := range r.Filters {
		out.Filters = append(out.Filters, evaluation.Filter{Key: f.Key, Operator: f.Operator,
			Value: evaluation.FilterValue{String: f.Value.StringValue, Double: f.Value.DoubleValue, Bool: f.Value.BooleanValue}})
	}
	return out, nil
}

func wireRuleOf(r evaluation.Rule) wireRule {
	var w wireRule
	pct := r.SamplingPercentage
	w.SamplingConfig = &struct {
		SamplingPercentage *float64 `json:"samplingPercentage"`
	}{&pct}
	if r.SessionTimeoutMinutes > 0 {
		m := r.SessionTimeoutMinutes
		w.SessionConfig = &struct {
			SessionTimeoutMinutes *int `json:"sessionTimeoutMinutes"`
		}{&m}
	}
	for _, f := range r.Filters {
		w.Filters = append(w.Filters, wireFilter{Key: f.Key, Operator: f.Operator,
			Value: wireFilterValue{StringValue: f.Value.String, DoubleValue: f.Value.Double, BooleanValue: f.Value.Bool}})
	}
	return w
}

type wireDataSource struct {
	CloudWatchLogs *struct {
		LogGroupNames        []string `json:"logGroupNames"`
		LogGroupNamePrefixes []string `json:"logGroupNamePrefixes,omitempty"`
		ServiceNames         []string `json:"serviceNames"`
	} `json:"cloudWatchLogs"`
}

func (d *wireDataSource) domain() (*evaluation.DataSource, error) {
	if d == nil {
		return nil, nil
	}
	if d.CloudWatchLogs == nil {
		return nil, errs.Field("dataSourceConfig", "dataSourceConfig must set cloudWatchLogs")
	}
	if len(d.CloudWatchLogs.LogGroupNamePrefixes) > 0 {
		return nil, errs.Field("dataSourceConfig.cloudWatchLogs.logGroupNamePrefixes", "logGroupNamePrefixes is not supported by this server; name the runtime log groups in logGroupNames")
	}
	return &evaluation.DataSource{LogGroupNames: d.CloudWatchLogs.LogGroupNames, ServiceNames: d.CloudWatchLogs.ServiceNames}, nil
}

func wireDataSourceOf(d evaluation.DataSource) wireDataSource {
	var w wireDataSource
	w.CloudWatchLogs = &struct {
		LogGroupNames        []string `json:"logGroupNames"`
		LogGroupNamePrefixes []string `json:"logGroupNamePrefixes,omitempty"`
		ServiceNames         []string `json:"serviceNames"`
	}{LogGroupNames: d.LogGroupNames, ServiceNames: d.ServiceNames}
	return w
}

type wireEvaluatorRef struct {
	EvaluatorID string `json:"evaluatorId"`
}

func evaluatorIDs(refs []wireEvaluatorRef) ([]string, error) {
	if refs == nil {
		return nil, nil
	}
	ids := make([]string, 0, len(refs))
	for i, r := range refs {
		if r.EvaluatorID == "" {
			return nil, errs.Field("evaluators."+strconv.Itoa(i), "an evaluator reference must set evaluatorId")
		}
		ids = append(ids, r.EvaluatorID)
	}
	return ids, nil
}

type wireOutputConfig struct {
	CloudWatchConfig *struct {
		LogGroupName      string `json:"logGroupName,omitempty"`
		MetricsNamespace  string `json:"metricsNamespace,omitempty"`
		ResultDestination string `json:"resultDestination,omitempty"`
	} `json:"cloudWatchConfig"`
}

func (o *wireOutputConfig) domain() *evaluation.OutputConfig {
	if o == nil || o.CloudWatchConfig == nil {
		return nil
	}
	return &evaluation.OutputConfig{LogGroupName: o.CloudWatchConfig.LogGroupName,
		MetricsNamespace: o.CloudWatchConfig.MetricsNamespace, ResultDestination: o.CloudWatchConfig.ResultDestination}
}

func wireOutputOf(o evaluation.OutputConfig) *wireOutputConfig {
	w := &wireOutputConfig{}
	w.CloudWatchConfig = &struct {
		LogGroupName      string `json:"logGroupName,omitempty"`
		MetricsNamespace  string `json:"metricsNamespace,omitempty"`
		ResultDestination string `json:"resultDestination,omitempty"`
	}{o.LogGroupName, o.MetricsNamespace, o.ResultDestination}
	return w
}

type onlineConfigBody struct {
	ClusteringConfig           json.RawMessage    `json:"clusteringConfig"`
	DataSourceConfig           *wireDataSource    `json:"dataSourceConfig"`
	Description                *string            `json:"description"`
	EvaluationExecutionRoleArn *string            `json:"evaluationExecutionRoleArn"`
	Evaluators                 []wireEvaluatorRef `json:"evaluators"`
	Insights                   json.RawMessage    `json:"insights"`
	OutputConfig               *wireOutputConfig  `json:"outputConfig"`
	Rule                       *wireRule          `json:"rule"`
	ClientToken                string             `json:"clientToken"`
}

func (b *onlineConfigBody) domain() (evaluation.OnlineInput, error) {
	in := evaluation.OnlineInput{Description: b.Description, RoleArn: b.EvaluationExecutionRoleArn,
		Output: b.OutputConfig.domain(), Clustering: optRaw(b.ClusteringConfig), Insights: optRaw(b.Insights)}
	var err error
	if in.Rule, err = b.Rule.domain(); err != nil {
		return in, err
	}
	if in.DataSource, err = b.DataSourceConfig.domain(); err != nil {
		return in, err
	}
	in.Evaluators, err = evaluatorIDs(b.Evaluators)
	return in, err
}

type createOnlineConfigInput struct {
	onlineConfigBody
	OnlineEvaluationConfigName string            `json:"onlineEvaluationConfigName" required:"true"`
	EnableOnCreate             *bool             `json:"enableOnCreate" required:"true"`
	Tags                       map[string]string `json:"tags"`
}

func (in *createOnlineConfigInput) validate() error { return tagging.Validate(in.Tags) }

type createOnlineConfigOutput struct {
	CreatedAt                 float64           `json:"createdAt"`
	ExecutionStatus           string            `json:"executionStatus"`
	FailureReason             string            `json:"failureReason,omitempty"`
	OnlineEvaluationConfigArn string            `json:"onlineEvaluationConfigArn"`
	OnlineEvaluationConfigID  string            `json:"onlineEvaluationConfigId"`
	OutputConfig              *wireOutputConfig `json:"outputConfig,omitempty"`
	Status                    string            `json:"status"`
}

type onlineConfigPath struct {
	OnlineEvaluationConfigID string `json:"-" path:"onlineEvaluationConfigId"`
}

type updateOnlineConfigInput struct {
	onlineConfigPath
	onlineConfigBody
	ExecutionStatus *string `json:"executionStatus"`
}

type updateOnlineConfigOutput struct {
	ExecutionStatus           string  `json:"executionStatus"`
	FailureReason             string  `json:"failureReason,omitempty"`
	OnlineEvaluationConfigArn string  `json:"onlineEvaluationConfigArn"`
	OnlineEvaluationConfigID  string  `json:"onlineEvaluationConfigId"`
	Status                    string  `json:"status"`
	UpdatedAt                 float64 `json:"updatedAt"`
}

type deleteOnlineConfigOutput struct {
	OnlineEvaluationConfigArn string `json:"onlineEvaluationConfigArn"`
	OnlineEvaluationConfigID  string `json:"onlineEvaluationConfigId"`
	Status                    string `json:"status"`
}

// onlineConfigDoc is GetOnlineEvaluationConfig's body.
type onlineConfigDoc struct {
	ClusteringConfig           json.RawMessage    `json:"clusteringConfig,omitempty"`
	CreatedAt                  float64            `json:"createdAt"`
	DataSourceConfig           wireDataSource     `json:"dataSourceConfig"`
	Description                string             `json:"description,omitempty"`
	EvaluationExecutionRoleArn string             `json:"evaluationExecutionRoleArn,omitempty"`
	Evaluators                 []wireEvaluatorRef `json:"evaluators"`
	ExecutionStatus            string             `json:"executionStatus"`
	FailureReason              string             `json:"failureReason,omitempty"`
	Insights                   json.RawMessage    `json:"insights,omitempty"`
	OnlineEvaluationConfigArn  string             `json:"onlineEvaluationConfigArn"`
	OnlineEvaluationConfigID   string             `json:"onlineEvaluationConfigId"`
	OnlineEvaluationConfigName string             `json:"onlineEvaluationConfigName"`
	OutputConfig               *wireOutputConfig  `json:"outputConfig,omitempty"`
	Rule                       wireRule           `json:"rule"`
	Status                     string             `json:"status"`
	UpdatedAt                  float64            `json:"updatedAt"`
}

func onlineConfigDocOf(c *evaluation.OnlineConfig) *onlineConfigDoc {
	refs := make([]wireEvaluatorRef, 0, len(c.Evaluators))
	for _, id := range c.Evaluators {
		refs = append(refs, wireEvaluatorRef{EvaluatorID: id})
	}
	return &onlineConfigDoc{ClusteringConfig: optRaw(c.Clustering), CreatedAt: epoch(c.CreatedAt), DataSourceConfig: wireDataSourceOf(c.DataSource),
		Description: c.Description, EvaluationExecutionRoleArn: c.RoleArn, Evaluators: refs, ExecutionStatus: c.ExecutionStatus,
		FailureReason: c.FailureReason, Insights: optRaw(c.Insights), OnlineEvaluationConfigArn: c.ARN, OnlineEvaluationConfigID: c.ID,
		OnlineEvaluationConfigName: c.Name, OutputConfig: wireOutputOf(c.Output), Rule: wireRuleOf(c.Rule), Status: c.Status,
		UpdatedAt: epoch(c.UpdatedAt)}
}

type listOnlineConfigsInput struct {
	listQuery
}

type onlineConfigSummary struct {
	ClusteringConfig           json.RawMessage `json:"clusteringConfig,omitempty"`
	CreatedAt                  float64         `json:"createdAt"`
	Description                string          `json:"description,omitempty"`
	ExecutionStatus            string          `json:"executionStatus"`
	FailureReason              string          `json:"failureReason,omitempty"`
	Insights                   json.RawMessage `json:"insights,omitempty"`
	OnlineEvaluationConfigArn  string          `json:"onlineEvaluationConfigArn"`
	OnlineEvaluationConfigID   string          `json:"onlineEvaluationConfigId"`
	OnlineEvaluationConfigName string          `json:"onlineEvaluationConfigName"`
	Status                     string          `json:"status"`
	UpdatedAt                  float64         `json:"updatedAt"`
}

func onlineConfigSummaryOf(c *evaluation.OnlineConfig) onlineConfigSummary {
	return onlineConfigSummary{ClusteringConfig: optRaw(c.Clustering), CreatedAt: epoch(c.CreatedAt), Description: c.Description,
		ExecutionStatus: c.ExecutionStatus, FailureReason: c.FailureReason, Insights: optRaw(c.Insights), OnlineEvaluationConfigArn: c.ARN,
		OnlineEvaluationConfigID: c.ID, OnlineEvaluationConfigName: c.Name, Status: c.Status, UpdatedAt: epoch(c.UpdatedAt)}
}

type listOnlineConfigsOutput struct {
	NextToken               *string               `json:"nextToken"`
	OnlineEvaluationConfigs []onlineConfigSummary `json:"onlineEvaluationConfigs"`
}
