package evaluation_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/observability"
)

// TestOnlineRunnerEvaluatesEachSessionOnce: idle sessions are evaluated once
// per evaluator (per trace at TRACE level), results are listed per session
// and written into the session's traces; a second pass and a second replica
// take nothing; busy sessions wait for the idle time.
func TestOnlineRunnerEvaluatesEachSessionOnce(t *testing.T) {
	e := newEnv(t)
	c := e.config(t, e.online, true, 100, "Builtin.Helpfulness", "Builtin.GoalSuccessRate")
	for i := range 4 {
		e.storeSession(t, fmt.Sprintf("session-%02d-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", i), 2, 200, e.clock.at(time.Second), nil)
	}
	if n, err := e.online.RunOnce(context.Background()); err != nil || n != 0 {
		t.Fatalf("pass before idle: took %d, %v; want 0", n, err)
	}
	e.clock.Add(2 * time.Minute)
	var wg sync.WaitGroup
	taken := make([]int, 2)
	for i, o := range []*evaluation.Online{e.online, e.new()} { // two replicas at once
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := o.RunOnce(context.Background())
			if err != nil {
				t.Error(err)
			}
			taken[i] = n
		}()
	}
	wg.Wait()
	if taken[0]+taken[1] != 4 {
		t.Fatalf("replicas took %v sessions; want 4 in all", taken)
	}
	if n, _ := e.online.RunOnce(context.Background()); n != 0 {
		t.Fatalf("second pass took %d sessions; want 0", n)
	}
	for i := range 4 {
		sid := fmt.Sprintf("session-%02d-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", i)
		res, err := e.online.Results(tctx, sid)
		if err != nil {
			t.Fatal(err)
		}
		per := map[string]int{}
		for _, r := range res {
			per[r.EvaluatorID]++
			if r.ConfigID != c.ID || r.Value == nil || *r.Value != 1 || r.Label == "" {
				t.Errorf("result %+v", r)
			}
		}
		if per["Builtin.Helpfulness"] != 2 || per["Builtin.GoalSuccessRate"] != 1 {
			t.Errorf("%s: results per evaluator %v; want 2 trace-level, 1 session-level", sid, per)
		}
		spans, _, err := e.obs.Spans(context.Background(), observability.Filter{Account: testAcct, SessionID: sid})
		if err != nil {
			t.Fatal(err)
		}
		evals := 0
		for _, sp := range spans {
			if sp.Attributes[evaluation.AttrEvalName] != nil {
				evals++
				if sp.Attributes[evaluation.AttrOnlineConfigID] != c.ID || sp.Attributes[evaluation.AttrEvalScore] != 1.0 ||
					sp.Attributes["session.id"] != sid || sp.ParentSpanID == "" || sp.RuntimeARN != rtARN {
					t.Errorf("result span %+v", sp)
				}
			}
		}
		if evals != 3 {
			t.Errorf("%s: %d result spans; want 3", sid, evals)
		}
	}
}

