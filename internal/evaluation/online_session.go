package evaluation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/evaluation/spans"
)

// batchSize is the most targets one Evaluate call takes.
const batchSize = 10

// evaluatorLevel is the level an evaluator scores at.
func evaluatorLevel(e *Evaluator) string { return e.Level }

// evaluateSession scores one session with each of the config's evaluators
// and writes the results back; skipped when the rule's filters reject it.
func (s *Online) evaluateSession(ctx context.Context, j job) (int, bool, error) {
	from := j.sess.FirstSeen.Add(-24 * time.Hour)
	docs, err := s.o.Sessions.SessionDocuments(ctx, j.cfg.Account, j.sess.SessionID, from, s.o.Now().Add(time.Minute))
	if err != nil {
		return 0, false, fmt.Errorf("session documents: %w", err)
	}
	docs = AgentDocuments(docs)
	if len(docs) == 0 {
		return 0, true, nil
	}
	if !MatchFilters(j.cfg.Rule.Filters, docs) {
		return 0, true, nil
	}
	idx := indexDocs(docs)
	sess, _ := spans.Parse(docs) // once for every evaluator and batch; on error Evaluate reports it
	n := 0
	var failed []string
	for _, id := range j.cfg.Evaluators {
		res, err := s.evaluateWith(ctx, id, docs, sess, idx)
		if err != nil {
			failed = append(failed, id+": "+err.Error())
			if s.o.Observer != nil {
				s.o.Observer.OnlineEvaluation(id, "error")
			}
			continue
		}
		if err := s.record(ctx, j, res, idx); err != nil {
			return n, false, err
		}
		n += len(res)
	}
	if len(failed) > 0 {
		return n, false, fmt.Errorf("%s", strings.Join(failed, "; "))
	}
	return n, false, nil
}

// evaluateWith runs one evaluator at its level, targets in batches.
func (s *Online) evaluateWith(ctx context.Context, id string, docs []map[string]any, sess *spans.Session, idx *docIndex) ([]Result, error) {
	ev, err := s.o.Judge.Evaluator(ctx, id)
	if err != nil {
		return nil, err
	}
	var targets []string
	switch evaluatorLevel(ev) {
	case LevelTrace:
		targets = idx.traces
	case LevelToolCall:
		targets = idx.tools
		if len(targets) == 0 {
			return nil, nil // no tool call to score
		}
	default:
		return s.o.Judge.Evaluate(ctx, EvaluateInput{EvaluatorID: id, Documents: docs, parsed: sess})
	}
	var out []Result
	for i := 0; i < len(targets); i += batchSize {
		in := EvaluateInput{EvaluatorID: id, Documents: docs, parsed: sess}
		b := targets[i:min(i+batchSize, len(targets))]
		if evaluatorLevel(ev) == LevelTrace {
			in.TraceIDs = b
		} else {
			in.SpanIDs = b
		}
		res, err := s.o.Judge.Evaluate(ctx, in)
		if err != nil {
			return out, err
		}
		out = append(out, res...)
	}
	return out, nil
}

// docIndex is what the runner needs to know of a session's documents.
type docIndex struct {
	traces  []string          // in order of first appearance
	tools   []string          // tool span ids
	root    map[string]string // trace id -> its root span id (else its first span)
	traceOf map[string]string // span id -> trace id
}

func indexDocs(docs []map[string]any) *docIndex {
	x := &docIndex{root: map[string]string{}, traceOf: map[string]string{}}
	for _, d := range docs {
		tr, _ := d["traceId"].(string)
		sp, _ := d["spanId"].(string)
		if tr == "" || sp == "" {
			continue
		}
		if _, ok := x.root[tr]; !ok {
			x.traces = append(x.traces, tr)
			x.root[tr] = sp
		}
		if _, isSpan := d["name"]; !isSpan { // a log record
			continue
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

// AgentDocuments drops the evaluation results written back into a session
// (they are not the agent's telemetry).
func AgentDocuments(docs []map[string]any) []map[string]any {
	out := docs[:0:0]
	for _, d := range docs {
		if a, ok := d["attributes"].(map[string]any); ok {
			if _, isResult := a[AttrEvalName]; isResult {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}
