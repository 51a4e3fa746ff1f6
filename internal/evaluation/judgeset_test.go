package evaluation_test

import (
	"os"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/model/openai"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
)

// TestTrajectoryJudgeset: the deterministic trajectory evaluators are
// exact on the labelled set (testdata/judgeset/trajectory.json), run
// through Evaluate on Strands-style spans.
func TestTrajectoryJudgeset(t *testing.T) {
	var cases []struct {
		ID       string   `json:"id"`
		Actual   []string `json:"actual"`
		Expected []string `json:"expected"`
		Exact    bool     `json:"exact"`
		InOrder  bool     `json:"inOrder"`
		AnyOrder bool     `json:"anyOrder"`
	}
	readJSON(t, "judgeset/trajectory.json", &cases)
	svc := evaluation.New(evaluation.Options{})
	for _, c := range cases {
		tr := turn{User: "do it", Response: "done"}
		for _, n := range c.Actual {
			tr.Calls = append(tr.Calls, call{Name: n, Args: map[string]any{}, Result: "ok"})
		}
		docs := strandsDocs("s-"+c.ID, []turn{tr})
		for id, want := range map[string]bool{"Builtin.TrajectoryExactOrderMatch": c.Exact, "Builtin.TrajectoryInOrderMatch": c.InOrder, "Builtin.TrajectoryAnyOrderMatch": c.AnyOrder} {
			res, err := svc.Evaluate(acct(), evaluation.EvaluateInput{EvaluatorID: id, Documents: docs,
				References: []evaluation.Reference{{SessionID: "s-" + c.ID, ExpectedTrajectory: append([]string{}, c.Expected...)}}})
			if err != nil {
				t.Fatalf("%s %s: %v", c.ID, id, err)
			}
			got := *res[0].Value == 1
			if got != want || res[0].Explanation == "" {
				t.Errorf("%s %s: actual %v expected %v: got %v (%s), want %v", c.ID, id, c.Actual, c.Expected, got, res[0].Explanation, want)
			}
		}
	}
}

type llmCase struct {
	ID       string   `json:"id"`
	Tools    []string `json:"tools"`
	User     string   `json:"user"`
	Calls    []call   `json:"calls"`
	Expected *string  `json:"expected"`
	Good     string   `json:"good"`
	Bad      string   `json:"bad"`
}

type toolCase struct {
	ID    string   `json:"id"`
	Tools []string `json:"tools"`
	User  string   `json:"user"`
	Good  call     `json:"good"`
	Bad   call     `json:"bad"`
}

// TestJudgeQuality runs the built-in prompts of Helpfulness, Correctness
// and ToolSelectionAccuracy against a real OpenAI-compatible model on the
// labelled set (testdata/judgeset): every good answer must score above its
// bad twin. Set AGENTCORE_TEST_JUDGE_ENDPOINT (base URL with /v1) and
// AGENTCORE_TEST_JUDGE_MODEL (and AGENTCORE_TEST_JUDGE_API_KEY if needed).
func TestJudgeQuality(t *testing.T) {
	endpoint, modelName := os.Getenv("AGENTCORE_TEST_JUDGE_ENDPOINT"), os.Getenv("AGENTCORE_TEST_JUDGE_MODEL")
	if endpoint == "" || modelName == "" {
		t.Skip("no judge model: set AGENTCORE_TEST_JUDGE_ENDPOINT (OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1) and AGENTCORE_TEST_JUDGE_MODEL to run the built-in prompts against a real model")
	}
	kv, err := sqlite.Open(acct(), t.TempDir()+"/db")
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	svc := evaluation.New(evaluation.Options{KV: kv, Model: openai.New(endpoint, os.Getenv("AGENTCORE_TEST_JUDGE_API_KEY"), modelName), BuiltinModel: modelName})
	score := func(id string, docs []map[string]any, refs []evaluation.Reference, spanIndex int) float64 {
		t.Helper()
		in := evaluation.EvaluateInput{EvaluatorID: id, Documents: docs, References: refs}
		res, err := svc.Evaluate(acct(), in)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		r := res[spanIndex]
		if r.Value == nil {
			t.Fatalf("%s: no score: %s %s", id, r.ErrorCode, r.ErrorMessage)
		}
		t.Logf("%s: %s (%.2f): %s", id, r.Label, *r.Value, r.Explanation)
		return *r.Value
	}
	for _, set := range []struct{ file, evaluator string }{{"judgeset/helpfulness.json", "Builtin.Helpfulness"}, {"judgeset/correctness.json", "Builtin.Correctness"}} {
		var cases []llmCase
		readJSON(t, set.file, &cases)
		for _, c := range cases {
			one := func(resp string) float64 {
				docs := strandsDocs("s-"+c.ID, []turn{{User: c.User, Tools: c.Tools, Calls: c.Calls, Response: resp}})
				var refs []evaluation.Reference
				if c.Expected != nil {
					refs = []evaluation.Reference{{SessionID: "s-" + c.ID, TraceID: docs[len(docs)-1]["traceId"].(string), ExpectedResponse: c.Expected}}
				}
				return score(set.evaluator, docs, refs, 0)
			}
			if g, b := one(c.Good), one(c.Bad); g <= b {
				t.Errorf("%s %s: good scored %.2f, bad %.2f", set.evaluator, c.ID, g, b)
			}
		}
	}
	var tcs []toolCase
	readJSON(t, "judgeset/tool_selection.json", &tcs)
	for _, c := range tcs {
		one := func(cl call) float64 {
			cl.Result = "(result)"
			docs := strandsDocs("s-"+c.ID, []turn{{User: c.User, Tools: c.Tools, Calls: []call{cl}, Response: "Here you go."}})
			return score("Builtin.ToolSelectionAccuracy", docs, nil, 0)
		}
		if g, b := one(c.Good), one(c.Bad); g <= b {
			t.Errorf("ToolSelectionAccuracy %s: good call scored %.2f, bad %.2f", c.ID, g, b)
		}
	}
}
