package otlphttp_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/httpapi"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/observability/otlphttp"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/proto"
)

func obsServer(t *testing.T) (*httptest.Server, *observability.Service) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "o.db"))
	if err != nil {
		t.Fatal(err)
	}
	obs := observability.New(observability.Options{Store: st})
	acct := tenant.Tenant{Account: "123456789012", Region: "us-east-1"}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Observability: obs, Tenant: acct,
		OTLP: otlphttp.NewReceiver(obs, observability.Tag{Account: acct.Account}, nil)}))
	t.Cleanup(func() { srv.Close(); obs.Close(); st.Close() })
	return srv, obs
}

func post(t *testing.T, url, ct, enc string, body []byte) (int, []byte) {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	if enc != "" {
		req.Header.Set("Content-Encoding", enc)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func get(t *testing.T, url string) (int, string) {
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestOTLPReceiver(t *testing.T) {
	srv, obs := obsServer(t)
	now := uint64(time.Now().UnixNano())
	sp := func(sid byte, tid []byte) *tracepb.Span {
		return &tracepb.Span{TraceId: tid, SpanId: bytes.Repeat([]byte{sid}, 8), Name: "op", StartTimeUnixNano: now, EndTimeUnixNano: now + 1,
			Attributes: []*commonpb.KeyValue{{Key: "session.id", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "sess-h"}}}}}
	}
	tid := bytes.Repeat([]byte{0xab}, 16)
	req := &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{ScopeSpans: []*tracepb.ScopeSpans{{
		Spans: []*tracepb.Span{sp(1, tid), sp(2, tid), sp(3, []byte{1})}}}}}}
	body, _ := proto.Marshal(req)

	code, out := post(t, srv.URL+"/v1/traces", "application/x-protobuf", "", body)
	resp := &coltracepb.ExportTraceServiceResponse{}
	if code != 200 || proto.Unmarshal(out, resp) != nil || resp.GetPartialSuccess().GetRejectedSpans() != 1 {
		t.Fatalf("protobuf: %d %v", code, resp)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(body)
	zw.Close()
	if code, _ := post(t, srv.URL+"/v1/traces", "application/x-protobuf", "gzip", gz.Bytes()); code != 200 {
		t.Fatalf("gzip: %d", code)
	}
	js := `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"abababababababababababababababab","spanId":"0404040404040404","name":"j","startTimeUnixNano":"` +
		strconv.FormatUint(now, 10) + `"}]}]}]}`
	if code, out := post(t, srv.URL+"/v1/traces", "application/json; charset=utf-8", "", []byte(js)); code != 200 || string(out) != "{}" {
		t.Fatalf("json: %d %s", code, out)
	}
	code, out = post(t, srv.URL+"/v1/traces", "application/x-protobuf", "", []byte("\xff\xff\xff garbage"))
	st := &spb.Status{}
	if code != 400 || proto.Unmarshal(out, st) != nil || st.Message == "" {
		t.Fatalf("malformed: %d %q", code, out)
	}
	if code, out := post(t, srv.URL+"/v1/traces", "application/json", "", []byte("{nope")); code != 400 || !strings.Contains(string(out), "message") {
		t.Fatalf("malformed json: %d %s", code, out)
	}
	if code, _ := post(t, srv.URL+"/v1/traces", "text/plain", "", body); code != 415 {
		t.Fatalf("text/plain: %d", code)
	}
	if code, _ := post(t, srv.URL+"/v1/traces", "application/x-protobuf", "br", body); code != 415 {
		t.Fatalf("brotli: %d", code)
	}
	if code, _ := post(t, srv.URL+"/v1/metrics", "application/x-protobuf", "", nil); code != 200 || obs.Stats().MetricsPoints != 1 {
		t.Fatalf("metrics: %d %+v", code, obs.Stats())
	}
	if code, _ := post(t, srv.URL+"/v1/logs", "application/json", "", []byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hello"},"traceId":"abababababababababababababababab","attributes":[{"key":"session.id","value":{"stringValue":"sess-h"}}]}]}]}]}`)); code != 200 {
		t.Fatalf("logs: %d", code)
	}

	// Read API (routed by the HTTP edge).
	if code, b := get(t, srv.URL+"/_agentcore/observability/sessions"); code != 200 || !strings.Contains(b, `"sessionId":"sess-h"`) || !strings.Contains(b, `"spanCount":2`) {
		t.Fatalf("sessions: %d %s", code, b)
	}
	if code, b := get(t, srv.URL+"/_agentcore/observability/sessions/sess-h"); code != 200 || !strings.Contains(b, strings.Repeat("ab", 16)) {
		t.Fatalf("session: %d %s", code, b)
	}
	if code, b := get(t, srv.URL+"/_agentcore/observability/traces/"+strings.Repeat("ab", 16)+"?view=tree"); code != 200 || strings.Count(b, `"spanId"`) != 3 {
		t.Fatalf("trace: %d %s", code, b)
	}
	if code, b := get(t, srv.URL+"/_agentcore/observability/spans?sessionId=sess-h&limit=1"); code != 200 || !strings.Contains(b, "nextToken") {
		t.Fatalf("spans: %d %s", code, b)
	}
	if code, b := get(t, srv.URL+"/_agentcore/observability/logs?traceId="+strings.Repeat("ab", 16)); code != 200 || !strings.Contains(b, "hello") {
		t.Fatalf("logs: %d %s", code, b)
	}
	if code, _ := get(t, srv.URL+"/_agentcore/observability/traces/"+strings.Repeat("cd", 16)); code != 404 {
		t.Fatalf("unknown trace: %d", code)
	}
	if code, _ := get(t, srv.URL+"/_agentcore/observability/spans?limit=0"); code != 400 {
		t.Fatalf("bad limit: %d", code)
	}
	if code, b := get(t, srv.URL+"/_agentcore/observability/stats"); code != 200 || !strings.Contains(b, `"ingestedSpans":5`) {
		t.Fatalf("stats: %d %s", code, b)
	}
}
