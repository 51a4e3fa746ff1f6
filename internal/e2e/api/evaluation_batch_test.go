package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

const evalRuntimeID = "evalagent-abcdefghij"

var evalRuntimeARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/" + evalRuntimeID

// postTurn exports one agent turn of a session over OTLP/HTTP (protobuf):
// a root invoke_agent span and a chat span carrying the user's question
// and the agent's answer (Traceloop-style gen_ai.prompt/completion).
func postTurn(t *testing.T, url, runtimeARN, session string, trace byte, at time.Time, question, answer string) {
	t.Helper()
	tid := bytes.Repeat([]byte{trace}, 16)
	attrs := func(kind string) []*commonpb.KeyValue {
		return []*commonpb.KeyValue{otlpStr("session.id", session), otlpStr("traceloop.span.kind", kind),
			otlpStr("gen_ai.prompt.0.role", "user"), otlpStr("gen_ai.prompt.0.content", question),
			otlpStr("gen_ai.completion.0.role", "assistant"), otlpStr("gen_ai.completion.0.content", answer)}
	}
	root := &tracepb.Span{TraceId: tid, SpanId: bytes.Repeat([]byte{trace, 1}, 4), Name: "invoke_agent", Kind: tracepb.Span_SPAN_KIND_SERVER,
		StartTimeUnixNano: uint64(at.UnixNano()), EndTimeUnixNano: uint64(at.Add(time.Second).UnixNano()), Attributes: attrs("agent")}
	chat := &tracepb.Span{TraceId: tid, SpanId: bytes.Repeat([]byte{trace, 2}, 4), ParentSpanId: root.SpanId, Name: "chat", Kind: tracepb.Span_SPAN_KIND_CLIENT,
		StartTimeUnixNano: uint64(at.Add(100 * time.Millisecond).UnixNano()), EndTimeUnixNano: uint64(at.Add(900 * time.Millisecond).UnixNano()), Attributes: attrs("llm")}
	req := &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
		Resource:   &resourcepb.Resource{Attributes: []*commonpb.KeyValue{otlpStr("service.name", "evalagent.DEFAULT"), otlpStr("cloud.resource_id", runtimeARN)}},
		ScopeSpans: []*tracepb.ScopeSpans{{Spans: []*tracepb.Span{root, chat}}},
	}}}
	body, _ := proto.Marshal(req)
	resp, err := http.Post(url+"/v1/traces", "application/x-protobuf", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST /v1/traces: %d", resp.StatusCode)
	}
}

// judge is a scripted OpenAI-compatible judge answering as the real judge
// must (one JSON object with a label of the prompt's rating scale): turns
// whose answer mentions "good-answer" get the scale's top label (score 1),
// "bad-answer" its bottom label (score 0), "broken" an HTTP 500.
func judge(t *testing.T, delay time.Duration) *scriptedModel {
	return newScriptedModel(t, func(_, user string) (int, string) {
		time.Sleep(delay)
		switch {
		case strings.Contains(user, "broken"):
			return 500, "judge overloaded"
		case strings.Contains(user, "bad-answer"):
			return 200, labelOf(user, "the answer is wrong", "Not helpful at all", "Incorrect", "No")
		}
		return 200, labelOf(user, "the answer is right", "Above and beyond", "Perfectly Correct", "Yes")
	})
}

// labelOf answers with the first of labels the prompt's rating scale offers.
func labelOf(prompt, why string, labels ...string) string {
	for _, l := range labels {
		if strings.Contains(prompt, `"`+l+`"`) {
			return `{"explanation": "` + why + `", "label": "` + l + `"}`
		}
	}
	return `{"explanation": "no known label in the scale", "label": "?"}`
}

func evalServer(t *testing.T, sm *scriptedModel, concurrency int) *testenv.Env {
	cfg := evalConfig()
	cfg.ModelEndpoint, cfg.Model, cfg.ModelAPIKey = sm.URL+"/v1", "judge-model", "sk-test"
	cfg.EvalBatchConcurrency = concurrency
	return testenv.Start(t, cfg)
}

