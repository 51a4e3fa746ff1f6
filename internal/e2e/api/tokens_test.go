package api_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// TestTokenUsageMetric: GenAI usage attributes on spans an agent exports are
// counted into agentcore_gen_ai_token_usage_total per runtime.
func TestTokenUsageMetric(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	arn := "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/tok-abcdefghij"
	intAttr := func(k string, v int64) *commonpb.KeyValue {
		return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: v}}}
	}
	now := time.Now()
	req := &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
		Resource: &resourcepb.Resource{Attributes: []*commonpb.KeyValue{otlpStr("cloud.resource_id", arn)}},
		ScopeSpans: []*tracepb.ScopeSpans{{Spans: []*tracepb.Span{{
			TraceId: bytes.Repeat([]byte{7}, 16), SpanId: bytes.Repeat([]byte{8}, 8), Name: "chat",
			StartTimeUnixNano: uint64(now.UnixNano()), EndTimeUnixNano: uint64(now.Add(time.Millisecond).UnixNano()),
			Attributes: []*commonpb.KeyValue{intAttr("gen_ai.usage.input_tokens", 12), intAttr("gen_ai.usage.output_tokens", 30)},
		}}}},
	}}}
	body, _ := proto.Marshal(req)
	resp, err := http.Post(e.URL+"/v1/traces", "application/x-protobuf", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /v1/traces: %v %v", resp, err)
	}
	resp.Body.Close()
	// Spans are stored, and their tokens counted, by the batching writer
	// off the request path: within milliseconds, not before the 200.
	fam := scrape(t, e.URL)["agentcore_gen_ai_token_usage_total"]
	for deadline := time.Now().Add(5 * time.Second); fam == nil && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		fam = scrape(t, e.URL)["agentcore_gen_ai_token_usage_total"]
	}
	if fam == nil {
		t.Fatal("no agentcore_gen_ai_token_usage_total after 5 s")
	}
	got := map[string]float64{}
	for _, m := range fam.Metric {
		kind, rt := "", ""
		for _, l := range m.Label {
			switch l.GetName() {
			case "type":
				kind = l.GetValue()
			case "runtime":
				rt = l.GetValue()
			}
		}
		if rt == "tok-abcdefghij" {
			got[kind] = m.GetCounter().GetValue()
		}
	}
	if got["input"] != 12 || got["output"] != 30 {
		t.Fatalf("token usage = %v, want input 12 output 30", got)
	}
}
