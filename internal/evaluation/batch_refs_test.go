package evaluation

import (
	"fmt"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/evaluation/spans"
)

// TestBatchReferencesMapTurnsToTraces: a ground-truth turn goes to the
// trace whose user input is its prompt, else to the trace of its position;
// session-level assertions and trajectory go to the session.
func TestBatchReferencesMapTurnsToTraces(t *testing.T) {
	s := func(v string) *string { return &v }
	traces := []spans.Trace{{ID: "t1", Input: "hello"}, {ID: "t2", Input: "What is 2+2?"}, {ID: "t3", Input: "bye"}}
	refs := references(SessionMetadata{SessionID: "s", Assertions: []string{"polite"}, HasTrajectory: true, Turns: []GroundTruthTurn{
		{Prompt: "What is 2+2?", ExpectedResponse: s("4")}, // by prompt: t2
		{Prompt: "unknown", ExpectedResponse: s("b")},      // position 1 is taken: dropped
		{ExpectedResponse: s("c")},                         // position 2: t3
		{Prompt: "x"},                                      // no expected response
		{Prompt: "y", ExpectedResponse: s("e")},            // no trace 4: dropped
	}}, traces)
	var got []string
	for _, r := range refs {
		got = append(got, fmt.Sprintf("%s:%v:%v:%v", r.TraceID, r.Assertions, r.ExpectedTrajectory != nil, deref(r.ExpectedResponse)))
	}
	if want := "[:[polite]:true: t2:[]:false:4 t3:[]:false:c]"; fmt.Sprint(got) != want {
		t.Fatalf("references %v, want %s", got, want)
	}
	if references(SessionMetadata{}, traces) != nil {
		t.Fatal("references without metadata")
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
