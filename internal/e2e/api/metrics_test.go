package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// scrape GETs /metrics and parses it with the Prometheus text parser.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// metricValue sums the samples of name whose labels include want (counter
// or gauge value, histogram sample count).
func metricValue(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	var sum float64
	f := fams[name]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, lp := range m.Label {
			have[lp.GetName()] = lp.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		}
	}
	return sum
}

// TestMetricsMatchInvocations makes N invocations over 2 sessions and one
// that the agent fails, then checks /metrics (Prometheus text format) counts
// exactly those.
func TestMetricsMatchInvocations(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	rt := e.Deploy(t, "metered", nil)
	arn, id := *rt.AgentRuntimeArn, *rt.AgentRuntimeId
	const n = 7
	sessions := []string{testenv.SessionID("metrics-a"), testenv.SessionID("metrics-b")}
	for i := range n {
		e.InvokeJSON(t, arn, sessions[i%2], map[string]any{"action": "count"})
	}
	if _, _, err := e.Invoke(bg, arn, sessions[0], map[string]any{"action": "error"}, ""); !isRuntimeClientError(err) {
		t.Fatalf("error action: want RuntimeClientError, got %v", err)
	}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"agentcore_invocations_total", map[string]string{"runtime": id, "endpoint": "DEFAULT"}, n + 1},
		{"agentcore_invocation_errors_total", map[string]string{"runtime": id, "type": "RuntimeClientError"}, 1},
		{"agentcore_invocation_errors_total", map[string]string{"runtime": id}, 1},
		{"agentcore_invocation_duration_seconds", map[string]string{"runtime": id, "endpoint": "DEFAULT"}, n + 1},
		{"agentcore_invocation_ttfb_seconds", map[string]string{"runtime": id, "endpoint": "DEFAULT"}, n},
		{"agentcore_api_requests_total", map[string]string{"operation": "InvokeAgentRuntime", "code": "200"}, n},
		{"agentcore_api_requests_total", map[string]string{"operation": "InvokeAgentRuntime", "code": "424"}, 1},
		{"agentcore_api_requests_total", map[string]string{"operation": "CreateAgentRuntime", "code": "202"}, 1},
		{"agentcore_session_starts_total", map[string]string{"runtime": id}, 2},
		{"agentcore_session_start_duration_seconds", map[string]string{"runtime": id}, 2},
		{"agentcore_sessions_active", nil, 2},
	}
	// The last invocation is recorded once its handler returns, which can be
	// just after the client has read the answer: poll briefly.
	var bad []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		fams := scrape(t, e.URL)
		bad = bad[:0]
		for _, c := range checks {
			if got := metricValue(fams, c.name, c.labels); got != c.want {
				bad = append(bad, fmt.Sprintf("%s%v = %v, want %v", c.name, c.labels, got, c.want))
			}
		}
		if fams["go_goroutines"] == nil || fams["process_resident_memory_bytes"] == nil {
			bad = append(bad, "Go/process collectors missing")
		}
		if len(bad) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, b := range bad {
		t.Error(b)
	}

	// Stopping a session is counted as a session end.
	if _, err := e.Data.StopRuntimeSession(bg, &bedrockagentcore.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(sessions[1])}); err != nil {
		t.Fatal(err)
	}
	fams := scrape(t, e.URL)
	if got := metricValue(fams, "agentcore_session_ends_total", map[string]string{"runtime": id, "reason": "stopped"}); got != 1 {
		t.Errorf("session ends (stopped) = %v, want 1", got)
	}
	if got := metricValue(fams, "agentcore_session_duration_seconds", map[string]string{"runtime": id}); got != 1 {
		t.Errorf("session durations = %v, want 1", got)
	}
}

