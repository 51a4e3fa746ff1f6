package observability_test

import (
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/evaluation/spans"
	"github.com/agentcore-dev/agentcore/internal/observability"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

func kv(k string, v *commonpb.AnyValue) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: v}
}
func sv(s string) *commonpb.AnyValue {
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: s}}
}
func kvl(kvs ...*commonpb.KeyValue) *commonpb.AnyValue {
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{Values: kvs}}}
}
func arr(vs ...*commonpb.AnyValue) *commonpb.AnyValue {
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: vs}}}
}

// A session ingested over OTLP comes back as ADOT documents with the scope
// and the structured log body, and evaluation/spans reads them.
func TestSessionDocumentsADOT(t *testing.T) {
	s := newService(t, observability.Options{})
	now := time.Now().Truncate(time.Millisecond)
	scope := &commonpb.InstrumentationScope{Name: "strands.telemetry.tracer", Version: "1.2.3"}
	root := span(1, 1, 0, "invoke_agent a", now, str("gen_ai.operation.name", "invoke_agent"))
	tool := span(1, 2, 1, "execute_tool f", now.Add(time.Millisecond), str("gen_ai.operation.name", "execute_tool"),
		str("gen_ai.tool.name", "f"))
	tool.Status = &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR, Message: "bad"}
	req := traceReq(nil, root, tool)
	req[0].ScopeSpans[0].Scope = scope
	if _, err := s.IngestTraces(bg, req, observability.Tag{Account: "111", SessionID: "sess-a"}); err != nil {
		t.Fatal(err)
	}
	msg := func(role, text string) *commonpb.AnyValue {
		return kvl(kv("role", sv(role)), kv("content", kvl(kv("content", sv(text)))))
	}
	body := kvl(kv("input", kvl(kv("messages", arr(msg("user", "hi"))))),
		kv("output", kvl(kv("messages", arr(kvl(kv("role", sv("assistant")), kv("content", kvl(kv("message", sv("hello"))))))))))
	lreq := []*logspb.ResourceLogs{{ScopeLogs: []*logspb.ScopeLogs{{Scope: scope, LogRecords: []*logspb.LogRecord{{
		TimeUnixNano: uint64(now.Add(5 * time.Millisecond).UnixNano()), TraceId: id(16, 1), SpanId: id(8, 1), Body: body,
		SeverityNumber: 9,
	}}}}}}
	if _, err := s.IngestLogs(bg, lreq, observability.Tag{Account: "111", SessionID: "sess-a"}); err != nil {
		t.Fatal(err)
	}
	docs, err := s.SessionDocuments(bg, "111", "sess-a", time.Time{}, time.Time{})
	if err != nil || len(docs) != 3 {
		t.Fatalf("%d docs, %v", len(docs), err)
	}
	d := docs[0]
	sc := d["scope"].(map[string]any)
	attrs := d["attributes"].(map[string]any)
	if sc["name"] != "strands.telemetry.tracer" || sc["version"] != "1.2.3" || attrs["otel.scope.name"] != nil ||
		attrs["session.id"] != "sess-a" || d["traceId"] != "01010101010101010101010101010101" || d["parentSpanId"] != nil {
		t.Errorf("span doc %v", d)
	}
	if docs[1]["status"].(map[string]any)["code"] != "ERROR" || docs[1]["parentSpanId"] != "0101010101010101" {
		t.Errorf("tool doc %v", docs[1])
	}
	lg := docs[2]
	if _, ok := lg["body"].(map[string]any); !ok || lg["scope"].(map[string]any)["name"] != "strands.telemetry.tracer" ||
		lg["attributes"].(map[string]any)["otel.body.json"] != nil {
		t.Fatalf("log doc %v", lg)
	}
	sess, err := spans.Parse(docs)
	if err != nil || sess.ID != "sess-a" || len(sess.Traces) != 1 {
		t.Fatalf("parse: %+v %v", sess, err)
	}
	tr := sess.Traces[0]
	if tr.Input != "hi" || tr.Output != "hello" || len(tr.ToolCalls) != 1 || !tr.ToolCalls[0].Error {
		t.Errorf("trace %+v", tr)
	}
	if other, _ := s.SessionDocuments(bg, "222", "sess-a", time.Time{}, time.Time{}); len(other) != 0 {
		t.Errorf("another account sees %d docs", len(other))
	}
}

func TestRuntimeLogGroup(t *testing.T) {
	g := observability.RuntimeLogGroup("my_agent-AbC123", "DEFAULT")
	id, ep, ok := observability.ParseRuntimeLogGroup(g)
	if !ok || id != "my_agent-AbC123" || ep != "DEFAULT" {
		t.Errorf("%s -> %q %q %v", g, id, ep, ok)
	}
	if _, _, ok := observability.ParseRuntimeLogGroup("/aws/other"); ok {
		t.Error("parsed a foreign group")
	}
}
