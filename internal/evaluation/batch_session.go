package evaluation

import (
	"context"

	"github.com/agentcore-dev/agentcore/internal/evaluation/spans"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// evaluateSession fetches one session's documents and runs every evaluator
// of the batch on them. No documents: IGNORED. A request-level error of any
// evaluator (or of the fetch): FAILED, with what results there are.
func (b *Batches) evaluateSession(ctx context.Context, t tenant.Tenant, bt *Batch, sid string, meta SessionMetadata) *BatchResultRow {
	row := &BatchResultRow{SessionID: sid, Status: "COMPLETED"}
	docs, err := b.o.Sessions.SessionDocuments(ctx, t.Account, sid, bt.Selection.From, bt.Selection.To)
	if err != nil {
		row.Status, row.Error = "FAILED", "reading the session's spans: "+err.Error()
		return row
	}
	if only := bt.Selection.TraceIDs[sid]; len(only) > 0 {
		docs = onlyTraces(docs, only)
	}
	if len(docs) == 0 {
		row.Status, row.Error = "IGNORED", "no spans of this session were found in the selected time range"
		return row
	}
	refs := references(meta, traceOrder(docs))
	sess, _ := spans.Parse(docs) // once for every evaluator; on error Evaluate reports it
	for _, ev := range bt.Evaluators {
		if ctx.Err() != nil {
			row.Status, row.Error = "FAILED", "stopped"
			return row
		}
		results, err := b.o.Evaluate(ctx, EvaluateInput{EvaluatorID: ev, Documents: docs, References: refs, parsed: sess})
		if err != nil {
			row.Status = "FAILED"
			if row.Error != "" {
				row.Error += "; "
			}
			row.Error += ev + ": " + err.Error()
			continue
		}
		for _, r := range results {
			row.Results = append(row.Results, BatchResult{EvaluatorID: ev, EvaluatorARN: r.EvaluatorARN, EvaluatorName: r.EvaluatorName,
				DimensionName: r.DimensionName, TraceID: r.TraceID, SpanID: r.SpanID, Value: r.Value, Label: r.Label,
				Explanation: r.Explanation, InputTokens: r.InputTokens, OutputTokens: r.OutputTokens,
				ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage})
		}
	}
	if row.Status == "COMPLETED" && len(row.Results) > 0 {
		failed := 0
		for _, r := range row.Results {
			if r.ErrorCode != "" || r.Value == nil {
				failed++
			}
		}
		if failed == len(row.Results) {
			row.Status, row.Error = "FAILED", "every evaluation of this session failed: "+row.Results[0].ErrorMessage
		}
	}
	return row
}

func onlyTraces(docs []map[string]any, traces []string) []map[string]any {
	keep := map[string]bool{}
	for _, t := range traces {
		keep[t] = true
	}
	var out []map[string]any
	for _, d := range docs {
		if id, _ := d["traceId"].(string); keep[id] {
			out = append(out, d)
		}
	}
	return out
}

// traceOrder lists the trace ids of time-ordered documents by first
// appearance (turn i of a session is its i-th trace).
func traceOrder(docs []map[string]any) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range docs {
		if id, _ := d["traceId"].(string); id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// references maps a session's ground truth to evaluation references: the
// assertions and expected trajectory for the session, each turn's expected
// response for the session's trace of that turn (turns beyond the traces
// found are dropped).
func references(m SessionMetadata, traces []string) []Reference {
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
	for i, turn := range m.Turns {
		if turn.ExpectedResponse == nil || i >= len(traces) {
			continue
		}
		refs = append(refs, Reference{SessionID: m.SessionID, TraceID: traces[i], ExpectedResponse: turn.ExpectedResponse})
	}
	return refs
}