// TestTracePropagation: a caller's traceparent reaches the agent with the
// same trace id and a new parent (the platform's InvokeAgentRuntime span,
// child of the caller's span), baggage carries session.id, and the sandbox
// start is a child of the invocation.
func TestTracePropagation(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	spans := tracetest.NewInMemoryExporter()
	e.Server.Telemetry().TracerProvider().RegisterSpanProcessor(sdktrace.NewSimpleSpanProcessor(spans))
	arn := *e.Deploy(t, "traced", nil).AgentRuntimeArn
	session := testenv.SessionID("traced")
	const traceID, callerSpan = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
	out, err := e.Data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{
		AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(session), ContentType: aws.String("application/json"),
		Payload: []byte(`{"action":"echo"}`), TraceParent: aws.String("00-" + traceID + "-" + callerSpan + "-01"),
		Baggage: aws.String("user.id=alice"), TraceId: aws.String("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(out.Response)
	out.Response.Close()
	h, _ := decode(t, body)["headers"].(map[string]any)
	tp, _ := h["traceparent"].(string)
	parts := strings.Split(tp, "-")
	if len(parts) != 4 || parts[1] != traceID || parts[2] == callerSpan || parts[3] != "01" {
		t.Fatalf("agent got traceparent %q; want trace %s with a new parent", tp, traceID)
	}
	if bg, _ := h["baggage"].(string); !strings.Contains(bg, "session.id="+session) || !strings.Contains(bg, "user.id=alice") {
		t.Errorf("agent got baggage %q", bg)
	}
	if got := aws.ToString(out.TraceId); got != "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1" {
		t.Errorf("X-Amzn-Trace-Id echoed as %q", got)
	}

	byName := map[string]tracetest.SpanStub{}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, s := range spans.GetSpans() {
			byName[strings.Fields(s.Name)[0]] = s
		}
		if _, ok := byName["InvokeAgentRuntime"]; ok && byName["sandbox.start"].Name != "" {
			break
		}
	}
	op, sb := byName["InvokeAgentRuntime"], byName["sandbox.start"]
	if op.Parent.SpanID().String() != callerSpan || op.SpanContext.TraceID().String() != traceID || op.SpanKind != trace.SpanKindServer {
		t.Fatalf("server span %q parent %s trace %s", op.Name, op.Parent.SpanID(), op.SpanContext.TraceID())
	}
	if op.SpanContext.SpanID().String() != parts[2] {
		t.Fatalf("agent's parent %s, want the invocation span %s", parts[2], op.SpanContext.SpanID())
	}
	if sb.Parent.SpanID() != op.SpanContext.SpanID() || sb.SpanContext.TraceID() != op.SpanContext.TraceID() {
		t.Fatalf("sandbox.start parent %s, want %s", sb.Parent.SpanID(), op.SpanContext.SpanID())
	}
	attrs := map[string]string{}
	for _, kv := range op.Attributes {
		attrs[string(kv.Key)] = kv.Value.Emit()
	}
	for k, v := range map[string]string{"rpc.system": "aws-api", "rpc.service": "bedrock-agentcore", "rpc.method": "InvokeAgentRuntime",
		"http.response.status_code": "200", "session.id": session, "gen_ai.conversation.id": session, "gen_ai.operation.name": "invoke_agent",
		"gen_ai.agent.name": "traced", "aws.agentcore.runtime.arn": arn, "aws.agentcore.runtime.endpoint": "DEFAULT", "aws.agentcore.runtime.version": "1"} {
		if attrs[k] != v {
			t.Errorf("span attribute %s = %q, want %q", k, attrs[k], v)
		}
	}
	for _, k := range []string{"aws.request_id", "agentcore.ttfb_ms", "http.response.body.size", "http.request.body.size"} {
		if attrs[k] == "" {
			t.Errorf("span attribute %s missing", k)
		}
	}
}

// TestTracePropagationAmznTraceID: without traceparent, X-Amzn-Trace-Id is
// the parent; with tracing off, the caller's headers pass unchanged.
func TestTracePropagationAmznTraceID(t *testing.T) {
	for _, off := range []bool{false, true} {
		cfg := testenv.Fast()
		cfg.DisableTracing = off
		e := testenv.Start(t, cfg)
		arn := *e.Deploy(t, "xray", nil).AgentRuntimeArn
		in := &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: aws.String(arn), ContentType: aws.String("application/json"),
			Payload: []byte(`{}`), TraceId: aws.String("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")}
		if off {
			in.TraceParent = aws.String("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
		}
		out, err := e.Data.InvokeAgentRuntime(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(out.Response)
		out.Response.Close()
		h, _ := decode(t, body)["headers"].(map[string]any)
		tp, _ := h["traceparent"].(string)
		if off {
			if tp != *in.TraceParent || h["baggage"] != nil {
				t.Errorf("tracing off: agent got traceparent %q baggage %v; want them unchanged", tp, h["baggage"])
			}
			continue
		}
		if !strings.HasPrefix(tp, "00-5759e988bd862e3fe1be46a994272793-") || strings.Contains(tp, "53995c3f42cd8ad8") {
			t.Errorf("agent got traceparent %q; want the X-Amzn-Trace-Id root as trace id and a new parent", tp)
		}
	}
}

// TestSessionResourceMetrics: /metrics reports the memory of a runtime's
// running sessions and their CPU time; CPU time keeps counting a session
// that ended (a counter), memory drops with it.
func TestSessionResourceMetrics(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	rt := e.Deploy(t, "usage", nil)
	arn, id := *rt.AgentRuntimeArn, *rt.AgentRuntimeId
	session := testenv.SessionID("usage")
	e.InvokeJSON(t, arn, session, map[string]any{"action": "hog", "mb": 48})
	fams := scrape(t, e.URL)
	mem := metricValue(fams, "agentcore_session_memory_bytes", map[string]string{"runtime": id})
	cpu := metricValue(fams, "agentcore_session_cpu_seconds_total", map[string]string{"runtime": id})
	if mem < 40<<20 {
		t.Errorf("session memory = %v bytes, want >= 40 MiB after touching 48 MiB", mem)
	}
	if cpu <= 0 {
		t.Errorf("session CPU = %v s, want > 0", cpu)
	}
	if _, err := e.Data.StopRuntimeSession(bg, &bedrockagentcore.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(session)}); err != nil {
		t.Fatal(err)
	}
	fams = scrape(t, e.URL)
	if got := metricValue(fams, "agentcore_session_memory_bytes", map[string]string{"runtime": id}); got > 0 {
		t.Errorf("memory after the session ended = %v, want 0", got)
	}
	if got := metricValue(fams, "agentcore_session_cpu_seconds_total", map[string]string{"runtime": id}); got < cpu {
		t.Errorf("CPU counter went down after the session ended: %v -> %v", cpu, got)
	}
}