// TestOnlineRunnerDisabledSampledFiltered: a DISABLED config, 0 % sampling
// and a filter no span matches evaluate nothing; enabling by Update does.
func TestOnlineRunnerDisabledSampledFiltered(t *testing.T) {
	e := newEnv(t)
	off := e.config(t, e.online, false, 100, "Builtin.Helpfulness")
	e.storeSession(t, "session-disabled-aaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1, 100, e.clock.at(time.Second), map[string]any{"user.tier": "gold"})
	e.clock.Add(2 * time.Minute)
	if n, _ := e.online.RunOnce(context.Background()); n != 0 || e.judge.calls.Load() != 0 {
		t.Fatalf("disabled config took %d sessions, %d judge calls", n, e.judge.calls.Load())
	}
	if _, err := e.online.UpdateConfig(tctx, off.ID, evaluation.OnlineInput{Rule: &evaluation.Rule{SamplingPercentage: 0, SessionTimeoutMinutes: 1}, ExecutionStatus: ptr("ENABLED")}); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.online.RunOnce(context.Background()); n != 0 {
		t.Fatalf("0%% sampling took %d sessions", n)
	}
	silver := "silver"
	if _, err := e.online.UpdateConfig(tctx, off.ID, evaluation.OnlineInput{Rule: &evaluation.Rule{SamplingPercentage: 100, SessionTimeoutMinutes: 1,
		Filters: []evaluation.Filter{{Key: "user.tier", Operator: "Equals", Value: evaluation.FilterValue{String: &silver}}}}}); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.online.RunOnce(context.Background()); n != 1 || e.judge.calls.Load() != 0 {
		t.Fatalf("filtered session: took %d, judge calls %d; want taken (skipped), 0 calls", n, e.judge.calls.Load())
	}
	gold := "gold"
	_, err := e.online.CreateConfig(tctx, evaluation.OnlineInput{Name: "gold_only", RoleArn: ptr("arn:aws:iam::" + testAcct + ":role/eval"),
		Rule: &evaluation.Rule{SamplingPercentage: 100, SessionTimeoutMinutes: 1,
			Filters: []evaluation.Filter{{Key: "user.tier", Operator: "Equals", Value: evaluation.FilterValue{String: &gold}}}},
		DataSource: &evaluation.DataSource{LogGroupNames: []string{logGroup}, ServiceNames: []string{"agent.DEFAULT"}},
		Evaluators: []string{"Builtin.Helpfulness"}, Enable: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := e.online.RunOnce(context.Background()); n != 0 {
		t.Fatalf("a config created after the session took %d sessions; want 0", n)
	}
}

// TestOnlineConfigValidation: unknown runtimes and evaluators, bad rules.
func TestOnlineConfigValidation(t *testing.T) {
	e := newEnv(t)
	base := func() evaluation.OnlineInput {
		return evaluation.OnlineInput{Name: "v", RoleArn: ptr("arn:aws:iam::" + testAcct + ":role/eval"),
			Rule:       &evaluation.Rule{SamplingPercentage: 50},
			DataSource: &evaluation.DataSource{LogGroupNames: []string{logGroup}, ServiceNames: []string{"agent.DEFAULT"}},
			Evaluators: []string{"Builtin.Helpfulness"}, Enable: ptr(true)}
	}
	cases := map[string]func(*evaluation.OnlineInput){
		"unknown runtime": func(in *evaluation.OnlineInput) {
			in.DataSource.LogGroupNames = []string{"/aws/bedrock-agentcore/runtimes/other-AbCdEfGhIj-DEFAULT"}
		},
		"unknown endpoint": func(in *evaluation.OnlineInput) {
			in.DataSource.LogGroupNames = []string{"/aws/bedrock-agentcore/runtimes/" + runtimeID + "-prod"}
		},
		"not a log group":   func(in *evaluation.OnlineInput) { in.DataSource.LogGroupNames = []string{"/var/log/x"} },
		"unknown evaluator": func(in *evaluation.OnlineInput) { in.Evaluators = []string{"Builtin.Nope"} },
		"no evaluator":      func(in *evaluation.OnlineInput) { in.Evaluators = nil },
		"sampling > 100":    func(in *evaluation.OnlineInput) { in.Rule.SamplingPercentage = 101 },
		"bad operator": func(in *evaluation.OnlineInput) {
			in.Rule.Filters = []evaluation.Filter{{Key: "k", Operator: "Like", Value: evaluation.FilterValue{String: ptr("x")}}}
		},
		"two values": func(in *evaluation.OnlineInput) {
			in.Rule.Filters = []evaluation.Filter{{Key: "k", Operator: "Equals", Value: evaluation.FilterValue{String: ptr("x"), Bool: ptr(true)}}}
		},
		"no role":  func(in *evaluation.OnlineInput) { in.RoleArn = nil },
		"bad role": func(in *evaluation.OnlineInput) { in.RoleArn = ptr("role") },
		"bad name": func(in *evaluation.OnlineInput) { in.Name = "1x" },
	}
	for name, mut := range cases {
		in := base()
		mut(&in)
		if _, err := e.online.CreateConfig(tctx, in); errs.KindOf(err) != errs.Invalid {
			t.Errorf("%s: err %v; want a validation error", name, err)
		}
	}
	c, err := e.online.CreateConfig(tctx, base())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.online.CreateConfig(tctx, base()); errs.KindOf(err) != errs.Conflict {
		t.Errorf("same name again: %v; want a conflict", err)
	}
	if c.Output.LogGroupName != "/aws/bedrock-agentcore/evaluations/results/"+c.ID || c.Targets[0].RuntimeARN != rtARN {
		t.Errorf("config %+v", c)
	}
	if _, err := e.online.DeleteConfig(tctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.online.GetConfig(tctx, c.ID); errs.KindOf(err) != errs.NotFound {
		t.Errorf("get after delete: %v", err)
	}
}

func TestSampledIsDeterministic(t *testing.T) {
	in := 0
	for i := range 10000 {
		if evaluation.Sampled(fmt.Sprintf("s-%d", i), 25) {
			in++
		}
		if evaluation.Sampled(fmt.Sprintf("s-%d", i), 25) != evaluation.Sampled(fmt.Sprintf("s-%d", i), 25) {
			t.Fatal("not deterministic")
		}
	}
	if in < 2200 || in > 2800 {
		t.Errorf("25%% sampling took %d of 10000", in)
	}
}
