package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// scaleEntryRE reads the rating scale the judge prompt offers: one line
// per entry, `- "Label" (score 0.5): definition` (the score only on a
// numerical scale).
var scaleEntryRE = regexp.MustCompile(`(?m)^- "([^"]+)"(?: \(score ([0-9.]+)\))?:`)

// judgeAnswer answers as a judge would: a label of the scale in the prompt
// ("Very helpful" with its score on Helpfulness's, "Pass" on the custom
// evaluator's when the judged answer holds a number); a prompt without a
// scale gets a 400.
func judgeAnswer(_, user string) (int, string) {
	entries := scaleEntryRE.FindAllStringSubmatch(user, -1)
	if len(entries) == 0 {
		return 400, "no rating scale in the prompt"
	}
	for _, en := range entries {
		switch {
		case en[1] == "Very helpful":
			return 200, `{"explanation": "scripted judge", "label": "Very helpful", "score": ` + en[2] + `}`
		case en[1] == "Pass" && strings.Contains(user, "is 42."):
			return 200, `{"explanation": "the answer holds 42", "label": "Pass"}`
		}
	}
	return 200, `{"explanation": "scripted judge", "label": "` + entries[len(entries)-1][1] + `"}`
}

// TestOnlineEvaluation (must-show 2): a hosted bedrock-agentcore agent with
// OpenTelemetry configured by the environment only is invoked in three
// sessions; an online config at 100 % with a built-in and a custom
// evaluator evaluates each finished session exactly once per evaluator (one
// trace per session, TRACE level), the judge seeing the conversation the
// agent's spans carry; the results are in the session's trace and in the
// per-session listing; later polls add nothing; a DISABLED config
// evaluates nothing.
func TestOnlineEvaluation(t *testing.T) {
	judge := newScriptedModel(t, judgeAnswer)
	cfg := testenv.Fast()
	cfg.ModelEndpoint, cfg.Model, cfg.ModelAPIKey = judge.URL+"/v1", "judge-model", "sk-test"
	cfg.EvalOnlinePoll, cfg.EvalOnlineIdle = 300*time.Millisecond, 2*time.Second
	e := testenv.Start(t, cfg)
	arn, id := deployEvalAgent(t, e, "evalagent")

	custom, err := e.Control.CreateEvaluator(bg, &ctl.CreateEvaluatorInput{EvaluatorName: aws.String("answers_with_number"),
		Level: ctltypes.EvaluatorLevelTrace, EvaluatorConfig: &ctltypes.EvaluatorConfigMemberLlmAsAJudge{Value: ctltypes.LlmAsAJudgeEvaluatorConfig{
			Instructions: aws.String("Conversation so far:\n{context}\n\nThe agent's answer:\n{assistant_turn}\n\nDoes the answer contain a number?"),
			RatingScale: &ctltypes.RatingScaleMemberCategorical{Value: []ctltypes.CategoricalScaleDefinition{
				{Label: aws.String("Pass"), Definition: aws.String("It does.")}, {Label: aws.String("Fail"), Definition: aws.String("It does not.")}}},
			ModelConfig: &ctltypes.EvaluatorModelConfigMemberBedrockEvaluatorModelConfig{Value: ctltypes.BedrockEvaluatorModelConfig{ModelId: aws.String("judge-model")}}}}})
	if err != nil {
		t.Fatalf("CreateEvaluator: %v", err)
	}
	evaluators := []ctltypes.EvaluatorReference{&ctltypes.EvaluatorReferenceMemberEvaluatorId{Value: "Builtin.Helpfulness"},
		&ctltypes.EvaluatorReferenceMemberEvaluatorId{Value: *custom.EvaluatorId}}
	wantLabel := map[string]string{"Builtin.Helpfulness": "Very helpful", *custom.EvaluatorId: "Pass"}
	logGroup := "/aws/bedrock-agentcore/runtimes/" + id + "-DEFAULT"
	create := func(name string, enable bool) *ctl.CreateOnlineEvaluationConfigOutput {
		out, err := e.Control.CreateOnlineEvaluationConfig(bg, &ctl.CreateOnlineEvaluationConfigInput{
			OnlineEvaluationConfigName: aws.String(name), EnableOnCreate: aws.Bool(enable),
			EvaluationExecutionRoleArn: aws.String(testenv.RoleArn), Evaluators: evaluators,
			DataSourceConfig: &ctltypes.DataSourceConfigMemberCloudWatchLogs{Value: ctltypes.CloudWatchLogsInputConfig{
				LogGroupNames: []string{logGroup}, ServiceNames: []string{"evalagent.DEFAULT"}}},
			Rule: &ctltypes.Rule{SamplingConfig: &ctltypes.SamplingConfig{SamplingPercentage: aws.Float64(100)},
				SessionConfig: &ctltypes.SessionConfig{SessionTimeoutMinutes: aws.Int32(1)}},
		})
		if err != nil {
			t.Fatalf("CreateOnlineEvaluationConfig: %v", err)
		}
		return out
	}
	on, off := create("online_all", true), create("online_off", false)
	if on.ExecutionStatus != ctltypes.OnlineEvaluationExecutionStatusEnabled || off.ExecutionStatus != ctltypes.OnlineEvaluationExecutionStatusDisabled ||
		on.Status != ctltypes.OnlineEvaluationConfigStatusActive || on.OutputConfig == nil {
		t.Fatalf("created %+v / %+v", on, off)
	}
	if _, err := e.Control.CreateOnlineEvaluationConfig(bg, &ctl.CreateOnlineEvaluationConfigInput{
		OnlineEvaluationConfigName: aws.String("bad_runtime"), EnableOnCreate: aws.Bool(true), EvaluationExecutionRoleArn: aws.String(testenv.RoleArn),
		Evaluators: evaluators, DataSourceConfig: &ctltypes.DataSourceConfigMemberCloudWatchLogs{Value: ctltypes.CloudWatchLogsInputConfig{
			LogGroupNames: []string{"/aws/bedrock-agentcore/runtimes/nope-AbCdEfGhIj-DEFAULT"}, ServiceNames: []string{"x"}}},
		Rule: &ctltypes.Rule{SamplingConfig: &ctltypes.SamplingConfig{SamplingPercentage: aws.Float64(100)}},
	}); err == nil || !strings.Contains(err.Error(), "ValidationException") {
		t.Errorf("unknown runtime: %v; want ValidationException", err)
	}

	// Three sessions, alive at the same time, one turn each.
	sessions := map[string]string{} // session -> trace
	question := func(sid string) string { return "what is 6*7? (asked in " + sid + ")" }
	for i := range 3 {
		sid := fmt.Sprintf("online-eval-session-%d-%s", i, strings.Repeat("x", 24))
		out, err := e.Data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: aws.String(arn),
			RuntimeSessionId: aws.String(sid), Payload: []byte(`{"prompt": "` + question(sid) + `"}`), ContentType: aws.String("application/json")})
		if err != nil {
			t.Fatalf("invoke %s: %v\nsession logs: %v", sid, err, getJSON(t, e.URL+"/_agentcore/observability/logs?limit=1000&sessionId="+sid)["logs"])
		}
		var m map[string]any
		json.NewDecoder(out.Response).Decode(&m)
		out.Response.Close()
		if sessions[sid], _ = m["traceId"].(string); len(sessions[sid]) != 32 {
			t.Fatalf("invoke %s answered %v", sid, m)
		}
	}
	// Every session gets one result per evaluator (one trace per session).
	deadline := time.Now().Add(60 * time.Second)
	for sid := range sessions {
		for len(sessionResults(t, e, sid)) < len(evaluators) && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
	}
	time.Sleep(1500 * time.Millisecond) // five more polls: nothing more
	for sid, traceID := range sessions {
		got := sessionResults(t, e, sid)
		per := map[string]int{}
		for _, r := range got {
			per[r.EvaluatorID]++
			if r.ConfigID != *on.OnlineEvaluationConfigId {
				t.Errorf("%s: result of config %s; the DISABLED one must evaluate nothing", sid, r.ConfigID)
			}
			if r.TraceID != traceID || r.Label != wantLabel[r.EvaluatorID] || r.ErrorCode != "" ||
				(r.EvaluatorID == "Builtin.Helpfulness") != (r.Value != nil) { // the custom scale is categorical: no value
				t.Errorf("%s: result %+v (trace %s)", sid, r, traceID)
			}
		}
		for ev := range wantLabel {
			if per[ev] != 1 {
				t.Errorf("%s: %d results of %s, want exactly 1 (all: %v)", sid, per[ev], ev, per)
			}
		}
		inTrace := 0
		for _, sp := range traceSpans(t, e, traceID) {
			if sp.Attributes["gen_ai.evaluation.name"] != nil {
				inTrace++
				ev, _ := sp.Attributes["aws.bedrock_agentcore.evaluator.id"].(string)
				if sp.Attributes["session.id"] != sid || sp.Attributes["aws.bedrock_agentcore.online_evaluation_config.id"] != *on.OnlineEvaluationConfigId ||
					sp.Attributes["gen_ai.evaluation.score.label"] != wantLabel[ev] || sp.Attributes["aws.bedrock_agentcore.evaluator.arn"] == nil {
					t.Errorf("result span attributes %v", sp.Attributes)
				}
			}
		}
		if inTrace != len(evaluators) {
			t.Errorf("%s: %d evaluation spans in trace %s, want %d", sid, inTrace, traceID, len(evaluators))
		}
	}
	// The judge saw each session's conversation, as the agent's spans carry
	// it (request, tool call and result, answer), once per evaluator, and
	// was called for nothing else.
	judge.mu.Lock()
	prompts := append([]string(nil), judge.users...)
	judge.mu.Unlock()
	if len(prompts) != len(sessions)*len(evaluators) {
		t.Errorf("the judge was called %d times, want %d", len(prompts), len(sessions)*len(evaluators))
	}
	for sid := range sessions {
		n := 0
		for _, p := range prompts {
			if !strings.Contains(p, question(sid)) {
				continue
			}
			n++
			for _, want := range []string{"User: " + question(sid), `Tool call: calculator({"expression": "6*7"})`, "Tool result: 42",
				"The answer to '" + question(sid) + "' is 42."} {
				if !strings.Contains(p, want) {
					t.Errorf("%s: the judge prompt lacks %q:\n%s", sid, want, p)
				}
			}
		}
		if n != len(evaluators) {
			t.Errorf("%s: %d judge prompts hold the session's conversation, want %d", sid, n, len(evaluators))
		}
	}
	got, err := e.Control.GetOnlineEvaluationConfig(bg, &ctl.GetOnlineEvaluationConfigInput{OnlineEvaluationConfigId: on.OnlineEvaluationConfigId})
	if err != nil || *got.EvaluationExecutionRoleArn != testenv.RoleArn || len(got.Evaluators) != len(evaluators) || *got.Rule.SamplingConfig.SamplingPercentage != 100 {
		t.Errorf("GetOnlineEvaluationConfig: %+v, %v", got, err)
	}
	list, err := e.Control.ListOnlineEvaluationConfigs(bg, &ctl.ListOnlineEvaluationConfigsInput{})
	if err != nil || len(list.OnlineEvaluationConfigs) != 2 {
		t.Errorf("ListOnlineEvaluationConfigs: %+v, %v", list, err)
	}
	if _, err := e.Control.DeleteOnlineEvaluationConfig(bg, &ctl.DeleteOnlineEvaluationConfigInput{OnlineEvaluationConfigId: off.OnlineEvaluationConfigId}); err != nil {
		t.Error(err)
	}
}

