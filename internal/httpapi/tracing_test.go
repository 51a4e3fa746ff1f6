package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"syscall"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/telemetry"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

const testARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/agent_x-abcdefghij"

func newTraced(t testing.TB, exp *tracetest.InMemoryExporter, tracing bool) *Server {
	opt := telemetry.Options{Tracing: tracing}
	if exp != nil {
		opt.Exporter = exp
	}
	tel, err := telemetry.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tel.Shutdown(context.Background()) })
	return New(Config{Telemetry: tel})
}

// simulate runs what ServeHTTP and invokeAgentRuntime do around an
// invocation, with err as the handler's outcome.
func simulate(s *Server, w http.ResponseWriter, r *http.Request, err error) http.Header {
	op := "InvokeAgentRuntime"
	w, r, done := s.startOp(w, r, "req-1", &op)
	defer done()
	tg := runtime.Target{ARN: testARN, SessionID: "session-0123456789-0123456789-0123456789"}
	ctx, ob := s.StartInvoke(r.Context(), w, r, tg)
	out := http.Header{}
	func() {
		defer func() { ob.End(err, recover()) }()
		ob.Inject(ctx, out, tg.SessionID)
		if err != nil {
			writeError(w, s.log, op, err)
			return
		}
		w.WriteHeader(200)
		w.Write([]byte(`{"ok":true}`)) //nolint:errcheck
	}()
	return out
}

func TestOperationAndInvocationSpans(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	s := newTraced(t, exp, true)
	r := httptest.NewRequest("POST", "/runtimes/x/invocations", nil)
	r.Header.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	rec := httptest.NewRecorder()
	out := simulate(s, rec, r, errs.E(errs.RuntimeClient, "agent said no"))
	s.cfg.Telemetry.ForceFlush(context.Background())
	spans := exp.GetSpans()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1 (the operation span carries the invocation)", len(spans))
	}
	op := spans[0]
	if op.Name != "InvokeAgentRuntime" || op.Parent.SpanID().String() != "00f067aa0ba902b7" {
		t.Fatalf("span %q (parent %s)", op.Name, op.Parent.SpanID())
	}
	attrs := map[string]string{}
	for _, kv := range op.Attributes {
		attrs[string(kv.Key)] = kv.Value.Emit()
	}
	for k, v := range map[string]string{"error.type": "RuntimeClientError", "http.response.status_code": "424", "aws.request_id": "req-1",
		"gen_ai.agent.id": "agent_x-abcdefghij", "gen_ai.agent.name": "agent_x", "aws.agentcore.runtime.endpoint": "DEFAULT",
		"rpc.service": "bedrock-agentcore", "gen_ai.operation.name": "invoke_agent"} {
		if attrs[k] != v {
			t.Errorf("%s = %q, want %q", k, attrs[k], v)
		}
	}
	if got := out.Get("Traceparent"); got != "00-4bf92f3577b34da6a3ce929d0e0e4736-"+op.SpanContext.SpanID().String()+"-01" {
		t.Errorf("injected traceparent %q", got)
	}
	if x := rec.Header().Get("X-Amzn-Trace-Id"); x != "" {
		t.Errorf("X-Amzn-Trace-Id %q made up in the response", x)
	}
}

// Requests to /metrics and the OTLP receiver make no span (an exported span
// must not cause another).
func TestTelemetryPathsUntraced(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	s := newTraced(t, exp, true)
	for _, p := range []string{"/metrics", "/v1/traces", "/_agentcore/observability/spans"} {
		op := "x"
		_, _, done := s.startOp(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil), "r", &op)
		done()
	}
	s.cfg.Telemetry.ForceFlush(context.Background())
	if n := len(exp.GetSpans()); n != 0 {
		t.Fatalf("%d spans for telemetry paths", n)
	}
}

func TestInvokeLabels(t *testing.T) {
	cases := []struct{ arn, q, id, ep string }{
		{testARN, "", "agent_x-abcdefghij", "DEFAULT"},
		{testARN + "/runtime-endpoint/prod", "", "agent_x-abcdefghij", "prod"},
		{"agent_x-abcdefghij", "3", "agent_x-abcdefghij", "3"},
		{"../../etc", "x y", "invalid", "invalid"},
	}
	for _, c := range cases {
		if id, ep := invokeLabels(runtime.Target{ARN: c.arn, Qualifier: c.q}); id != c.id || ep != c.ep {
			t.Errorf("%q %q: %q %q", c.arn, c.q, id, ep)
		}
	}
	if errorType(errors.New("boom")) != "InternalServerException" {
		t.Error("errorType")
	}
}

// BenchmarkInstrumentation is the per-invocation in-process cost of the
// instrumentation (spans, propagation, metrics) on the request path,
// without export. Besides ns/op (wall time, which a busy machine inflates)
// it reports request-path-cpu-ns: CPU time of the benchmark's own OS thread
// (RUSAGE_THREAD; the loop is locked to it), so work moved to background
// goroutines — the deferred span builder — is not counted, and neither is
// other load on the machine.
func BenchmarkInstrumentation(b *testing.B) {
	for _, tracing := range []bool{false, true} {
		name := map[bool]string{false: "tracing-off", true: "tracing-on"}[tracing]
		b.Run(name, func(b *testing.B) {
			s := newTraced(b, nil, tracing)
			r := httptest.NewRequest("POST", "/runtimes/x/invocations", nil)
			b.ReportAllocs()
			goruntime.LockOSThread()
			defer goruntime.UnlockOSThread()
			c0 := threadCPU()
			n := 0
			for b.Loop() {
				simulate(s, httptest.NewRecorder(), r, nil)
				n++
			}
			b.ReportMetric(float64(threadCPU()-c0)/float64(n), "request-path-cpu-ns")
		})
	}
}

// threadCPU is the calling OS thread's CPU time (user + system), in ns.
func threadCPU() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru) //nolint:errcheck // Linux only
	return ru.Utime.Nano() + ru.Stime.Nano()
}
