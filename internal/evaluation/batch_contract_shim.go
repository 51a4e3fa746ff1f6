package evaluation

// THROWAWAY: the Evaluate contract types of the shared brief, owned by
// H-eval (types.go / evaluate.go). Delete this file when h/eval is merged.

// EvaluateInput is one Evaluate call.
type EvaluateInput struct {
	EvaluatorID string
	Documents   []map[string]any
	TraceIDs    []string
	SpanIDs     []string
	References  []Reference
}

// Reference is one evaluationReferenceInput.
type Reference struct {
	SessionID, TraceID, SpanID string
	Assertions                 []string
	ExpectedResponse           *string
	ExpectedTrajectory         []string
}

// Result is one evaluation result.
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
