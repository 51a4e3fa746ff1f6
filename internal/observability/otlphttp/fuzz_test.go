package otlphttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/httpapi"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/observability/otlphttp"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// FuzzReceiver posts arbitrary bytes as an OTLP/HTTP export (traces, logs
// or metrics; protobuf or JSON) to the receiver in front of an in-memory
// SQLite store, then reads everything back through the read API of the
// HTTP edge (sessions, spans, logs, the traces of the stored spans). The
// export answers 200 or 400 (never a 5xx: bad input is not a storage
// failure), the stored rows are bounded (string values by the service's
// limit), and whatever was stored reads back with 200.
func FuzzReceiver(f *testing.F) {
	now := uint64(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano())
	str := func(k, v string) *commonpb.KeyValue {
		return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
	}
	traces := &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
		Resource: &resourcepb.Resource{Attributes: []*commonpb.KeyValue{str("service.name", "agent"), str("cloud.resource_id", "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/a-0123456789")}},
		ScopeSpans: []*tracepb.ScopeSpans{{Scope: &commonpb.InstrumentationScope{Name: "strands"}, Spans: []*tracepb.Span{{
			TraceId: bytes.Repeat([]byte{0xab}, 16), SpanId: bytes.Repeat([]byte{1}, 8), ParentSpanId: bytes.Repeat([]byte{2}, 8),
			Name: "invoke_agent", StartTimeUnixNano: now, EndTimeUnixNano: now + 5,
			Attributes: []*commonpb.KeyValue{str("session.id", "sess-f"), {Key: "n", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{Values: []*commonpb.KeyValue{str("a", "b")}}}}}},
			Events:     []*tracepb.Span_Event{{Name: "gen_ai.user.message", TimeUnixNano: now, Attributes: []*commonpb.KeyValue{str("content", "hi")}}},
			Status:     &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR, Message: "x"},
		}}}},
	}}}
	logs := &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{{ScopeLogs: []*logspb.ScopeLogs{{LogRecords: []*logspb.LogRecord{{
		TimeUnixNano: now, SeverityNumber: logspb.SeverityNumber_SEVERITY_NUMBER_ERROR, Body: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "boom"}},
		TraceId: bytes.Repeat([]byte{0xab}, 16), SpanId: bytes.Repeat([]byte{1}, 8), Attributes: []*commonpb.KeyValue{str("session.id", "sess-f")},
	}}}}}}}
	for _, m := range []struct {
		signal uint8
		msg    proto.Message
	}{{0, traces}, {1, logs}} {
		pb, _ := proto.Marshal(m.msg)
		js, _ := protojson.Marshal(m.msg)
		f.Add(m.signal, false, pb)
		f.Add(m.signal, true, js)
	}
	f.Add(uint8(0), true, []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"abababababababababababababababab","spanId":"0404040404040404","name":"j","startTimeUnixNano":"`+strconv.FormatUint(now, 10)+`"}]}]}]}`))
	f.Add(uint8(1), true, []byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"kvlistValue":{"values":[{"key":"k","value":{"arrayValue":{"values":[{"intValue":"7"}]}}}]}},"traceId":"abababababababababababababababab"}]}]}]}`))
	f.Add(uint8(2), false, []byte{})
	f.Add(uint8(2), true, []byte(`{"resourceMetrics":[]}`))

	st, err := sqlite.Open(context.Background(), ":memory:")
	if err != nil {
		f.Fatal(err)
	}
	const maxValue = 256
	obs := observability.New(observability.Options{Store: st, MaxAttrValue: maxValue, MaxSpans: 64})
	acct := tenant.Tenant{Account: "123456789012", Region: "us-east-1"}
	h := httpapi.New(httpapi.Config{Observability: obs, Tenant: acct,
		OTLP: otlphttp.NewReceiver(obs, observability.Tag{Account: acct.Account}, nil)})
	f.Cleanup(func() { obs.Close(); st.Close() })

	do := func(method, target, ct string, body []byte) (int, []byte) {
		req := httptest.NewRequest(method, target, bytes.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Result().Body)
		return rec.Code, b
	}
	signals := []string{"traces", "logs", "metrics"}
	f.Fuzz(func(t *testing.T, signal uint8, isJSON bool, body []byte) {
		ct := "application/x-protobuf"
		if isJSON {
			ct = "application/json"
		}
		before := obs.Stats()
		code, out := do(http.MethodPost, "/v1/"+signals[int(signal)%len(signals)], ct, body)
		if code != 200 && code != 400 {
			t.Fatalf("export: %d %q", code, out)
		}
		after := obs.Stats()
		if after.IngestedSpans-before.IngestedSpans > 64 {
			t.Fatalf("%d spans stored from one request (limit 64)", after.IngestedSpans-before.IngestedSpans)
		}
		// Read back: every read API answers, and every stored string is bounded.
		traceIDs := map[string]bool{}
		for _, target := range []string{"/_agentcore/observability/sessions", "/_agentcore/observability/spans?limit=100",
			"/_agentcore/observability/logs?limit=100", "/_agentcore/observability/stats"} {
			code, b := do(http.MethodGet, target, "", nil)
			if code != 200 {
				t.Fatalf("%s after export: %d %s", target, code, b)
			}
			var doc any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatalf("%s: not JSON: %v", target, err)
			}
			ids := traceIDs
			if !strings.Contains(target, "/spans") {
				ids = map[string]bool{} // a log's trace may have no stored span
			}
			checkBounded(t, target, doc, maxValue, ids, 0)
		}
		for id := range traceIDs {
			if code, b := do(http.MethodGet, "/_agentcore/observability/traces/"+id+"?view=tree", "", nil); code != 200 {
				t.Fatalf("trace %s stored but reads %d %s", id, code, b)
			}
		}
		// Keep the store small: the fuzzer's throughput would otherwise
		// fall with its size.
		if _, err := obs.DeleteBefore(context.Background(), time.Now().Add(100*365*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
	})
}

// checkBounded walks a read-API answer: strings (other than the agent's
// own composite members) are at most max+a marker, and traceIds are
// collected.
func checkBounded(t *testing.T, where string, v any, max int, traceIDs map[string]bool, depth int) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "traceId" && s != "" {
				traceIDs[s] = true
			}
			checkBounded(t, where+"."+k, e, max, traceIDs, depth+1)
		}
	case []any:
		for _, e := range x {
			checkBounded(t, where, e, max, traceIDs, depth+1)
		}
	case string:
		if len(x) > max+64 {
			t.Fatalf("%s: a stored string of %d bytes (limit %d)", where, len(x), max)
		}
	}
}
