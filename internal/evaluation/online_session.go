package evaluation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/evaluation/spans"
)

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
		res, err := evaluateAtLevel(ctx, s.o.Judge, id, docs, sess, idx, nil)
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
