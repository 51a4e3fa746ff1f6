// Package evaluation is AgentCore Evaluations: the built-in evaluator
// catalogue (LLM judges with versioned prompts embedded from prompts/, and
// deterministic trajectory matchers), custom LLM-as-a-judge evaluators
// (control plane) and Evaluate, which scores a session's spans with one
// evaluator through the server's model provider.
package evaluation

import (
	"time"

	"github.com/agentcore-dev/agentcore/internal/evaluation/spans"
)

// Evaluator levels (EvaluatorLevel).
const (
	LevelSession  = "SESSION"
	LevelTrace    = "TRACE"
	LevelToolCall = "TOOL_CALL"
)

// Evaluator statuses, types and providers.
const (
	StatusActive   = "ACTIVE"
	StatusDeleting = "DELETING"

	TypeBuiltin = "Builtin"
	TypeCustom  = "Custom"

	ProviderAWS    = "AWS"
	ProviderCustom = "Custom"
)

// MaxTargets is how many trace or span ids one Evaluate request may target
// (the SDK's EvaluationClient batches by 10).
const MaxTargets = 10

// ScaleEntry is one rating of a scale: numerical entries have a Value,
// categorical ones do not.
type ScaleEntry struct {
	Label      string   `json:"label"`
	Definition string   `json:"definition"`
	Value      *float64 `json:"value,omitempty"`
}

// RatingScale is numerical or categorical (exactly one set).
type RatingScale struct {
	Numerical   []ScaleEntry `json:"numerical,omitempty"`
	Categorical []ScaleEntry `json:"categorical,omitempty"`
}

// Entries returns the scale's entries, whichever kind.
func (r RatingScale) Entries() []ScaleEntry {
	if len(r.Numerical) > 0 {
		return r.Numerical
	}
	return r.Categorical
}

// InferenceConfig is the judge call's inference configuration.
type InferenceConfig struct {
	MaxTokens     *int     `json:"maxTokens,omitempty"`
	Temperature   *float64 `json:"temperature,omitempty"`
	TopP          *float64 `json:"topP,omitempty"`
	StopSequences []string `json:"stopSequences,omitempty"`
}

// ModelConfig is bedrockEvaluatorModelConfig: the judge model.
type ModelConfig struct {
	ModelID                      string          `json:"modelId"`
	Inference                    InferenceConfig `json:"inferenceConfig"`
	AdditionalModelRequestFields any             `json:"additionalModelRequestFields,omitempty"`
}

// Evaluator is a built-in or an account's custom evaluator.
type Evaluator struct {
	ID           string      `json:"id"`
	ARN          string      `json:"arn"`
	Name         string      `json:"name"`
	Description  string      `json:"description,omitempty"`
	Level        string      `json:"level"`
	Type         string      `json:"type"`
	Provider     string      `json:"provider"`
	Locked       bool        `json:"locked"`
	Status       string      `json:"status"`
	Instructions string      `json:"instructions,omitempty"`
	Scale        RatingScale `json:"ratingScale"`
	Model        ModelConfig `json:"model"`
	KmsKeyArn    string      `json:"kmsKeyArn,omitempty"`
	CreatedAt    time.Time   `json:"createdAt"`
	UpdatedAt    time.Time   `json:"updatedAt"`

	// Built-ins only.
	PromptVersion string                                         `json:"-"`
	Deterministic func(actual, expected []string) (bool, string) `json:"-"` // trajectory matchers
}

// Builtin reports whether the evaluator is one of the catalogue's.
func (e *Evaluator) Builtin() bool { return e.Type == TypeBuiltin }

// CreateInput is CreateEvaluator's request (llmAsAJudge config only).
type CreateInput struct {
	Name         string
	Description  string
	Level        string
	Instructions string
	Scale        RatingScale
	Model        ModelConfig
	KmsKeyArn    string
	Tags         map[string]string
	CodeBased    bool // a codeBased config was given (not supported)
	Derived      bool // a derived config was given (not supported)
}

// UpdateInput is UpdateEvaluator's request: nil members are unchanged.
type UpdateInput struct {
	Description  *string
	Level        *string
	Instructions *string
	Scale        *RatingScale
	Model        *ModelConfig
	KmsKeyArn    *string
	CodeBased    bool
	Derived      bool
}

// Page is a list request's paging.
type Page struct {
	MaxResults int
	NextToken  string
}

// EvaluateInput is one Evaluate request.
type EvaluateInput struct {
	EvaluatorID string
	Documents   []map[string]any // evaluationInput.sessionSpans
	TraceIDs    []string         // evaluationTarget.traceIds (TRACE level)
	SpanIDs     []string         // evaluationTarget.spanIds (TOOL_CALL level)
	References  []Reference      // evaluationReferenceInputs

	// parsed is Documents already read (the online and batch runners read a
	// session once for all its evaluators and target batches); nil = parse.
	parsed *spans.Session
}

// Reference is one evaluationReferenceInputs entry (ground truth).
type Reference struct {
	SessionID, TraceID, SpanID string
	Assertions                 []string
	ExpectedResponse           *string
	ExpectedTrajectory         []string // nil = not given
}

// Result is one EvaluationResultContent.
type Result struct {
	SessionID, TraceID, SpanID               string
	EvaluatorID, EvaluatorARN, EvaluatorName string
	DimensionName                            string
	Value                                    *float64
	Label                                    string
	Explanation                              string
	InputTokens, OutputTokens, TotalTokens   int64
	ErrorCode, ErrorMessage                  string
	IgnoredReferenceFields                   []string
}

// Per-result error codes (EvaluationResultContent.errorCode).
const (
	ErrCodeModelNotConfigured = "ModelNotConfigured"
	ErrCodeModelTimeout       = "ModelTimeout"
	ErrCodeModelError         = "ModelInvocationError"
	ErrCodeInvalidJudgeAnswer = "InvalidJudgeResponse"
)
