package evaluation

import (
	"context"

	"github.com/agentcore-dev/agentcore/internal/evaluation/spans"
)

// Evaluating a whole session with one evaluator at the evaluator's level,
// shared by the online runner and batch evaluations.

// evaluateAtLevel runs evaluator id over a session's documents at its
// level: SESSION in one Evaluate call; TRACE over every trace of the
// session and TOOL_CALL over every tool span, MaxTargets targets per
// Evaluate call (a session without tool calls has nothing to score at
// TOOL_CALL level, and one without spans nothing at TRACE level). refs are
// passed to every call (Evaluate applies each to its targets). On a
// request-level error it returns the results so far and the error.
// sess, when not nil, is docs already parsed (read once for every evaluator
// and batch of targets).
func evaluateAtLevel(ctx context.Context, j Judge, id string, docs []map[string]any, sess *spans.Session, idx *docIndex, refs []Reference) ([]Result, error) {
	ev, err := j.Evaluator(ctx, id)
	if err != nil {
		return nil, err
	}
	var targets []string
	switch ev.Level {
	case LevelTrace:
		targets = idx.traces
	case LevelToolCall:
		targets = idx.tools
	default:
		return j.Evaluate(ctx, EvaluateInput{EvaluatorID: id, Documents: docs, References: refs, parsed: sess})
	}
	var out []Result
	for i := 0; i < len(targets); i += MaxTargets {
		in := EvaluateInput{EvaluatorID: id, Documents: docs, References: refs, parsed: sess}
		b := targets[i:min(i+MaxTargets, len(targets))]
		if ev.Level == LevelTrace {
			in.TraceIDs = b
		} else {
			in.SpanIDs = b
		}
		res, err := j.Evaluate(ctx, in)
		if err != nil {
			return out, err
		}
		out = append(out, res...)
	}
	return out, nil
}

// docIndex is what the runners need to know of a session's documents.
type docIndex struct {
	traces  []string          // traces with a span, in order of first appearance (as spans.Parse orders them)
	tools   []string          // tool span ids
	root    map[string]string // trace id -> its root span id (else its first span, else its first log record's)
	traceOf map[string]string // span id -> trace id
}

func indexDocs(docs []map[string]any) *docIndex {
	x := &docIndex{root: map[string]string{}, traceOf: map[string]string{}}
	seen := map[string]bool{}
	for _, d := range docs {
		tr, _ := d["traceId"].(string)
		sp, _ := d["spanId"].(string)
		if tr == "" || sp == "" {
			continue
		}
		if _, ok := x.root[tr]; !ok {
			x.root[tr] = sp
		}
		if _, isSpan := d["name"]; !isSpan { // a log record
			continue
		}
		if !seen[tr] {
			seen[tr] = true
			x.traces = append(x.traces, tr)
			x.root[tr] = sp
		}
		x.traceOf[sp] = tr
		if p, _ := d["parentSpanId"].(string); p == "" {
			x.root[tr] = sp
		}
		if a, ok := d["attributes"].(map[string]any); ok && spans.IsToolSpan(a) {
			x.tools = append(x.tools, sp)
		}
	}
	return x
}

// PlatformServiceName is the service.name of the spans the platform itself
// records (InvokeAgentRuntime, sandbox.start, …; the evaluation results
// written back are "agentcore.evaluation").
const PlatformServiceName = "agentcore"

// AgentDocuments keeps the agent's own telemetry of a session: it drops the
// evaluation results written back into it and the platform's spans (they
// share the session id but are not the agent's: an InvokeAgentRuntime span
// is an invoke_agent span with no conversation, often in a trace of its
// own when the agent does not continue the caller's traceparent).
func AgentDocuments(docs []map[string]any) []map[string]any {
	out := docs[:0:0]
	for _, d := range docs {
		if a, ok := d["attributes"].(map[string]any); ok {
			if _, isResult := a[AttrEvalName]; isResult {
				continue
			}
		}
		if isPlatformDoc(d) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// isPlatformDoc reports whether a document's resource is the platform's:
// service.name "agentcore" (or "agentcore.evaluation") and no
// cloud.resource_id (a hosted agent's resource names its runtime, so a
// runtime named agentcore is not taken for the platform).
func isPlatformDoc(d map[string]any) bool {
	r, _ := d["resource"].(map[string]any)
	a, _ := r["attributes"].(map[string]any)
	svc, _ := a["service.name"].(string)
	if _, ok := a["cloud.resource_id"]; ok {
		return false
	}
	return svc == PlatformServiceName || svc == PlatformServiceName+".evaluation"
}
