package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/rogpeppe/go-internal/testscript"
)

// judgeScaleRE reads the rating scale of a judge prompt: one line per
// entry, `- "Label" (score 0.5): definition`.
var judgeScaleRE = regexp.MustCompile(`(?m)^- "([^"]+)"(?: \(score ([0-9.]+)\))?:`)

// cmdStartJudge starts a scripted OpenAI-compatible judge model and sets
// JUDGE_URL (start-server then evaluates with it, and polls online
// evaluation configs every 200ms with sessions idle after 1s). It answers
// "Very helpful" / "Yes" with their scores when the scale offers them,
// else the scale's first label; the explanation quotes the last "is N."
// of the prompt (the judged answer's). Prompts holding "judge-breaks" get
// prose instead of the JSON object.
func cmdStartJudge(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: start-judge")
	}
	answerRE := regexp.MustCompile(`is \d+\.`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model    string
			Messages []struct{ Role, Content string }
		}
		if r.URL.Path != "/v1/chat/completions" || json.NewDecoder(r.Body).Decode(&req) != nil || len(req.Messages) == 0 {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		prompt := req.Messages[len(req.Messages)-1].Content
		entries := judgeScaleRE.FindAllStringSubmatch(prompt, -1)
		if len(entries) == 0 {
			http.Error(w, `{"error":{"message":"no rating scale"}}`, http.StatusBadRequest)
			return
		}
		pick := entries[0]
		for _, en := range entries {
			if en[1] == "Very helpful" || en[1] == "Yes" {
				pick = en
			}
		}
		said := answerRE.FindAllString(prompt, -1) // the judged answer comes after the context
		ans := map[string]any{"label": pick[1], "explanation": "scripted judge; the answer says " + strings.Join(said[max(len(said)-1, 0):], "")}
		if pick[2] != "" {
			ans["score"] = json.Number(pick[2])
		}
		text, _ := json.Marshal(ans)
		if strings.Contains(prompt, "judge-breaks") {
			text = []byte("I think the agent did fine.")
		}
		json.NewEncoder(w).Encode(map[string]any{"model": req.Model, "usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 20},
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": string(text)}}}})
	}))
	ts.Defer(srv.Close)
	ts.Setenv("JUDGE_URL", srv.URL+"/v1")
}

// cmdOnlineEval creates an ENABLED online evaluation config at 100 %
// sampling over a runtime's DEFAULT endpoint, through the AWS SDK:
// online-eval NAME RUNTIME_ID EVALUATOR...
func cmdOnlineEval(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: online-eval NAME RUNTIME_ID EVALUATOR...")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := ctl.New(ctl.Options{Region: "us-east-1", BaseEndpoint: aws.String(ts.Getenv("AGENTCORE_ENDPOINT")),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDAGENTCORELOCAL", "agentcore-local-secret", "")})
	var evs []ctltypes.EvaluatorReference
	for _, id := range args[2:] {
		evs = append(evs, &ctltypes.EvaluatorReferenceMemberEvaluatorId{Value: id})
	}
	out, err := c.CreateOnlineEvaluationConfig(ctx, &ctl.CreateOnlineEvaluationConfigInput{
		OnlineEvaluationConfigName: aws.String(args[0]), EnableOnCreate: aws.Bool(true),
		EvaluationExecutionRoleArn: aws.String("arn:aws:iam::123456789012:role/AgentCoreEvaluation"), Evaluators: evs,
		DataSourceConfig: &ctltypes.DataSourceConfigMemberCloudWatchLogs{Value: ctltypes.CloudWatchLogsInputConfig{
			LogGroupNames: []string{"/aws/bedrock-agentcore/runtimes/" + args[1] + "-DEFAULT"}, ServiceNames: []string{strings.Split(args[1], "-")[0] + ".DEFAULT"}}},
		Rule: &ctltypes.Rule{SamplingConfig: &ctltypes.SamplingConfig{SamplingPercentage: aws.Float64(100)}},
	})
	ts.Check(err)
	ts.Logf("online evaluation config %s", aws.ToString(out.OnlineEvaluationConfigId))
}
