package evaluation

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/evaluation/spans"
)

// Request bounds.
const (
	MaxDocuments   = 20000 // session span documents per request
	MaxAutoTargets = 100   // traces or tool spans evaluated when no target is given
)

// target is one thing to score: the session, a trace, or a tool call.
type target struct {
	trace int // index in the session's traces; -1 for the session
	tool  int // index in that trace's tool calls; -1 unless TOOL_CALL
}

// Evaluate scores the session documents with one evaluator: SESSION level →
// one result for the session; TRACE → one per target trace (all traces when
// no target); TOOL_CALL → one per target tool span (all tool spans, of the
// target traces if traceIds are given, when no span is targeted).
// Request-level problems are typed errors; judge failures are per-result
// errors (ErrorCode, ErrorMessage, no Value).
func (s *Service) Evaluate(ctx context.Context, in EvaluateInput) ([]Result, error) {
	ev, err := s.Evaluator(ctx, in.EvaluatorID)
	if err != nil {
		return nil, err
	}
	if err := checkTargets(ev, in); err != nil {
		return nil, err
	}
	sess := in.parsed
	if sess == nil {
		if sess, err = spans.Parse(in.Documents); err != nil {
			if errs.KindOf(err) != errs.Invalid {
				return nil, errs.Field("evaluationInput.sessionSpans", "the session spans cannot be read: %v", err)
			}
			return nil, err
		}
	}
	if err := checkReferences(sess, in.References); err != nil {
		return nil, err
	}
	targets, err := selectTargets(ev, sess, in)
	if err != nil {
		return nil, err
	}
	sessionID := sess.ID
	if sessionID == "" && len(in.References) > 0 {
		sessionID = in.References[0].SessionID
	}
	var expected []string
	if ev.Deterministic != nil {
		for _, r := range in.References {
			if r.ExpectedTrajectory != nil && r.TraceID == "" {
				expected = r.ExpectedTrajectory
			}
		}
		if expected == nil {
			return nil, errs.Field("evaluationReferenceInputs", "%s compares the session's tool calls with an expected trajectory: "+
				"give evaluationReferenceInputs[].expectedTrajectory.toolNames in a session-level entry (context.spanContext with sessionId only)", ev.ID)
		}
	}
	out := make([]Result, len(targets))
	var wg sync.WaitGroup
	for i, tg := range targets {
		r := &out[i]
		*r = Result{SessionID: sessionID, EvaluatorID: ev.ID, EvaluatorARN: ev.ARN, EvaluatorName: ev.Name, DimensionName: strings.TrimPrefix(ev.Name, "Builtin.")}
		if tg.trace >= 0 {
			r.TraceID = sess.Traces[tg.trace].ID
		}
		if tg.tool >= 0 {
			r.SpanID = sess.Traces[tg.trace].ToolCalls[tg.tool].SpanID
		}
		refs := applicable(in.References, r.TraceID, r.SpanID)
		if ev.Deterministic != nil {
			ok, why := ev.Deterministic(trajectory(sess), expected)
			en := trajectoryScale.Numerical[0]
			if ok {
				en = trajectoryScale.Numerical[1]
			}
			r.Value, r.Label, r.Explanation = en.Value, en.Label, why
			r.IgnoredReferenceFields = ignored(refs, []string{PhExpectedTrajectory})
			continue
		}
		if tg.trace >= 0 && tg.tool < 0 && emptyTurn(sess.Traces[tg.trace]) {
			// e.g. a trace of only the platform's own spans (InvokeAgentRuntime,
			// sandbox.start) when the agent started a trace of its own: no
			// conversation to judge, so no judge call and no made-up score.
			r.ErrorCode, r.ErrorMessage = ErrCodeNoAgentActivity, "trace "+r.TraceID+" has no agent activity to evaluate (no user input, answer or tool call in its spans)"
			continue
		}
		used := usedPlaceholders(ev.Instructions)
		r.IgnoredReferenceFields = ignored(refs, used)
		req := s.judgeRequest(ev, render(ev.Instructions, values(sess, tg, refs, used)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			jc := s.judge(ctx, ev, req)
			r.InputTokens, r.OutputTokens, r.TotalTokens = jc.in, jc.out, jc.in+jc.out
			if jc.ans == nil {
				r.ErrorCode, r.ErrorMessage = jc.errCode, jc.errMessage
				return
			}
			r.Value, r.Label, r.Explanation = jc.ans.value, jc.ans.label, jc.ans.explanation
		}()
	}
	wg.Wait()
	return out, nil
}

func checkTargets(ev *Evaluator, in EvaluateInput) error {
	const field = "evaluationTarget"
	switch {
	case len(in.Documents) == 0:
		return errs.Field("evaluationInput.sessionSpans", "sessionSpans must hold at least one span document")
	case len(in.Documents) > MaxDocuments:
		return errs.Field("evaluationInput.sessionSpans", "sessionSpans holds %d documents; at most %d are accepted", len(in.Documents), MaxDocuments)
	case len(in.TraceIDs) > 0 && len(in.SpanIDs) > 0:
		return errs.Field(field, "evaluationTarget takes traceIds or spanIds, not both")
	case len(in.TraceIDs) > MaxTargets || len(in.SpanIDs) > MaxTargets:
		return errs.Field(field, "evaluationTarget names %d ids; at most %d are accepted per request (split the targets over several requests)",
			max(len(in.TraceIDs), len(in.SpanIDs)), MaxTargets)
	case ev.Level == LevelSession && (len(in.TraceIDs) > 0 || len(in.SpanIDs) > 0):
		return errs.Field(field, "%s is a SESSION-level evaluator: it scores the whole session and takes no evaluationTarget", ev.ID)
	case ev.Level == LevelTrace && len(in.SpanIDs) > 0:
		return errs.Field(field, "%s is a TRACE-level evaluator: target traces with traceIds, not spanIds", ev.ID)
	}
	return nil
}

func checkReferences(sess *spans.Session, refs []Reference) error {
	for i, r := range refs {
		switch {
		case r.SessionID == "":
			return errs.Field("evaluationReferenceInputs", "evaluationReferenceInputs[%d].context.spanContext.sessionId is required", i)
		case sess.ID != "" && r.SessionID != sess.ID:
			return errs.Field("evaluationReferenceInputs", "evaluationReferenceInputs[%d] names session %s but the spans are of session %s", i, r.SessionID, sess.ID)
		case r.TraceID != "" && !slices.ContainsFunc(sess.Traces, func(t spans.Trace) bool { return t.ID == r.TraceID }):
			return errs.Field("evaluationReferenceInputs", "evaluationReferenceInputs[%d] names trace %s which is not in the session spans", i, r.TraceID)
		}
	}
	return nil
}

// selectTargets resolves the request's targets against the session.
func selectTargets(ev *Evaluator, sess *spans.Session, in EvaluateInput) ([]target, error) {
	traceIdx := map[string]int{}
	for i, t := range sess.Traces {
		traceIdx[t.ID] = i
	}
	var traces []int
	var unknown []string
	for _, id := range dedupe(in.TraceIDs) {
		if i, ok := traceIdx[id]; ok {
			traces = append(traces, i)
		} else {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		return nil, errs.Field("evaluationTarget.traceIds", "traces %s are not in the session spans", strings.Join(unknown, ", "))
	}
	switch ev.Level {
	case LevelSession:
		return []target{{trace: -1, tool: -1}}, nil
	case LevelTrace:
		if len(traces) == 0 {
			for i := range sess.Traces {
				traces = append(traces, i)
			}
		}
		if len(traces) > MaxAutoTargets {
			return nil, errs.Field("evaluationTarget", "the session has %d traces; name at most %d in evaluationTarget.traceIds per request", len(traces), MaxTargets)
		}
		out := make([]target, len(traces))
		for i, t := range traces {
			out[i] = target{trace: t, tool: -1}
		}
		return out, nil
	}
	var out []target
	if len(in.SpanIDs) > 0 {
		for _, id := range dedupe(in.SpanIDs) {
			tg, ok := findTool(sess, id)
			if !ok {
				unknown = append(unknown, id)
				continue
			}
			out = append(out, tg)
		}
		if len(unknown) > 0 {
			return nil, errs.Field("evaluationTarget.spanIds", "spans %s are not tool-call spans of the session spans (a TOOL_CALL evaluator targets spans of executed tools)", strings.Join(unknown, ", "))
		}
		return out, nil
	}
	if len(traces) == 0 {
		for i := range sess.Traces {
			traces = append(traces, i)
		}
	}
	for _, t := range traces {
		for j := range sess.Traces[t].ToolCalls {
			out = append(out, target{trace: t, tool: j})
		}
	}
	if len(out) == 0 {
		return nil, errs.Field("evaluationInput.sessionSpans", "%s is a TOOL_CALL-level evaluator but the session spans hold no tool call", ev.ID)
	}
	if len(out) > MaxAutoTargets {
		return nil, errs.Field("evaluationTarget", "the session has %d tool calls; name at most %d in evaluationTarget.spanIds per request", len(out), MaxTargets)
	}
	return out, nil
}

func findTool(sess *spans.Session, spanID string) (target, bool) {
	for i, t := range sess.Traces {
		for j, c := range t.ToolCalls {
			if c.SpanID == spanID {
				return target{trace: i, tool: j}, true
			}
		}
	}
	return target{}, false
}

func dedupe(ids []string) []string {
	var out []string
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// applicable are the references of a result: session-level ones, and those
// of its trace (and span).
func applicable(refs []Reference, traceID, spanID string) []Reference {
	var out []Reference
	for _, r := range refs {
		if (r.TraceID == "" || traceID == "" || r.TraceID == traceID) && (r.SpanID == "" || spanID == "" || r.SpanID == spanID) {
			out = append(out, r)
		}
	}
	return out
}

// ignored lists the reference fields given for a result that the
// evaluator does not use (by placeholder).
func ignored(refs []Reference, used []string) []string {
	var out []string
	add := func(given bool, ph, field string) {
		if given && !slices.Contains(used, ph) && !slices.Contains(out, field) {
			out = append(out, field)
		}
	}
	for _, r := range refs {
		add(len(r.Assertions) > 0, PhAssertions, "assertions")
		add(r.ExpectedResponse != nil, PhExpectedResponse, "expectedResponse")
		add(r.ExpectedTrajectory != nil, PhExpectedTrajectory, "expectedTrajectory")
	}
	return out
}

// trajectory is the session's tool names in call order.
func trajectory(sess *spans.Session) []string {
	var out []string
	for _, t := range sess.Traces {
		for _, c := range t.ToolCalls {
			out = append(out, c.Name)
		}
	}
	return out
}

// ErrCodeNoAgentActivity is the result error of a trace with nothing of the
// agent's in it.
const ErrCodeNoAgentActivity = "NoAgentActivity"

func emptyTurn(t spans.Trace) bool {
	return strings.TrimSpace(t.Input) == "" && strings.TrimSpace(t.Output) == "" && len(t.ToolCalls) == 0
}