func cwSource(groups []string, sessions []string, from, to *time.Time) types.DataSourceConfig {
	f := &types.CloudWatchFilterConfig{SessionIds: sessions}
	if from != nil {
		f.TimeRange = &types.SessionFilterConfig{StartTime: from, EndTime: to}
	}
	return &types.DataSourceConfigMemberCloudWatchLogs{Value: types.CloudWatchLogsSource{
		ServiceNames: []string{"evalagent.DEFAULT"}, LogGroupNames: groups, FilterConfig: f}}
}

func waitBatch(t *testing.T, d *bedrockagentcore.Client, id string, done ...types.BatchEvaluationStatus) *bedrockagentcore.GetBatchEvaluationOutput {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		g, err := d.GetBatchEvaluation(bg, &bedrockagentcore.GetBatchEvaluationInput{BatchEvaluationId: aws.String(id)})
		if err != nil {
			t.Fatalf("GetBatchEvaluation: %v", err)
		}
		for _, s := range done {
			if g.Status == s {
				return g
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch %s still %s", id, g.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestEvaluationBatchOverRuntimeSessions(t *testing.T) {
	sm := judge(t, 0)
	e := evalServer(t, sm, 2)
	now := time.Now().Add(-time.Minute)
	postTurn(t, e.URL, evalRuntimeARN, "sess-good-1", 0x11, now, "What is 2+2?", "4, a good-answer")
	postTurn(t, e.URL, evalRuntimeARN, "sess-good-1", 0x12, now.Add(2*time.Second), "And 3+3?", "6, a good-answer")
	postTurn(t, e.URL, evalRuntimeARN, "sess-good-2", 0x21, now, "Capital of France?", "Paris, good-answer")
	postTurn(t, e.URL, evalRuntimeARN, "sess-bad", 0x31, now, "Capital of Spain?", "Lisbon, bad-answer")
	postTurn(t, e.URL, evalRuntimeARN, "sess-broken", 0x41, now, "Anything?", "broken")
	postTurn(t, e.URL, "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/otheragent-0123456789", "sess-other", 0x51, now, "x", "bad-answer")
	from, to := now.Add(-time.Minute), time.Now().Add(time.Minute)
	expected := "The answer is 4"
	st, err := e.Data.StartBatchEvaluation(bg, &bedrockagentcore.StartBatchEvaluationInput{
		BatchEvaluationName: aws.String("nightly"), Description: aws.String("all sessions of evalagent"),
		DataSourceConfig: cwSource([]string{"/aws/bedrock-agentcore/runtimes/" + evalRuntimeID + "-DEFAULT"}, nil, &from, &to),
		Evaluators:       []types.Evaluator{{EvaluatorId: aws.String("Builtin.Helpfulness")}, {EvaluatorId: aws.String("Builtin.Correctness")}},
		EvaluationMetadata: &types.EvaluationMetadataMemberSessionMetadata{Value: []types.SessionMetadataShape{{SessionId: aws.String("sess-good-1"),
			GroundTruth: &types.GroundTruthSourceMemberInline{Value: types.InlineGroundTruth{Turns: []types.GroundTruthTurn{
				{Input: &types.GroundTruthTurnInputMemberPrompt{Value: "What is 2+2?"}, ExpectedResponse: &types.EvaluationContentMemberText{Value: expected}}}}}}}},
		Insights: []types.Insight{{InsightId: aws.String("Builtin.FailureAnalysis")}},
		Tags:     map[string]string{"suite": "nightly"},
	})
	if err != nil {
		t.Fatalf("StartBatchEvaluation: %v", err)
	}
	id := aws.ToString(st.BatchEvaluationId)
	if st.Status != types.BatchEvaluationStatusPending && st.Status != types.BatchEvaluationStatusInProgress || !strings.HasPrefix(id, "nightly-") {
		t.Fatalf("start: %+v", st)
	}
	g := waitBatch(t, e.Data, id, types.BatchEvaluationStatusCompletedWithErrors, types.BatchEvaluationStatusCompleted, types.BatchEvaluationStatusFailed)
	r := g.EvaluationResults
	if g.Status != types.BatchEvaluationStatusCompletedWithErrors || aws.ToInt32(r.TotalNumberOfSessions) != 4 || aws.ToInt32(r.NumberOfSessionsCompleted) != 3 ||
		aws.ToInt32(r.NumberOfSessionsFailed) != 1 || aws.ToInt32(r.NumberOfSessionsInProgress) != 0 || len(r.EvaluatorSummaries) != 2 {
		t.Fatalf("results: %s %+v %v", g.Status, r, g.ErrorDetails)
	}
	for _, s := range r.EvaluatorSummaries {
		// Helpfulness and Correctness are TRACE-level: one result per trace.
		// sess-good-1 (2 traces, 1 and 1), sess-good-2 (1), sess-bad (0) are
		// scored, sess-broken's trace is an error.
		if avg := aws.ToFloat64(s.Statistics.AverageScore); aws.ToInt32(s.TotalEvaluated) != 4 || aws.ToInt32(s.TotalFailed) != 1 || avg != 0.75 {
			t.Fatalf("evaluator %s: evaluated %d failed %d average %v", aws.ToString(s.EvaluatorId), aws.ToInt32(s.TotalEvaluated), aws.ToInt32(s.TotalFailed), avg)
		}
	}
	if !strings.Contains(strings.Join(g.ErrorDetails, "|"), "Builtin.FailureAnalysis is not supported") {
		t.Fatalf("insight not reported: %v", g.ErrorDetails)
	}
	// 5 traces x 2 evaluators, the other runtime's session untouched; the
	// broken trace's calls are retried.
	sm.mu.Lock()
	users := append([]string(nil), sm.users...)
	sm.mu.Unlock()
	calls, broken, withExpected := 0, 0, 0
	for _, u := range users {
		if strings.Contains(u, "broken") {
			broken++
			continue
		}
		calls++
		if strings.Contains(u, expected) { // the ground truth reaches the judge for its turn only
			withExpected++
			if !strings.Contains(u, "Perfectly Correct") || !strings.Contains(u, "What is 2+2?") || strings.Contains(u, "And 3+3?") {
				t.Fatalf("expected response in the wrong prompt:\n%s", u)
			}
		}
	}
	if calls != 8 || broken < 2 || withExpected != 1 {
		t.Fatalf("judge calls: %d (+%d for the broken trace), %d with the expected response", calls, broken, withExpected)
	}
	// Per-session rows.
	rows := batchRows(t, e.URL, id)
	want := map[string]string{"sess-good-1": "COMPLETED/4", "sess-good-2": "COMPLETED/2", "sess-bad": "COMPLETED/2", "sess-broken": "FAILED/2"}
	got := map[string]string{}
	for _, row := range rows {
		got[row.SessionID] = fmt.Sprintf("%s/%d", row.Status, len(row.Results))
		for _, res := range row.Results {
			if len(res.TraceID) != 32 {
				t.Fatalf("TRACE-level result without its trace: %+v", res)
			}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("result rows: %v, want %v", got, want)
	}
	// Listing, another account, delete.
	ls, err := e.Data.ListBatchEvaluations(bg, &bedrockagentcore.ListBatchEvaluationsInput{})
	if err != nil || len(ls.BatchEvaluations) != 1 || aws.ToString(ls.BatchEvaluations[0].BatchEvaluationId) != id {
		t.Fatalf("ListBatchEvaluations: %+v %v", ls, err)
	}
	_, other := testenv.ClientsWith(e.URL, otherKeyID, otherSecret)
	if _, err := other.GetBatchEvaluation(bg, &bedrockagentcore.GetBatchEvaluationInput{BatchEvaluationId: aws.String(id)}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("other account Get: %v", err)
	}
	if ls, err := other.ListBatchEvaluations(bg, &bedrockagentcore.ListBatchEvaluationsInput{}); err != nil || len(ls.BatchEvaluations) != 0 {
		t.Fatalf("other account List: %+v %v", ls, err)
	}
	if _, err := other.DeleteBatchEvaluation(bg, &bedrockagentcore.DeleteBatchEvaluationInput{BatchEvaluationId: aws.String(id)}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("other account Delete: %v", err)
	}
	if d, err := e.Data.DeleteBatchEvaluation(bg, &bedrockagentcore.DeleteBatchEvaluationInput{BatchEvaluationId: aws.String(id)}); err != nil || d.Status != types.BatchEvaluationStatusDeleting {
		t.Fatalf("DeleteBatchEvaluation: %+v %v", d, err)
	}
	if _, err := e.Data.GetBatchEvaluation(bg, &bedrockagentcore.GetBatchEvaluationInput{BatchEvaluationId: aws.String(id)}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("deleted batch: %v", err)
	}
}

type batchRow struct {
	SessionID, Status, Error string
	Results                  []struct{ EvaluatorID, TraceID, ErrorCode string }
}

func batchRows(t *testing.T, url, id string) []batchRow {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/_agentcore/batch-evaluations/"+id+"/results", nil)
	testenv.Sign(req, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct{ Results []batchRow }
	if resp.StatusCode != 200 || json.Unmarshal(b, &out) != nil {
		t.Fatalf("results: %d %s", resp.StatusCode, b)
	}
	return out.Results
}

func TestEvaluationBatchStopDeleteAndBadInput(t *testing.T) {
	sm := judge(t, 300*time.Millisecond)
	e := evalServer(t, sm, 1)
	now := time.Now().Add(-time.Minute)
	var sessions []string
	for i := range 6 {
		s := fmt.Sprintf("slow-%d", i)
		sessions = append(sessions, s)
		postTurn(t, e.URL, evalRuntimeARN, s, byte(0x60+i), now, "q", "good-answer")
	}
	sessions = append(sessions, "never-seen")
	start := func(name string, src types.DataSourceConfig, evaluators ...string) (*bedrockagentcore.StartBatchEvaluationOutput, error) {
		in := &bedrockagentcore.StartBatchEvaluationInput{BatchEvaluationName: aws.String(name), DataSourceConfig: src}
		for _, ev := range evaluators {
			in.Evaluators = append(in.Evaluators, types.Evaluator{EvaluatorId: aws.String(ev)})
		}
		return e.Data.StartBatchEvaluation(bg, in)
	}
	st, err := start("slow", cwSource(nil, sessions, nil, nil), "Builtin.Helpfulness")
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(st.BatchEvaluationId)
	waitBatch(t, e.Data, id, types.BatchEvaluationStatusInProgress)
	if _, err := e.Data.DeleteBatchEvaluation(bg, &bedrockagentcore.DeleteBatchEvaluationInput{BatchEvaluationId: aws.String(id)}); apiCode(err) != "ConflictException" {
		t.Fatalf("delete while running: %v", err)
	}
	sp, err := e.Data.StopBatchEvaluation(bg, &bedrockagentcore.StopBatchEvaluationInput{BatchEvaluationId: aws.String(id)})
	if err != nil || sp.Status != types.BatchEvaluationStatusStopping {
		t.Fatalf("StopBatchEvaluation: %+v %v", sp, err)
	}
	g := waitBatch(t, e.Data, id, types.BatchEvaluationStatusStopped)
	if n := aws.ToInt32(g.EvaluationResults.NumberOfSessionsCompleted); n >= 6 {
		t.Fatalf("stopped batch completed every session: %+v", g.EvaluationResults)
	}
	if _, err := e.Data.StopBatchEvaluation(bg, &bedrockagentcore.StopBatchEvaluationInput{BatchEvaluationId: aws.String(id)}); apiCode(err) != "ConflictException" {
		t.Fatalf("stop a stopped batch: %v", err)
	}
	if _, err := e.Data.DeleteBatchEvaluation(bg, &bedrockagentcore.DeleteBatchEvaluationInput{BatchEvaluationId: aws.String(id)}); err != nil {
		t.Fatalf("delete stopped batch: %v", err)
	}
	// A session without spans is ignored, not failed.
	sm.set(func(_, user string) (int, string) { return 200, `{"explanation": "fine", "label": "Neutral/Mixed"}` }) // Helpfulness 0.5
	st, err = start("ignored", cwSource(nil, []string{"slow-0", "never-seen"}, nil, nil), "Builtin.Helpfulness")
	if err != nil {
		t.Fatal(err)
	}
	g = waitBatch(t, e.Data, aws.ToString(st.BatchEvaluationId), types.BatchEvaluationStatusCompleted)
	if r := g.EvaluationResults; aws.ToInt32(r.NumberOfSessionsIgnored) != 1 || aws.ToInt32(r.NumberOfSessionsCompleted) != 1 || aws.ToFloat64(r.EvaluatorSummaries[0].Statistics.AverageScore) != 0.5 {
		t.Fatalf("ignored: %+v", r)
	}
	// Bad input.
	for what, err := range map[string]error{
		"bad name":         second(start("has-dash", cwSource(nil, sessions, nil, nil), "Builtin.Helpfulness")),
		"no evaluators":    second(start("noeval", cwSource(nil, sessions, nil, nil))),
		"bad log group":    second(start("badgroup", cwSource([]string{"/aws/lambda/foo"}, nil, nil, nil), "Builtin.Helpfulness")),
		"online source":    second(start("online", &types.DataSourceConfigMemberOnlineEvaluationConfigSource{Value: types.OnlineEvaluationConfigSource{OnlineEvaluationConfigArn: aws.String("arn:aws:bedrock-agentcore:us-east-1:123456789012:online-evaluation-config/x")}}, "Builtin.Helpfulness")),
		"backwards window": second(start("window", cwSource(nil, sessions, aws.Time(now), aws.Time(now.Add(-time.Hour))), "Builtin.Helpfulness")),
	} {
		if apiCode(err) != "ValidationException" {
			t.Errorf("%s: want ValidationException, got %v", what, err)
		}
	}
	if _, err := start("unknown", cwSource(nil, sessions, nil, nil), "NoSuchEvaluator-0123456789"); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("unknown evaluator: %v", err)
	}
	if _, err := e.Data.GetBatchEvaluation(bg, &bedrockagentcore.GetBatchEvaluationInput{BatchEvaluationId: aws.String("nosuch-0123456789")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("unknown batch: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

// TestEvaluationBatchRestartMarksFailed: a batch running when the server
// stops is FAILED with an error detail after the next start.
func TestEvaluationBatchRestartMarksFailed(t *testing.T) {
	sm := judge(t, 2*time.Second)
	e := evalServer(t, sm, 1)
	now := time.Now().Add(-time.Minute)
	postTurn(t, e.URL, evalRuntimeARN, "restart-1", 0x71, now, "q", "good-answer")
	postTurn(t, e.URL, evalRuntimeARN, "restart-2", 0x72, now, "q", "good-answer")
	st, err := e.Data.StartBatchEvaluation(bg, &bedrockagentcore.StartBatchEvaluationInput{BatchEvaluationName: aws.String("interrupted"),
		DataSourceConfig: cwSource(nil, []string{"restart-1", "restart-2"}, nil, nil), Evaluators: []types.Evaluator{{EvaluatorId: aws.String("Builtin.Helpfulness")}}})
	if err != nil {
		t.Fatal(err)
	}
	waitBatch(t, e.Data, aws.ToString(st.BatchEvaluationId), types.BatchEvaluationStatusInProgress)
	cfg := e.Config
	e.Stop()
	cfg.Listen = ""
	e2 := testenv.Start(t, cfg)
	g := waitBatch(t, e2.Data, aws.ToString(st.BatchEvaluationId), types.BatchEvaluationStatusFailed)
	if !strings.Contains(strings.Join(g.ErrorDetails, "|"), "not resumed") {
		t.Fatalf("errorDetails: %v", g.ErrorDetails)
	}
}
