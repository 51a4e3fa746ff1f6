package observability_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
)

// OTLP spans are stored by the writer goroutine, but a query made right
// after ingest sees them (queries flush the queue), and Close stores what is
// still queued.
func TestIngestIsStoredOffPathButVisibleToQueries(t *testing.T) {
	s := newService(t, observability.Options{})
	now := time.Now()
	for i := range 10 {
		if _, err := s.IngestTraces(bg, traceReq(nil, span(7, byte(i+1), 0, "x", now)), observability.Tag{Account: "111"}); err != nil {
			t.Fatal(err)
		}
	}
	got, _, err := s.Spans(bg, observability.Filter{Account: "111"})
	if err != nil || len(got) != 10 {
		t.Fatalf("query right after ingest: %d spans, %v", len(got), err)
	}
	if st := s.Stats(); st.IngestedSpans != 10 || st.DroppedSpans != 0 {
		t.Fatalf("%+v", st)
	}

	dir := t.TempDir()
	st, err := sqlite.Open(bg, filepath.Join(dir, "obs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s2 := observability.New(observability.Options{Store: st})
	for i := range 5 {
		s2.IngestTraces(bg, traceReq(nil, span(8, byte(i+1), 0, "y", now)), observability.Tag{Account: "222"}) //nolint:errcheck
	}
	s2.Close()
	spans, _, err := st.QuerySpans(bg, observability.Filter{Account: "222", Limit: 100})
	if err != nil || len(spans) != 5 {
		t.Fatalf("after Close: %d spans stored, %v", len(spans), err)
	}
}