type onlineResult struct {
	ConfigID    string   `json:"onlineEvaluationConfigId"`
	EvaluatorID string   `json:"evaluatorId"`
	TraceID     string   `json:"traceId"`
	Value       *float64 `json:"value"`
	Label       string   `json:"label"`
	ErrorCode   string   `json:"errorCode"`
}

func sessionResults(t *testing.T, e *testenv.Env, sid string) []onlineResult {
	t.Helper()
	resp, err := http.Get(e.URL + "/_agentcore/evaluations?sessionId=" + sid)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Evaluations []onlineResult }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /_agentcore/evaluations: %d %v", resp.StatusCode, err)
	}
	return out.Evaluations
}

type tracedSpan struct {
	Name       string         `json:"name"`
	Attributes map[string]any `json:"attributes"`
}

func traceSpans(t *testing.T, e *testenv.Env, traceID string) []tracedSpan {
	t.Helper()
	resp, err := http.Get(e.URL + "/_agentcore/observability/traces/" + traceID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Spans []tracedSpan }
	json.NewDecoder(resp.Body).Decode(&out)
	return out.Spans
}

// deployEvalAgent deploys testdata/evalagent; it returns its ARN and id.
func deployEvalAgent(t *testing.T, e *testenv.Env, name string) (string, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the pip install of bedrock-agentcore and opentelemetry-sdk")
	}
	files := map[string][]byte{}
	for _, f := range []string{"agent.py", "requirements.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "evalagent", f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = b
	}
	key := fmt.Sprintf("evalagent-%d.zip", time.Now().UnixNano())
	e.Upload(t, "agents", key, testenv.Zip(t, files))
	out, err := e.Control.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String(name), RoleArn: aws.String(testenv.RoleArn),
		AgentRuntimeArtifact: testenv.CodeArtifact(&ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)}, ctltypes.AgentManagedRuntimeTypePython311, "agent.py"),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitReady(t, *out.AgentRuntimeId, 5*time.Minute)
	return *out.AgentRuntimeArn, *out.AgentRuntimeId
}
