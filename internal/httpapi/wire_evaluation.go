package httpapi

import (
	"bytes"
	"encoding/json"

	"github.com/agentcore-dev/agentcore/internal/errs"
	ev "github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Wire shapes of the Evaluations operations: evaluators (control plane)
// and Evaluate (data plane).

type scaleEntryWire struct {
	Definition string   `json:"definition"`
	Label      string   `json:"label"`
	Value      *float64 `json:"value,omitempty"`
}

type ratingScaleWire struct {
	Numerical        []scaleEntryWire `json:"numerical,omitempty"`
	Categorical      []scaleEntryWire `json:"categorical,omitempty"`
	MultiDimensional json.RawMessage  `json:"multiDimensional,omitempty"`
}

type inferenceWire struct {
	MaxTokens     *int     `json:"maxTokens,omitempty"`
	Temperature   *float64 `json:"temperature,omitempty"`
	TopP          *float64 `json:"topP,omitempty"`
	StopSequences []string `json:"stopSequences,omitempty"`
}

type bedrockModelWire struct {
	ModelID                      string          `json:"modelId"`
	InferenceConfig              *inferenceWire  `json:"inferenceConfig,omitempty"`
	AdditionalModelRequestFields json.RawMessage `json:"additionalModelRequestFields,omitempty"`
}

type modelConfigWire struct {
	BedrockEvaluatorModelConfig   *bedrockModelWire `json:"bedrockEvaluatorModelConfig,omitempty"`
	ResponsesEvaluatorModelConfig json.RawMessage   `json:"responsesEvaluatorModelConfig,omitempty"`
}

type llmAsAJudgeWire struct {
	Instructions string          `json:"instructions"`
	RatingScale  ratingScaleWire `json:"ratingScale"`
	ModelConfig  modelConfigWire `json:"modelConfig"`
}

// evaluatorConfigWire is the EvaluatorConfig union.
type evaluatorConfigWire struct {
	LlmAsAJudge *llmAsAJudgeWire `json:"llmAsAJudge,omitempty"`
	CodeBased   json.RawMessage  `json:"codeBased,omitempty"`
	Derived     json.RawMessage  `json:"derived,omitempty"`
}

func present(m json.RawMessage) bool {
	b := bytes.TrimSpace(m)
	return len(b) > 0 && string(b) != "null"
}

// domain checks the union and converts the llmAsAJudge member.
func (c *evaluatorConfigWire) domain() (instr string, sc ev.RatingScale, mc ev.ModelConfig, codeBased, derived bool, err error) {
	n := 0
	for _, set := range []bool{c.LlmAsAJudge != nil, present(c.CodeBased), present(c.Derived)} {
		if set {
			n++
		}
	}
	if n != 1 {
		return "", sc, mc, false, false, errs.Field("evaluatorConfig", "evaluatorConfig must have exactly one of llmAsAJudge, codeBased or derived")
	}
	if c.LlmAsAJudge == nil {
		return "", sc, mc, present(c.CodeBased), present(c.Derived), nil
	}
	j := c.LlmAsAJudge
	if present(j.RatingScale.MultiDimensional) {
		return "", sc, mc, false, false, errs.Field("evaluatorConfig.llmAsAJudge.ratingScale", "multiDimensional rating scales are not supported here; use numerical or categorical")
	}
	if present(j.ModelConfig.ResponsesEvaluatorModelConfig) || j.ModelConfig.BedrockEvaluatorModelConfig == nil {
		return "", sc, mc, false, false, errs.Field("evaluatorConfig.llmAsAJudge.modelConfig", "modelConfig must be bedrockEvaluatorModelConfig (its modelId names the judge model)")
	}
	conv := func(in []scaleEntryWire) []ev.ScaleEntry {
		out := make([]ev.ScaleEntry, len(in))
		for i, e := range in {
			out[i] = ev.ScaleEntry{Label: e.Label, Definition: e.Definition, Value: e.Value}
		}
		return out
	}
	sc = ev.RatingScale{Numerical: conv(j.RatingScale.Numerical), Categorical: conv(j.RatingScale.Categorical)}
	b := j.ModelConfig.BedrockEvaluatorModelConfig
	mc = ev.ModelConfig{ModelID: b.ModelID}
	if b.InferenceConfig != nil {
		ic := b.InferenceConfig
		mc.Inference = ev.InferenceConfig{MaxTokens: ic.MaxTokens, Temperature: ic.Temperature, TopP: ic.TopP, StopSequences: ic.StopSequences}
	}
	if present(b.AdditionalModelRequestFields) {
		mc.AdditionalModelRequestFields = b.AdditionalModelRequestFields
	}
	return j.Instructions, sc, mc, false, false, nil
}

func evaluatorConfigOf(e *ev.Evaluator) *evaluatorConfigWire {
	conv := func(in []ev.ScaleEntry) []scaleEntryWire {
		var out []scaleEntryWire
		for _, x := range in {
			out = append(out, scaleEntryWire{Label: x.Label, Definition: x.Definition, Value: x.Value})
		}
		return out
	}
	instr, model := e.Instructions, e.Model.ModelID
	if e.Deterministic != nil {
		instr, model = "Deterministic evaluator (no judge model): "+e.Description, "none"
	}
	m := &bedrockModelWire{ModelID: model}
	if ic := e.Model.Inference; ic.MaxTokens != nil || ic.Temperature != nil || ic.TopP != nil || len(ic.StopSequences) > 0 {
		m.InferenceConfig = &inferenceWire{MaxTokens: ic.MaxTokens, Temperature: ic.Temperature, TopP: ic.TopP, StopSequences: ic.StopSequences}
	}
	if e.Model.AdditionalModelRequestFields != nil {
		m.AdditionalModelRequestFields, _ = json.Marshal(e.Model.AdditionalModelRequestFields)
	}
	return &evaluatorConfigWire{LlmAsAJudge: &llmAsAJudgeWire{Instructions: instr,
		RatingScale: ratingScaleWire{Numerical: conv(e.Scale.Numerical), Categorical: conv(e.Scale.Categorical)},
		ModelConfig: modelConfigWire{BedrockEvaluatorModelConfig: m}}}
}

type createEvaluatorInput struct {
	ClientToken     string               `json:"clientToken"`
	Description     string               `json:"description"`
	EvaluatorConfig *evaluatorConfigWire `json:"evaluatorConfig" required:"true"`
	EvaluatorName   string               `json:"evaluatorName" required:"true"`
	KmsKeyArn       string               `json:"kmsKeyArn"`
	Level           string               `json:"level" required:"true"`
	Tags            map[string]string    `json:"tags"`
}

func (in *createEvaluatorInput) validate() error { return tagging.Validate(in.Tags) }

type createEvaluatorOutput struct {
	CreatedAt    float64 `json:"createdAt"`
	EvaluatorArn string  `json:"evaluatorArn"`
	EvaluatorID  string  `json:"evaluatorId"`
	Status       string  `json:"status"`
}

type evaluatorPath struct {
	EvaluatorID string `json:"-" path:"evaluatorId"`
}

type getEvaluatorInput struct {
	evaluatorPath
	IncludedData string `json:"-" query:"includedData"`
}

func (in *getEvaluatorInput) validate() error {
	if in.IncludedData != "" && in.IncludedData != "ALL_DATA" && in.IncludedData != "METADATA_ONLY" {
		return errs.Field("includedData", "includedData must be ALL_DATA or METADATA_ONLY (got %q)", in.IncludedData)
	}
	return nil
}

// evaluatorDoc is GetEvaluator's body.
type evaluatorDoc struct {
	CreatedAt             float64              `json:"createdAt"`
	Description           string               `json:"description,omitempty"`
	EvaluatorArn          string               `json:"evaluatorArn"`
	EvaluatorConfig       *evaluatorConfigWire `json:"evaluatorConfig"`
	EvaluatorID           string               `json:"evaluatorId"`
	EvaluatorName         string               `json:"evaluatorName"`
	EvaluatorType         string               `json:"evaluatorType"`
	KmsKeyArn             string               `json:"kmsKeyArn,omitempty"`
	Level                 string               `json:"level"`
	LockedForModification bool                 `json:"lockedForModification"`
	Provider              string               `json:"provider"`
	Status                string               `json:"status"`
	UpdatedAt             float64              `json:"updatedAt"`
}

func evaluatorDocOf(e *ev.Evaluator) *evaluatorDoc {
	return &evaluatorDoc{CreatedAt: epoch(e.CreatedAt), Description: e.Description, EvaluatorArn: e.ARN, EvaluatorConfig: evaluatorConfigOf(e),
		EvaluatorID: e.ID, EvaluatorName: e.Name, EvaluatorType: e.Type, KmsKeyArn: e.KmsKeyArn, Level: e.Level,
		LockedForModification: e.Locked, Provider: e.Provider, Status: e.Status, UpdatedAt: epoch(e.UpdatedAt)}
}

// evaluatorSummary is EvaluatorSummary.
type evaluatorSummary struct {
	CreatedAt             float64 `json:"createdAt"`
	Description           string  `json:"description,omitempty"`
	EvaluatorArn          string  `json:"evaluatorArn"`
	EvaluatorID           string  `json:"evaluatorId"`
	EvaluatorName         string  `json:"evaluatorName"`
	EvaluatorType         string  `json:"evaluatorType"`
	KmsKeyArn             string  `json:"kmsKeyArn,omitempty"`
	Level                 string  `json:"level"`
	LockedForModification bool    `json:"lockedForModification"`
	Provider              string  `json:"provider"`
	Status                string  `json:"status"`
	UpdatedAt             float64 `json:"updatedAt"`
}

func evaluatorSummaryOf(e *ev.Evaluator) evaluatorSummary {
	return evaluatorSummary{CreatedAt: epoch(e.CreatedAt), Description: e.Description, EvaluatorArn: e.ARN, EvaluatorID: e.ID,
		EvaluatorName: e.Name, EvaluatorType: e.Type, KmsKeyArn: e.KmsKeyArn, Level: e.Level, LockedForModification: e.Locked,
		Provider: e.Provider, Status: e.Status, UpdatedAt: epoch(e.UpdatedAt)}
}

type updateEvaluatorInput struct {
	evaluatorPath
	ClientToken     string               `json:"clientToken"`
	Description     *string              `json:"description"`
	EvaluatorConfig *evaluatorConfigWire `json:"evaluatorConfig"`
	KmsKeyArn       *string              `json:"kmsKeyArn"`
	Level           *string              `json:"level"`
}

type updateEvaluatorOutput struct {
	EvaluatorArn string  `json:"evaluatorArn"`
	EvaluatorID  string  `json:"evaluatorId"`
	Status       string  `json:"status"`
	UpdatedAt    float64 `json:"updatedAt"`
}

type deleteEvaluatorOutput struct {
	EvaluatorArn string `json:"evaluatorArn"`
	EvaluatorID  string `json:"evaluatorId"`
	Status       string `json:"status"`
}

type listEvaluatorsInput struct{ listQuery }

type listEvaluatorsOutput struct {
	Evaluators []evaluatorSummary `json:"evaluators"`
	NextToken  *string            `json:"nextToken,omitempty"`
}

// Evaluate (data plane)

type spanContextWire struct {
	SessionID string `json:"sessionId"`
	TraceID   string `json:"traceId,omitempty"`
	SpanID    string `json:"spanId,omitempty"`
}

type contextWire struct {
	SpanContext *spanContextWire `json:"spanContext,omitempty"`
}

type textWire struct {
	Text *string `json:"text,omitempty"`
}

type referenceInputWire struct {
	Assertions         []textWire   `json:"assertions"`
	Context            *contextWire `json:"context"`
	ExpectedResponse   *textWire    `json:"expectedResponse"`
	ExpectedTrajectory *struct {
		ToolNames []string `json:"toolNames"`
	} `json:"expectedTrajectory"`
}

type evaluateInput struct {
	EvaluatorID     string `json:"-" path:"evaluatorId"`
	EvaluationInput *struct {
		SessionSpans []map[string]any `json:"sessionSpans"`
	} `json:"evaluationInput" required:"true"`
	EvaluationReferenceInputs []referenceInputWire `json:"evaluationReferenceInputs"`
	EvaluationTarget          *struct {
		TraceIDs []string `json:"traceIds"`
		SpanIDs  []string `json:"spanIds"`
	} `json:"evaluationTarget"`
}

func (in *evaluateInput) domain() (ev.EvaluateInput, error) {
	out := ev.EvaluateInput{EvaluatorID: in.EvaluatorID, Documents: in.EvaluationInput.SessionSpans}
	if t := in.EvaluationTarget; t != nil {
		out.TraceIDs, out.SpanIDs = t.TraceIDs, t.SpanIDs
	}
	for i, r := range in.EvaluationReferenceInputs {
		if r.Context == nil || r.Context.SpanContext == nil {
			return out, errs.Field("evaluationReferenceInputs", "evaluationReferenceInputs[%d].context.spanContext is required", i)
		}
		sc := r.Context.SpanContext
		ref := ev.Reference{SessionID: sc.SessionID, TraceID: sc.TraceID, SpanID: sc.SpanID}
		for j, a := range r.Assertions {
			if a.Text == nil {
				return out, errs.Field("evaluationReferenceInputs", "evaluationReferenceInputs[%d].assertions[%d] must be {\"text\": ...}", i, j)
			}
			ref.Assertions = append(ref.Assertions, *a.Text)
		}
		if r.ExpectedResponse != nil {
			if r.ExpectedResponse.Text == nil {
				return out, errs.Field("evaluationReferenceInputs", "evaluationReferenceInputs[%d].expectedResponse must be {\"text\": ...}", i)
			}
			ref.ExpectedResponse = r.ExpectedResponse.Text
		}
		if r.ExpectedTrajectory != nil {
			ref.ExpectedTrajectory = append([]string{}, r.ExpectedTrajectory.ToolNames...)
		}
		out.References = append(out.References, ref)
	}
	return out, nil
}

type tokenUsageWire struct {
	InputTokens  int64 `json:"inputTokens"`
	OutputTokens int64 `json:"outputTokens"`
	TotalTokens  int64 `json:"totalTokens"`
}

// evaluationResultWire is EvaluationResultContent.
type evaluationResultWire struct {
	Context                     contextWire     `json:"context"`
	ErrorCode                   string          `json:"errorCode,omitempty"`
	ErrorMessage                string          `json:"errorMessage,omitempty"`
	EvaluationDimensionName     string          `json:"evaluationDimensionName,omitempty"`
	EvaluatorArn                string          `json:"evaluatorArn"`
	EvaluatorID                 string          `json:"evaluatorId"`
	EvaluatorName               string          `json:"evaluatorName"`
	Explanation                 string          `json:"explanation,omitempty"`
	IgnoredReferenceInputFields []string        `json:"ignoredReferenceInputFields,omitempty"`
	Label                       string          `json:"label,omitempty"`
	TokenUsage                  *tokenUsageWire `json:"tokenUsage,omitempty"`
	Value                       *float64        `json:"value,omitempty"`
}

func evaluationResultOf(r ev.Result) evaluationResultWire {
	w := evaluationResultWire{Context: contextWire{SpanContext: &spanContextWire{SessionID: r.SessionID, TraceID: r.TraceID, SpanID: r.SpanID}},
		ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage, EvaluationDimensionName: r.DimensionName, EvaluatorArn: r.EvaluatorARN,
		EvaluatorID: r.EvaluatorID, EvaluatorName: r.EvaluatorName, Explanation: r.Explanation,
		IgnoredReferenceInputFields: r.IgnoredReferenceFields, Label: r.Label, Value: r.Value}
	if r.TotalTokens > 0 {
		w.TokenUsage = &tokenUsageWire{InputTokens: r.InputTokens, OutputTokens: r.OutputTokens, TotalTokens: r.TotalTokens}
	}
	return w
}

type evaluateOutput struct {
	EvaluationResults []evaluationResultWire `json:"evaluationResults"`
}
