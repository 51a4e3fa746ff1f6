package httpapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/document"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// goldenEvaluation pins the Evaluations operations: evaluator CRUD (custom
// and built-in) and Evaluate (a deterministic evaluator, and an LLM one on a
// server without a model: a per-result error).
func goldenEvaluation(t *testing.T, g *golden) {
	g.t = t
	c, d := g.Control, g.Data
	var id string
	cfg := &ctltypes.EvaluatorConfigMemberLlmAsAJudge{Value: ctltypes.LlmAsAJudgeEvaluatorConfig{
		Instructions: aws.String("Judge the tone.\n{context}\n{assistant_turn}"),
		RatingScale: &ctltypes.RatingScaleMemberNumerical{Value: []ctltypes.NumericalScaleDefinition{
			{Label: aws.String("Bad"), Definition: aws.String("rude"), Value: aws.Float64(0)},
			{Label: aws.String("Good"), Definition: aws.String("friendly"), Value: aws.Float64(1)}}},
		ModelConfig: &ctltypes.EvaluatorModelConfigMemberBedrockEvaluatorModelConfig{Value: ctltypes.BedrockEvaluatorModelConfig{
			ModelId: aws.String("judge-model"), InferenceConfig: &ctltypes.InferenceConfiguration{MaxTokens: aws.Int32(256)}}},
	}}
	g.check("Evaluation", "CreateEvaluator", "ok", func() error {
		out, err := c.CreateEvaluator(bg, &ctl.CreateEvaluatorInput{EvaluatorName: aws.String("golden_tone"), Level: ctltypes.EvaluatorLevelTrace,
			Description: aws.String("d"), EvaluatorConfig: cfg, Tags: map[string]string{"team": "eval"}})
		must(t, "CreateEvaluator", err)
		id = *out.EvaluatorId
		g.name(*out.EvaluatorArn, "<evaluatorArn>")
		g.name(id, "<evaluatorId>")
		return nil
	})
	g.check("Evaluation", "CreateEvaluator", "missing_placeholder", func() error {
		bad := *cfg
		bad.Value.Instructions = aws.String("Judge {context}")
		_, err := c.CreateEvaluator(bg, &ctl.CreateEvaluatorInput{EvaluatorName: aws.String("golden_bad"), Level: ctltypes.EvaluatorLevelTrace, EvaluatorConfig: &bad})
		wantCode(t, err, "ValidationException")
		return nil
	})
	g.check("Evaluation", "GetEvaluator", "ok", func() error {
		_, err := c.GetEvaluator(bg, &ctl.GetEvaluatorInput{EvaluatorId: &id})
		must(t, "GetEvaluator", err)
		return nil
	})
	g.check("Evaluation", "GetEvaluator", "builtin", func() error {
		_, err := c.GetEvaluator(bg, &ctl.GetEvaluatorInput{EvaluatorId: aws.String("Builtin.Correctness")})
		must(t, "GetEvaluator", err)
		return nil
	})
	g.check("Evaluation", "GetEvaluator", "not_found", func() error {
		_, err := c.GetEvaluator(bg, &ctl.GetEvaluatorInput{EvaluatorId: aws.String("nope-0123456789")})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("Evaluation", "ListEvaluators", "page", func() error {
		out, err := c.ListEvaluators(bg, &ctl.ListEvaluatorsInput{MaxResults: aws.Int32(2)})
		must(t, "ListEvaluators", err)
		g.name(*out.NextToken, "<nextToken>")
		return nil
	})
	g.check("Evaluation", "UpdateEvaluator", "ok", func() error {
		_, err := c.UpdateEvaluator(bg, &ctl.UpdateEvaluatorInput{EvaluatorId: &id, Description: aws.String("d2")})
		must(t, "UpdateEvaluator", err)
		return nil
	})
	g.check("Evaluation", "UpdateEvaluator", "builtin_locked", func() error {
		_, err := c.UpdateEvaluator(bg, &ctl.UpdateEvaluatorInput{EvaluatorId: aws.String("Builtin.Helpfulness"), Description: aws.String("x")})
		wantCode(t, err, "ValidationException")
		return nil
	})
	spans := &dptypes.EvaluationInputMemberSessionSpans{Value: []document.Interface{document.NewLazyDocument(map[string]any{
		"traceId": "0123456789abcdef0123456789abcdef", "spanId": "0123456789abcdef", "name": "execute_tool lookup",
		"startTimeUnixNano": 1.7e18, "endTimeUnixNano": 1.7e18,
		"attributes": map[string]any{"session.id": "golden-session", "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "lookup"}})}}
	g.check("Evaluation", "Evaluate", "trajectory", func() error {
		_, err := d.Evaluate(bg, &dp.EvaluateInput{EvaluatorId: aws.String("Builtin.TrajectoryExactOrderMatch"), EvaluationInput: spans,
			EvaluationReferenceInputs: []dptypes.EvaluationReferenceInput{{
				Context:            &dptypes.ContextMemberSpanContext{Value: dptypes.SpanContext{SessionId: aws.String("golden-session")}},
				ExpectedTrajectory: &dptypes.EvaluationExpectedTrajectory{ToolNames: []string{"lookup"}}}}})
		must(t, "Evaluate", err)
		return nil
	})
	g.check("Evaluation", "Evaluate", "no_model", func() error {
		_, err := d.Evaluate(bg, &dp.EvaluateInput{EvaluatorId: aws.String("Builtin.Helpfulness"), EvaluationInput: spans})
		must(t, "Evaluate", err)
		return nil
	})
	g.check("Evaluation", "Evaluate", "unknown_trace", func() error {
		_, err := d.Evaluate(bg, &dp.EvaluateInput{EvaluatorId: aws.String("Builtin.Helpfulness"), EvaluationInput: spans,
			EvaluationTarget: &dptypes.EvaluationTargetMemberTraceIds{Value: []string{"ffffffffffffffffffffffffffffffff"}}})
		wantCode(t, err, "ValidationException")
		return nil
	})
	g.check("Evaluation", "DeleteEvaluator", "ok", func() error {
		_, err := c.DeleteEvaluator(bg, &ctl.DeleteEvaluatorInput{EvaluatorId: &id})
		must(t, "DeleteEvaluator", err)
		return nil
	})
}
