package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dtypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

func judgeConfig(instr, modelID string) *ctltypes.EvaluatorConfigMemberLlmAsAJudge {
	return &ctltypes.EvaluatorConfigMemberLlmAsAJudge{Value: ctltypes.LlmAsAJudgeEvaluatorConfig{
		Instructions: aws.String(instr),
		RatingScale: &ctltypes.RatingScaleMemberCategorical{Value: []ctltypes.CategoricalScaleDefinition{
			{Label: aws.String("Good"), Definition: aws.String("good answer")}, {Label: aws.String("Bad"), Definition: aws.String("bad answer")}}},
		ModelConfig: &ctltypes.EvaluatorModelConfigMemberBedrockEvaluatorModelConfig{Value: ctltypes.BedrockEvaluatorModelConfig{
			ModelId: aws.String(modelID), InferenceConfig: &ctltypes.InferenceConfiguration{MaxTokens: aws.Int32(300), Temperature: aws.Float32(0)}}},
	}}
}

// TestEvaluatorsBuiltinsAndCRUD: every account sees the locked built-ins;
// custom evaluators are created (idempotently), read, updated, listed and
// deleted; bad configurations are ValidationExceptions.
func TestEvaluatorsBuiltinsAndCRUD(t *testing.T) {
	e := startEvalEnv(t, startJudge(t, labelAnswer("Good")), 0)
	var all []ctltypes.EvaluatorSummary
	p := ctl.NewListEvaluatorsPaginator(e.Control, &ctl.ListEvaluatorsInput{MaxResults: aws.Int32(5)})
	for p.HasMorePages() {
		page, err := p.NextPage(bg)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Evaluators...)
	}
	if len(all) != 17 {
		t.Fatalf("built-ins listed: %d, want 17", len(all))
	}
	for _, s := range all {
		if s.EvaluatorType != ctltypes.EvaluatorTypeBuiltin || !aws.ToBool(s.LockedForModification) || s.Provider != ctltypes.ProviderAws {
			t.Fatalf("built-in summary %+v", s)
		}
	}
	h, err := e.Control.GetEvaluator(bg, &ctl.GetEvaluatorInput{EvaluatorId: aws.String("Builtin.Helpfulness")})
	if err != nil {
		t.Fatal(err)
	}
	cfg := h.EvaluatorConfig.(*ctltypes.EvaluatorConfigMemberLlmAsAJudge).Value
	num := cfg.RatingScale.(*ctltypes.RatingScaleMemberNumerical).Value
	if h.Level != ctltypes.EvaluatorLevelTrace || len(num) != 7 || aws.ToString(num[6].Label) != "Above and beyond" ||
		!strings.Contains(aws.ToString(h.Description), "helpfulness/1.0") || aws.ToString(h.EvaluatorArn) != "arn:aws:bedrock-agentcore:::evaluator/Builtin.Helpfulness" {
		t.Fatalf("Builtin.Helpfulness: %+v %+v", h, num)
	}
	for _, id := range []string{"Builtin.GoalSuccessRate", "Builtin.TrajectoryInOrderMatch"} {
		g, err := e.Control.GetEvaluator(bg, &ctl.GetEvaluatorInput{EvaluatorId: aws.String(id)})
		if err != nil || g.Level != ctltypes.EvaluatorLevelSession {
			t.Fatalf("%s: %v %v", id, err, g)
		}
	}
	if _, err := e.Control.GetEvaluator(bg, &ctl.GetEvaluatorInput{EvaluatorId: aws.String("Builtin.Nope")}); !isCtlNotFound(err) {
		t.Fatalf("unknown built-in: %v", err)
	}
	if _, err := e.Control.UpdateEvaluator(bg, &ctl.UpdateEvaluatorInput{EvaluatorId: aws.String("Builtin.Helpfulness"), Description: aws.String("x")}); !isCtlValidation(err) || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("update built-in: %v", err)
	}
	if _, err := e.Control.DeleteEvaluator(bg, &ctl.DeleteEvaluatorInput{EvaluatorId: aws.String("Builtin.Correctness")}); !isCtlValidation(err) {
		t.Fatalf("delete built-in: %v", err)
	}

	// Bad configurations.
	_, err = e.Control.CreateEvaluator(bg, &ctl.CreateEvaluatorInput{EvaluatorName: aws.String("missing"), Level: ctltypes.EvaluatorLevelTrace,
		EvaluatorConfig: judgeConfig("Judge {context} only", "m")})
	if !isCtlValidation(err) || !strings.Contains(err.Error(), "{assistant_turn}") {
		t.Fatalf("missing placeholder: %v", err)
	}
	_, err = e.Control.CreateEvaluator(bg, &ctl.CreateEvaluatorInput{EvaluatorName: aws.String("wrongph"), Level: ctltypes.EvaluatorLevelSession,
		EvaluatorConfig: judgeConfig("Judge {context} and {tool_turn}", "m")})
	if !isCtlValidation(err) || !strings.Contains(err.Error(), "{tool_turn}") {
		t.Fatalf("placeholder of another level: %v", err)
	}
	_, err = e.Control.CreateEvaluator(bg, &ctl.CreateEvaluatorInput{EvaluatorName: aws.String("lambda"), Level: ctltypes.EvaluatorLevelTrace,
		EvaluatorConfig: &ctltypes.EvaluatorConfigMemberCodeBased{Value: &ctltypes.CodeBasedEvaluatorConfigMemberLambdaConfig{
			Value: ctltypes.LambdaEvaluatorConfig{LambdaArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:f")}}}})
	if !isCtlValidation(err) || !strings.Contains(err.Error(), "not supported") {
		t.Fatalf("code-based: %v", err)
	}
	if _, err = e.Control.CreateEvaluator(bg, &ctl.CreateEvaluatorInput{EvaluatorName: aws.String("bad-name!"), Level: ctltypes.EvaluatorLevelTrace,
		EvaluatorConfig: judgeConfig("{context} {assistant_turn}", "m")}); !isCtlValidation(err) {
		t.Fatalf("bad name: %v", err)
	}

	// CRUD.
	token := "eval-create-token-0123456789abcdefghij"
	in := &ctl.CreateEvaluatorInput{EvaluatorName: aws.String("tone"), Level: ctltypes.EvaluatorLevelTrace, ClientToken: aws.String(token),
		Description: aws.String("tone check"), Tags: map[string]string{"team": "qa"},
		EvaluatorConfig: judgeConfig("Is the tone right? {context}\n{assistant_turn}", "mapped.model-v1")}
	c1, err := e.Control.CreateEvaluator(bg, in)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := e.Control.CreateEvaluator(bg, in)
	if err != nil || aws.ToString(c2.EvaluatorId) != aws.ToString(c1.EvaluatorId) {
		t.Fatalf("idempotent create: %v %v", err, c2)
	}
	in.ClientToken = nil
	if _, err := e.Control.CreateEvaluator(bg, in); err == nil {
		t.Fatal("duplicate name accepted")
	}
	if c1.Status != ctltypes.EvaluatorStatusActive || !strings.HasPrefix(aws.ToString(c1.EvaluatorArn), "arn:aws:bedrock-agentcore:us-east-1:123456789012:evaluator/tone-") {
		t.Fatalf("create: %+v", c1)
	}
	g, err := e.Control.GetEvaluator(bg, &ctl.GetEvaluatorInput{EvaluatorId: c1.EvaluatorId})
	if err != nil || g.EvaluatorType != ctltypes.EvaluatorTypeCustom || aws.ToBool(g.LockedForModification) || aws.ToString(g.Description) != "tone check" {
		t.Fatalf("get custom: %v %+v", err, g)
	}
	tags, err := e.Control.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: c1.EvaluatorArn})
	if err != nil || tags.Tags["team"] != "qa" {
		t.Fatalf("tags: %v %v", err, tags)
	}
	if _, err := e.Control.UpdateEvaluator(bg, &ctl.UpdateEvaluatorInput{EvaluatorId: c1.EvaluatorId, Level: ctltypes.EvaluatorLevelToolCall}); !isCtlValidation(err) {
		t.Fatalf("level change leaving wrong placeholders: %v", err)
	}
	u, err := e.Control.UpdateEvaluator(bg, &ctl.UpdateEvaluatorInput{EvaluatorId: c1.EvaluatorId, Description: aws.String("tone v2")})
	if err != nil || u.Status != ctltypes.EvaluatorStatusActive {
		t.Fatalf("update: %v", err)
	}
	// Another account does not see it.
	other, _ := testenv.ClientsWith(e.URL, evalOtherKeyID, evalOtherSecret)
	if _, err := other.GetEvaluator(bg, &ctl.GetEvaluatorInput{EvaluatorId: c1.EvaluatorId}); !isCtlNotFound(err) {
		t.Fatalf("other account get: %v", err)
	}
	list, err := e.Control.ListEvaluators(bg, &ctl.ListEvaluatorsInput{})
	if err != nil || len(list.Evaluators) != 18 || aws.ToString(list.Evaluators[17].Description) != "tone v2" {
		t.Fatalf("list with custom: %v %d", err, len(list.Evaluators))
	}
	d, err := e.Control.DeleteEvaluator(bg, &ctl.DeleteEvaluatorInput{EvaluatorId: c1.EvaluatorId})
	if err != nil || d.Status != ctltypes.EvaluatorStatusDeleting {
		t.Fatalf("delete: %v", err)
	}
	if _, err := e.Control.GetEvaluator(bg, &ctl.GetEvaluatorInput{EvaluatorId: c1.EvaluatorId}); !isCtlNotFound(err) {
		t.Fatalf("get deleted: %v", err)
	}
}

func evaluate(e *testenv.Env, id string, docs []map[string]any, target dtypes.EvaluationTarget, refs ...dtypes.EvaluationReferenceInput) (*dp.EvaluateOutput, error) {
	return e.Data.Evaluate(bg, &dp.EvaluateInput{EvaluatorId: aws.String(id), EvaluationInput: sessionSpans(docs),
		EvaluationTarget: target, EvaluationReferenceInputs: refs})
}

func ref(trace string) dtypes.EvaluationReferenceInput {
	sc := dtypes.SpanContext{SessionId: aws.String(evalSession)}
	if trace != "" {
		sc.TraceId = aws.String(trace)
	}
	return dtypes.EvaluationReferenceInput{Context: &dtypes.ContextMemberSpanContext{Value: sc}}
}

// TestEvaluateStrandsSession: TRACE, TOOL_CALL and SESSION built-ins, a
// custom evaluator and the trajectory matchers on a Strands span list with
// a scripted judge.
func TestEvaluateStrandsSession(t *testing.T) {
	j := startJudge(t, labelAnswer("Very helpful"))
	e := startEvalEnv(t, j, 0)
	docs := strandsDocs(t)

	out, err := evaluate(e, "Builtin.Helpfulness", docs, &dtypes.EvaluationTargetMemberTraceIds{Value: []string{evalT1, evalT2}},
		func() dtypes.EvaluationReferenceInput {
			r := ref(evalT2)
			r.ExpectedResponse = &dtypes.EvaluationContentMemberText{Value: "rain"}
			return r
		}())
	if err != nil {
		t.Fatal(err)
	}
	if len(out.EvaluationResults) != 2 {
		t.Fatalf("results: %d", len(out.EvaluationResults))
	}
	for i, r := range out.EvaluationResults {
		sc := spanCtx(r.Context)
		if aws.ToString(sc.SessionId) != evalSession || aws.ToString(sc.TraceId) != []string{evalT1, evalT2}[i] || r.Value == nil ||
			fmt.Sprintf("%.3f", *r.Value) != "0.833" || aws.ToString(r.Label) != "Very helpful" || r.TokenUsage == nil || aws.ToInt32(r.TokenUsage.TotalTokens) != 120 {
			t.Fatalf("result %d: %+v %+v", i, r, sc)
		}
	}
	if ig := out.EvaluationResults[1].IgnoredReferenceInputFields; len(ig) != 1 || ig[0] != "expectedResponse" {
		t.Fatalf("ignored fields: %v", ig)
	}
	prompts, models := j.seen()
	var p2 string
	for _, p := range prompts {
		if strings.Contains(p, "Email me the forecast") {
			p2 = p
		}
	}
	if !containsAll(p2, "What is the weather in Paris?", "Tool call: get_forecast", "I emailed you the forecast", "Above and beyond") || models[0] != "judge-default" {
		t.Fatalf("trace 2 prompt:\n%s\nmodels %v", p2, models)
	}

	// Correctness uses the expected response.
	j.set(labelAnswer("Perfectly Correct"))
	r := ref(evalT2)
	r.ExpectedResponse = &dtypes.EvaluationContentMemberText{Value: "Rain, 15 degrees"}
	out, err = evaluate(e, "Builtin.Correctness", docs, &dtypes.EvaluationTargetMemberTraceIds{Value: []string{evalT2}}, r)
	if err != nil || len(out.EvaluationResults) != 1 || aws.ToFloat64(out.EvaluationResults[0].Value) != 1 || len(out.EvaluationResults[0].IgnoredReferenceInputFields) != 0 {
		t.Fatalf("correctness: %v %+v", err, out)
	}
	if prompts, _ = j.seen(); !strings.Contains(prompts[len(prompts)-1], "Rain, 15 degrees") {
		t.Fatalf("expected response not in prompt")
	}

	// TOOL_CALL: one result per targeted tool span.
	j.set(labelAnswer("Yes"))
	out, err = evaluate(e, "Builtin.ToolSelectionAccuracy", docs, &dtypes.EvaluationTargetMemberSpanIds{Value: []string{evalTool2, evalTool3}})
	if err != nil || len(out.EvaluationResults) != 2 {
		t.Fatalf("tool selection: %v %+v", err, out)
	}
	if sc := spanCtx(out.EvaluationResults[1].Context); aws.ToString(sc.SpanId) != evalTool3 || aws.ToString(sc.TraceId) != evalT2 {
		t.Fatalf("tool result context: %+v", sc)
	}
	if prompts, _ = j.seen(); !containsAll(prompts[len(prompts)-1], "get_weather\nget_forecast\nsend_email", "Tool: ") {
		t.Fatalf("tool prompt:\n%s", prompts[len(prompts)-1])
	}

	// SESSION with assertions.
	r = ref("")
	r.Assertions = []dtypes.EvaluationContent{&dtypes.EvaluationContentMemberText{Value: "The agent emailed the forecast"}}
	out, err = evaluate(e, "Builtin.GoalSuccessRate", docs, nil, r)
	if err != nil || len(out.EvaluationResults) != 1 || aws.ToString(out.EvaluationResults[0].Label) != "Yes" || spanCtx(out.EvaluationResults[0].Context).TraceId != nil {
		t.Fatalf("goal success: %v %+v", err, out)
	}
	if prompts, _ = j.seen(); !strings.Contains(prompts[len(prompts)-1], "- The agent emailed the forecast") {
		t.Fatal("assertion not in prompt")
	}

	// Deterministic trajectories (no judge call).
	n := len(prompts)
	r = ref("")
	r.ExpectedTrajectory = &dtypes.EvaluationExpectedTrajectory{ToolNames: []string{"get_weather", "send_email"}}
	for id, want := range map[string]float64{"Builtin.TrajectoryExactOrderMatch": 0, "Builtin.TrajectoryInOrderMatch": 1, "Builtin.TrajectoryAnyOrderMatch": 1} {
		out, err = evaluate(e, id, docs, nil, r)
		if err != nil || aws.ToFloat64(out.EvaluationResults[0].Value) != want {
			t.Fatalf("%s: %v %+v", id, err, out)
		}
	}
	if _, err = evaluate(e, "Builtin.TrajectoryExactOrderMatch", docs, nil); !isValidation(err) {
		t.Fatalf("trajectory without expectedTrajectory: %v", err)
	}
	if prompts, _ = j.seen(); len(prompts) != n {
		t.Fatal("a trajectory evaluator called the judge")
	}

	// A custom evaluator: its modelId goes through the operator's map.
	c, err := e.Control.CreateEvaluator(bg, &ctl.CreateEvaluatorInput{EvaluatorName: aws.String("tone"), Level: ctltypes.EvaluatorLevelTrace,
		EvaluatorConfig: judgeConfig("Is the tone friendly?\n{context}\n---\n{assistant_turn}", "mapped.model-v1")})
	if err != nil {
		t.Fatal(err)
	}
	j.set(labelAnswer("good"))
	out, err = evaluate(e, aws.ToString(c.EvaluatorArn), docs, nil)
	if err != nil || len(out.EvaluationResults) != 2 || aws.ToString(out.EvaluationResults[0].Label) != "Good" || out.EvaluationResults[0].Value != nil {
		t.Fatalf("custom: %v %+v", err, out)
	}
	if _, models = j.seen(); models[len(models)-1] != "local-judge" {
		t.Fatalf("custom judge model: %v", models)
	}
	_, otherData := testenv.ClientsWith(e.URL, evalOtherKeyID, evalOtherSecret)
	_, err = otherData.Evaluate(bg, &dp.EvaluateInput{EvaluatorId: c.EvaluatorId, EvaluationInput: sessionSpans(docs)})
	if !isNotFound(err) {
		t.Fatalf("another account's evaluator: %v", err)
	}
}

// TestEvaluateBadInput: request-level problems are typed errors; judge
// failures (garbage answers, timeouts) are per-result errors without a
// value.
func TestEvaluateBadInput(t *testing.T) {
	j := startJudge(t, labelAnswer("Yes"))
	e := startEvalEnv(t, j, 300*time.Millisecond)
	docs := strandsDocs(t)
	traces := func(ids ...string) dtypes.EvaluationTarget { return &dtypes.EvaluationTargetMemberTraceIds{Value: ids} }

	if _, err := evaluate(e, "Builtin.Nope", docs, nil); !isNotFound(err) {
		t.Fatalf("unknown evaluator: %v", err)
	}
	if _, err := evaluate(e, "tone-0123456789", docs, nil); !isNotFound(err) {
		t.Fatalf("unknown custom evaluator: %v", err)
	}
	if _, err := evaluate(e, "Builtin.Helpfulness", nil, nil); !isValidation(err) {
		t.Fatalf("empty spans: %v", err)
	}
	if _, err := evaluate(e, "Builtin.Helpfulness", []map[string]any{{"name": "x"}, {"foo": 1}}, nil); !isValidation(err) {
		t.Fatalf("spans without ids: %v", err)
	}
	if _, err := evaluate(e, "Builtin.Helpfulness", docs, traces("ffffffffffffffffffffffffffffffff")); !isValidation(err) || !strings.Contains(err.Error(), "not in the session") {
		t.Fatalf("unknown trace: %v", err)
	}
	if _, err := evaluate(e, "Builtin.ToolParameterAccuracy", docs, &dtypes.EvaluationTargetMemberSpanIds{Value: []string{"r000000000000001"}}); !isValidation(err) {
		t.Fatalf("non-tool span: %v", err)
	}
	var many []string
	for i := 0; i < 11; i++ {
		many = append(many, fmt.Sprintf("%032d", i))
	}
	if _, err := evaluate(e, "Builtin.Helpfulness", docs, traces(many...)); !isValidation(err) || !strings.Contains(err.Error(), "at most 10") {
		t.Fatalf("too many targets: %v", err)
	}
	if _, err := evaluate(e, "Builtin.GoalSuccessRate", docs, traces(evalT1)); !isValidation(err) {
		t.Fatalf("session evaluator with a target: %v", err)
	}
	bad := ref("")
	bad.Context = &dtypes.ContextMemberSpanContext{Value: dtypes.SpanContext{SessionId: aws.String("another-session")}}
	if _, err := evaluate(e, "Builtin.GoalSuccessRate", docs, nil, bad); !isValidation(err) {
		t.Fatalf("reference of another session: %v", err)
	}

	// Garbage and out-of-scale answers: per-result errors, no score.
	for _, answer := range []string{"I think it is quite helpful!", `{"label": "Great", "explanation": "x"}`, `{"score": 0.7}`, `{"explanation": "no label"}`} {
		j.set(func(string, string) (string, time.Duration) { return answer, 0 })
		out, err := evaluate(e, "Builtin.Helpfulness", docs, traces(evalT1))
		if err != nil {
			t.Fatal(err)
		}
		r := out.EvaluationResults[0]
		if r.Value != nil || r.Label != nil || aws.ToString(r.ErrorCode) != "InvalidJudgeResponse" || aws.ToString(r.ErrorMessage) == "" {
			t.Fatalf("answer %q: %+v", answer, r)
		}
	}
	// A fenced JSON answer with a numeric score is accepted.
	j.set(func(string, string) (string, time.Duration) {
		return "```json\n{\"score\": 1, \"explanation\": \"ok\"}\n```", 0
	})
	out, err := evaluate(e, "Builtin.Helpfulness", docs, traces(evalT1))
	if err != nil || aws.ToString(out.EvaluationResults[0].Label) != "Above and beyond" {
		t.Fatalf("fenced score: %v %+v", err, out.EvaluationResults)
	}
	// A judge slower than eval-judge-timeout: ModelTimeout after the retry.
	j.set(func(string, string) (string, time.Duration) { return `{"label": "Yes"}`, 2 * time.Second })
	start := time.Now()
	out, err = evaluate(e, "Builtin.ToolSelectionAccuracy", docs, &dtypes.EvaluationTargetMemberSpanIds{Value: []string{evalTool1}})
	if err != nil {
		t.Fatal(err)
	}
	if r := out.EvaluationResults[0]; r.Value != nil || aws.ToString(r.ErrorCode) != "ModelTimeout" || time.Since(start) > 5*time.Second {
		t.Fatalf("timeout: %+v after %s", r, time.Since(start))
	}
}
