package observability_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/observability"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

func TestIngestTracesRejectsMalformedKeepsOrphans(t *testing.T) {
	s := newService(t, observability.Options{})
	now := time.Now()
	bad := span(1, 9, 0, "bad", now)
	bad.TraceId = []byte{1, 2, 3}
	zero := span(1, 8, 0, "zero span id", now)
	zero.SpanId = id(8, 0)
	errSpan := span(1, 3, 1, "failing", now.Add(time.Millisecond), str("session.id", "sess-1"))
	errSpan.Status = &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR, Message: "boom"}
	req := traceReq(
		[]*commonpb.KeyValue{str("service.name", "agent"), str("cloud.resource_id", "arn:aws:bedrock-agentcore:us-east-1:1:runtime/r-1")},
		span(1, 1, 0, "root", now, str("session.id", "sess-1")),
		span(1, 2, 7, "orphan", now, str("session.id", "sess-1")), // parent 0707.. never arrives
		errSpan, bad, zero)
	rejected, err := s.IngestTraces(bg, req, observability.Tag{Account: "111"})
	if err != nil || rejected != 2 {
		t.Fatalf("rejected %d, err %v; want 2, nil", rejected, err)
	}
	spans, _, err := s.Spans(bg, observability.Filter{Account: "111", SessionID: "sess-1"})
	if err != nil || len(spans) != 3 {
		t.Fatalf("%d spans, %v", len(spans), err)
	}
	for _, sp := range spans {
		if sp.RuntimeARN != "arn:aws:bedrock-agentcore:us-east-1:1:runtime/r-1" || sp.ServiceName != "agent" {
			t.Errorf("derived columns: %+v", sp)
		}
	}
	errs, _, _ := s.Spans(bg, observability.Filter{Account: "111", ErrorsOnly: true})
	if len(errs) != 1 || errs[0].Name != "failing" || errs[0].StatusMessage != "boom" {
		t.Fatalf("errors: %+v", errs)
	}
	all, err := s.Trace(bg, "111", strings.Repeat("01", 16))
	if err != nil {
		t.Fatal(err)
	}
	roots := observability.Tree(all)
	if len(roots) != 2 { // root (with its child) and the orphan
		t.Fatalf("%d roots, want 2", len(roots))
	}
	if st := s.Stats(); st.IngestedSpans != 3 || st.RejectedSpans != 2 {
		t.Fatalf("stats %+v", st)
	}
	if _, err := s.IngestTraces(bg, req, observability.Tag{}); !errors.Is(err, observability.ErrInvalid) {
		t.Fatalf("no account: %v", err)
	}
}

func TestTagOverridesPayloadSession(t *testing.T) {
	s := newService(t, observability.Options{})
	req := traceReq(nil, span(2, 1, 0, "x", time.Now(), str("session.id", "someone-else")))
	tag := observability.Tag{Account: "111", SessionID: "mine", RuntimeARN: "arn:rt"}
	if _, err := s.IngestTraces(bg, req, tag); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := s.Spans(bg, observability.Filter{Account: "111", SessionID: "mine"}); len(out) != 1 || out[0].RuntimeARN != "arn:rt" {
		t.Fatalf("%+v", out)
	}
}

func TestHugeAttributesTruncated(t *testing.T) {
	s := newService(t, observability.Options{MaxAttrValue: 1024})
	huge := strings.Repeat("é", 1<<20)
	var many []*commonpb.KeyValue
	for i := range 500 {
		many = append(many, str(fmt.Sprintf("k%d", i), "v"))
	}
	req := traceReq(nil, span(3, 1, 0, huge, time.Now(), append(many, str("big", huge))...))
	if _, err := s.IngestTraces(bg, req, observability.Tag{Account: "111"}); err != nil {
		t.Fatal(err)
	}
	out, _, _ := s.Spans(bg, observability.Filter{Account: "111"})
	if len(out) != 1 {
		t.Fatal(len(out))
	}
	if n := len(out[0].Name); n > 1100 || !strings.Contains(out[0].Name, "truncated") {
		t.Errorf("name kept %d bytes", n)
	}
	if n := len(out[0].Attributes); n > 130 {
		t.Errorf("kept %d attributes", n)
	}
}

func TestAgentLogsNeverMixSessions(t *testing.T) {
	s := newService(t, observability.Options{})
	var wg sync.WaitGroup
	for _, sess := range []string{"sess-a", "sess-b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := s.AgentLogWriter("111", "arn:rt", sess, observability.StreamStdout)
			for i := range 200 {
				line := fmt.Sprintf("%s line %d\n", sess, i)
				out.Write([]byte(line[:5])) // partial writes must reassemble per writer
				out.Write([]byte(line[5:]))
			}
			out.Write([]byte(`{"message":"hi","trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174","level":"ERROR"}` + "\n"))
			out.Write([]byte(sess + " tail without newline"))
			out.Close()
		}()
	}
	wg.Wait()
	for _, sess := range []string{"sess-a", "sess-b"} {
		var logs []observability.LogRecord
		eventually(t, "logs of "+sess, func() bool {
			logs = nil
			f := observability.Filter{Account: "111", SessionID: sess, Limit: 1000}
			logs, _, _ = s.Logs(bg, f)
			return len(logs) == 202
		})
		for _, l := range logs {
			if !strings.HasPrefix(l.Body, sess) && !strings.HasPrefix(l.Body, "{") {
				t.Fatalf("session %s got line %q", sess, l.Body)
			}
		}
		tr, _, _ := s.Logs(bg, observability.Filter{Account: "111", SessionID: sess, TraceID: "5b8efff798038103d269b633813fc60c"})
		if len(tr) != 1 || tr[0].SpanID != "eee19b7ec3c1b174" || tr[0].Severity != "ERROR" {
			t.Fatalf("trace-tagged line: %+v", tr)
		}
	}
}

func TestRetentionDeletesOldRows(t *testing.T) {
	s := newService(t, observability.Options{Retention: time.Hour, RetentionInterval: 50 * time.Millisecond})
	old, now := time.Now().Add(-2*time.Hour), time.Now()
	req := traceReq(nil, span(4, 1, 0, "old", old), span(4, 2, 0, "new", now))
	if _, err := s.IngestTraces(bg, req, observability.Tag{Account: "111"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "retention", func() bool {
		out, _, _ := s.Spans(bg, observability.Filter{Account: "111"})
		return len(out) == 1 && out[0].Name == "new"
	})
	if s.Stats().Deleted < 1 {
		t.Fatal("deleted not counted")
	}
}
