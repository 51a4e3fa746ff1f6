package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestClientsEvaluationRun is the on-demand evaluation of a hosted session
// through the unmodified bedrock-agentcore SDK: it deploys
// testdata/strandsagent (Strands-like gen_ai spans and event log records,
// OpenTelemetry configured by the platform's environment only), invokes it
// twice in one session, and runs tests/python/test_evaluation_run.py, whose
// EvaluationClient.run() collects the session from the CloudWatch Logs subset
// (aws/spans and /aws/bedrock-agentcore/runtimes/<id>-DEFAULT, boto3 `logs`
// with AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) and evaluates it with the scripted judge.
func TestClientsEvaluationRun(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the pip install of bedrock-agentcore and opentelemetry-sdk")
	}
	py := pythonWith(t, "bedrock_agentcore.evaluation, boto3, pytest")
	t.Parallel()
	prompts := make(chan string, 256)
	judge := scriptedJudge(t, prompts)
	cfg := testenv.Fast()
	cfg.ModelEndpoint, cfg.Model = judge.URL+"/v1", "judge"
	e := testenv.Start(t, cfg)
	zip := testenv.ZipDir(t, filepath.Join(testenv.RepoRoot(), "internal", "e2e", "testdata", "strandsagent"))
	rt := deployCode(t, e, "strandsagent", zip, ctltypes.AgentManagedRuntimeTypePython311, "agent.py", 5*time.Minute)

	session := "eval-run-session-" + strings.Repeat("0", 24)
	var traces, toolSpans []string
	for _, tools := range [][]string{{"calculator"}, {"calculator", "format_answer"}} {
		_, body, err := e.Invoke(context.Background(), *rt.AgentRuntimeArn, session, map[string]any{"prompt": "what is 6*7?", "tools": tools}, "")
		var out map[string]any
		if err == nil {
			err = json.Unmarshal(body, &out)
		}
		if err != nil {
			t.Fatalf("invoke: %v %s\nsession logs: %s", err, body, sessionLogs(e, session))
		}
		tid, _ := out["traceId"].(string)
		ids, _ := out["toolSpanIds"].([]any)
		if len(tid) != 32 || len(ids) != len(tools) {
			t.Fatalf("agent answer %v", out)
		}
		traces = append(traces, tid)
		for _, id := range ids {
			toolSpans = append(toolSpans, id.(string))
		}
	}
	// A second session of the same runtime, which the queries must not mix in.
	other := "eval-run-other-session-" + strings.Repeat("1", 20)
	if _, body, err := e.Invoke(context.Background(), *rt.AgentRuntimeArn, other, map[string]any{"prompt": "hi"}, ""); err != nil {
		t.Fatalf("invoke: %v %s\nsession logs: %s", err, body, sessionLogs(e, other))
	}

	// The platform's InvokeAgentRuntime span ends after the answer has been
	// relayed: wait until both traces have theirs stored before querying.
	waitPlatformSpans(t, e, session, len(traces))

	want, _ := json.Marshal(map[string]any{"agentId": *rt.AgentRuntimeId, "sessionId": session, "traceIds": traces, "toolSpanIds": toolSpans})
	env := append(clientEnv(e.URL), "AGENTCORE_TEST_EVAL_RUN="+string(want))
	runSuite(t, env, 4*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python/test_evaluation_run.py")

	// The judge saw the conversation that only the runtime log group's event
	// records carry (the tool result text is in no span attribute).
	seen := false
	for len(prompts) > 0 {
		seen = strings.Contains(<-prompts, "forty-two (42)") || seen
	}
	if !seen {
		t.Error("no judge prompt contains the tool result from the event log records")
	}
}

// sessionLogs reads a session's stored log lines, for failure messages.
func sessionLogs(e *testenv.Env, session string) string {
	resp, err := http.Get(e.URL + "/_agentcore/observability/logs?limit=200&sessionId=" + session)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 8000))
	return string(b)
}

// waitPlatformSpans waits until n InvokeAgentRuntime spans of the session
// are stored (read from /_agentcore/observability/spans, unsigned from
// loopback).
func waitPlatformSpans(t *testing.T, e *testenv.Env, session string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := 0
		resp, err := http.Get(e.URL + "/_agentcore/observability/spans?limit=1000&sessionId=" + session)
		if err == nil {
			var out struct{ Spans []struct{ Name string } }
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			for _, s := range out.Spans {
				if s.Name == "InvokeAgentRuntime" {
					got++
				}
			}
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d InvokeAgentRuntime spans of session %s stored after 20 s (%v)", got, n, session, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
