package evaluation_test

import (
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/evaluation"
)

// TestEvaluateRealStrandsRuns: the span documents of real Strands runs
// (spans/testdata, recorded through the SDK's ADOT serializer) evaluate at
// every level with the judge seeing the user's request and the tool call.
func TestEvaluateRealStrandsRuns(t *testing.T) {
	svc := evaluation.New(evaluation.Options{Model: fixedJudge{}})
	for _, f := range []string{"strands_events.json", "strands_latest.json"} {
		var docs []map[string]any
		readJSON(t, "../spans/testdata/"+f, &docs)
		for _, id := range []string{"Builtin.Helpfulness", "Builtin.ToolSelectionAccuracy", "Builtin.GoalSuccessRate"} {
			res, err := svc.Evaluate(acct(), evaluation.EvaluateInput{EvaluatorID: id, Documents: docs})
			if err != nil || len(res) == 0 {
				t.Fatalf("%s %s: %v", f, id, err)
			}
			for _, r := range res {
				if r.SessionID == "" || r.ErrorCode != "" && !strings.Contains(r.ErrorMessage, "not one of") {
					t.Errorf("%s %s: %+v", f, id, r)
				}
			}
		}
	}
}
