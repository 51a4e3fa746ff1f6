package main

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// evalResultJSON is an EvaluationResultContent as the API sends it
// (camelCase members, the context union as {"spanContext": {...}}, absent
// members left out), not the SDK's Go struct.
func evalResultJSON(r types.EvaluationResultContent) map[string]any {
	m := map[string]any{"evaluatorId": aws.ToString(r.EvaluatorId), "evaluatorArn": aws.ToString(r.EvaluatorArn),
		"evaluatorName": aws.ToString(r.EvaluatorName)}
	if sc, ok := r.Context.(*types.ContextMemberSpanContext); ok {
		ctx := map[string]any{"sessionId": aws.ToString(sc.Value.SessionId)}
		if sc.Value.TraceId != nil {
			ctx["traceId"] = *sc.Value.TraceId
		}
		if sc.Value.SpanId != nil {
			ctx["spanId"] = *sc.Value.SpanId
		}
		m["context"] = map[string]any{"spanContext": ctx}
	}
	for k, v := range map[string]*string{"label": r.Label, "explanation": r.Explanation, "errorCode": r.ErrorCode,
		"errorMessage": r.ErrorMessage, "evaluationDimensionName": r.EvaluationDimensionName} {
		if v != nil {
			m[k] = *v
		}
	}
	if r.Value != nil {
		m["value"] = *r.Value
	}
	if len(r.IgnoredReferenceInputFields) > 0 {
		m["ignoredReferenceInputFields"] = r.IgnoredReferenceInputFields
	}
	if u := r.TokenUsage; u != nil {
		m["tokenUsage"] = map[string]any{"inputTokens": aws.ToInt32(u.InputTokens), "outputTokens": aws.ToInt32(u.OutputTokens),
			"totalTokens": aws.ToInt32(u.TotalTokens)}
	}
	return m
}
