package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/observability/obstest"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
)

func TestObservabilityConformance(t *testing.T) {
	obstest.Run(t, func(t *testing.T) observability.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "obs.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// Inserts are multi-row statements of up to 64 rows: a batch of several
// statements (and a remainder) stores every row once, duplicates ignored.
func TestInsertManyRows(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "obs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	base := time.Now().UTC()
	var spans []observability.Span
	var logs []observability.LogRecord
	for i := range 150 {
		spans = append(spans, observability.Span{Account: "111", TraceID: "0123456789abcdef0123456789abcdef",
			SpanID: fmt.Sprintf("%016x", i%140+1), Name: "s", Start: base, End: base}) // 10 duplicates
		logs = append(logs, observability.LogRecord{Account: "111", Time: base.Add(time.Duration(i)), Body: fmt.Sprint(i), Stream: "stdout"})
	}
	if err := s.InsertSpans(ctx, spans); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertLogs(ctx, logs); err != nil {
		t.Fatal(err)
	}
	gotSpans, _, err := s.QuerySpans(ctx, observability.Filter{Account: "111", Limit: 1000})
	if err != nil || len(gotSpans) != 140 {
		t.Fatalf("spans: %d, %v; want 140", len(gotSpans), err)
	}
	gotLogs, _, err := s.QueryLogs(ctx, observability.Filter{Account: "111", Limit: 1000})
	if err != nil || len(gotLogs) != 150 || gotLogs[149].Body != "149" {
		t.Fatalf("logs: %d, %v; want 150 in order", len(gotLogs), err)
	}
}
