package evaluation

import (
	"context"
	"slices"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/evaluation/spans"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// evaluateSession fetches one session's documents and runs every evaluator
// of the batch on them at the evaluator's level (evaluateAtLevel: one
// result per session, per trace or per tool call). No spans: IGNORED. An
// evaluator's request-level error (or the fetch's) makes the session
// FAILED, as does every result being an error; the error is kept as a
// result of that evaluator (ErrCodeEvaluateFailed) so that its summary
// counts it. nil when the run was stopped before the session was done.
func (b *Batches) evaluateSession(ctx context.Context, t tenant.Tenant, bt *Batch, sid string, meta SessionMetadata) *BatchResultRow {
	row := &BatchResultRow{SessionID: sid, Status: "COMPLETED"}
	docs, err := b.o.Sessions.SessionDocuments(ctx, t.Account, sid, bt.Selection.From, bt.Selection.To)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		row.Status, row.Error = "FAILED", "reading the session's spans: "+err.Error()
		return row
	}
	docs = AgentDocuments(docs) // not the platform's spans, not earlier results
	sess, err := spans.Parse(docs)
	if err != nil {
		row.Status, row.Error = "IGNORED", "no spans of this session were found in the selected time range"
		return row
	}
	refs := references(meta, sess.Traces)
	if only := bt.Selection.TraceIDs[sid]; len(only) > 0 {
		docs = onlyTraces(docs, only)
		sess = nil // parsed again from the selected traces
		refs = slices.DeleteFunc(refs, func(r Reference) bool { return r.TraceID != "" && !slices.Contains(only, r.TraceID) })
	}
	idx := indexDocs(docs)
	if len(idx.traces) == 0 {
		row.Status, row.Error = "IGNORED", "none of the selected traces of this session were found in the selected time range"
		return row
	}
	for _, ev := range bt.Evaluators {
		if ctx.Err() != nil {
			return nil
		}
		results, err := evaluateAtLevel(ctx, b.o.Judge, ev, docs, sess, idx, refs)
		for _, r := range results {
			row.Results = append(row.Results, BatchResult{EvaluatorID: ev, EvaluatorARN: r.EvaluatorARN, EvaluatorName: r.EvaluatorName,
				DimensionName: r.DimensionName, TraceID: r.TraceID, SpanID: r.SpanID, Value: r.Value, Label: r.Label,
				Explanation: r.Explanation, InputTokens: r.InputTokens, OutputTokens: r.OutputTokens,
				ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage})
		}
		if err != nil {
			row.Status = "FAILED"
			if row.Error != "" {
				row.Error += "; "
			}
			row.Error += ev + ": " + err.Error()
			row.Results = append(row.Results, BatchResult{EvaluatorID: ev, ErrorCode: ErrCodeEvaluateFailed, ErrorMessage: err.Error()})
		}
	}
	if ctx.Err() != nil { // stopped mid-session: the judge calls in flight were cut short
		return nil
	}
	if row.Status == "COMPLETED" && len(row.Results) > 0 && !slices.ContainsFunc(row.Results, scored) {
		row.Status, row.Error = "FAILED", "every evaluation of this session failed: "+row.Results[0].ErrorMessage
	}
	return row
}

func scored(r BatchResult) bool { return r.ErrorCode == "" && r.Value != nil }

func onlyTraces(docs []map[string]any, traces []string) []map[string]any {
	var out []map[string]any
	for _, d := range docs {
		if id, _ := d["traceId"].(string); slices.Contains(traces, id) {
			out = append(out, d)
		}
	}
	return out
}

// references maps a session's ground truth to evaluation references: the
// assertions and expected trajectory for the session; each turn's expected
// response for the trace of that turn — the trace whose user input is the
// turn's prompt, else the session's i-th trace for turn i (a turn left
// without a trace is dropped).
func references(m SessionMetadata, traces []spans.Trace) []Reference {
	if m.SessionID == "" {
		return nil
	}
	var refs []Reference
	if len(m.Assertions) > 0 || m.HasTrajectory {
		r := Reference{SessionID: m.SessionID, Assertions: m.Assertions}
		if m.HasTrajectory {
			r.ExpectedTrajectory = append([]string{}, m.ExpectedTrajectory...)
		}
		refs = append(refs, r)
	}
	turnTrace := make([]int, len(m.Turns))
	used := make([]bool, len(traces))
	for i, turn := range m.Turns {
		turnTrace[i] = -1
		p := strings.TrimSpace(turn.Prompt)
		for j, tr := range traces {
			if p != "" && !used[j] && strings.TrimSpace(tr.Input) == p {
				turnTrace[i], used[j] = j, true
				break
			}
		}
	}
	for i := range m.Turns {
		if turnTrace[i] < 0 && i < len(traces) && !used[i] {
			turnTrace[i], used[i] = i, true
		}
	}
	for i, turn := range m.Turns {
		if turn.ExpectedResponse == nil || turnTrace[i] < 0 {
			continue
		}
		refs = append(refs, Reference{SessionID: m.SessionID, TraceID: traces[turnTrace[i]].ID, ExpectedResponse: turn.ExpectedResponse})
	}
	return refs
}
