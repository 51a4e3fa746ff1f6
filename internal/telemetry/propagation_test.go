package telemetry

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestParseAmznTraceID(t *testing.T) {
	cases := []struct {
		in      string
		ok      bool
		trace   string
		parent  string
		sampled string
		extra   int
	}{
		{"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", true, "5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", "1", 0},
		{"Root=1-5759e988-bd862e3fe1be46a994272793", true, "5759e988bd862e3fe1be46a994272793", "0000000000000000", "", 0},
		{"Root=1-5759e988-bd862e3fe1be46a994272793; Parent=53995c3f42cd8ad8; Sampled=?;Lineage=a87bd80c:1|68fd508a:5", true, "5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", "?", 1},
		{"Self=1-67891234-12456789abcdef012345678;Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0", true, "5759e988bd862e3fe1be46a994272793", "0000000000000000", "0", 0},
		{"Root=1-5759e988-bd862e3fe1be46a99427279", false, "", "", "", 0},  // short
		{"Root=2-5759e988-bd862e3fe1be46a994272793", false, "", "", "", 0}, // version
		{"Root=1-5759e98g-bd862e3fe1be46a994272793", false, "", "", "", 0}, // not hex
		{"Root=1-00000000-000000000000000000000000", false, "", "", "", 0}, // zero
		{"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c", false, "", "", "", 0},
		{"Parent=53995c3f42cd8ad8;Sampled=1", false, "", "", "", 0},
		{"", false, "", "", "", 0},
	}
	for _, c := range cases {
		x, ok := ParseAmznTraceID(c.in)
		if ok != c.ok {
			t.Errorf("%q: ok=%v, want %v", c.in, ok, c.ok)
			continue
		}
		if !ok {
			continue
		}
		if x.TraceID.String() != c.trace || x.Parent.String() != c.parent || x.Sampled != c.sampled || len(x.Extra) != c.extra {
			t.Errorf("%q: got %s %s %q %v", c.in, x.TraceID, x.Parent, x.Sampled, x.Extra)
		}
	}
}

func TestFormatAmznTraceIDRoundTrip(t *testing.T) {
	tid, _ := trace.TraceIDFromHex("5759e988bd862e3fe1be46a994272793")
	sid, _ := trace.SpanIDFromHex("53995c3f42cd8ad8")
	got := FormatAmznTraceID(tid, sid, true, "Lineage=x:1")
	want := "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=x:1"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	x, ok := ParseAmznTraceID(got)
	if !ok || x.TraceID != tid || x.Parent != sid || x.Sampled != "1" {
		t.Fatalf("round trip: %+v %v", x, ok)
	}
}

func newTestTelemetry(t *testing.T) (*Telemetry, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tel, err := New(Options{Tracing: true, Exporter: exp})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tel.Shutdown(context.Background()) })
	return tel, exp
}

// A child span of an extracted context keeps the caller's trace id; what is
// injected for the agent names the child as parent and adds session.id to
// the caller's baggage.
func TestExtractInjectTraceparent(t *testing.T) {
	tel, exp := newTestTelemetry(t)
	in := http.Header{}
	in.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	in.Set("Tracestate", "vendor=abc")
	in.Set("Baggage", "user.id=alice")
	ctx := tel.Extract(context.Background(), in)
	ctx, span := tel.Tracer().Start(ctx, "invoke")
	out := http.Header{}
	tel.Inject(ctx, out, "session-1234")
	span.End()

	tp := strings.Split(out.Get("Traceparent"), "-")
	if len(tp) != 4 || tp[1] != "4bf92f3577b34da6a3ce929d0e0e4736" || tp[2] == "00f067aa0ba902b7" || tp[2] != span.SpanContext().SpanID().String() || tp[3] != "01" {
		t.Fatalf("traceparent %q (span %s)", out.Get("Traceparent"), span.SpanContext().SpanID())
	}
	if out.Get("Tracestate") != "vendor=abc" {
		t.Errorf("tracestate %q", out.Get("Tracestate"))
	}
	b, err := baggage.Parse(out.Get("Baggage"))
	if err != nil || b.Member("user.id").Value() != "alice" || b.Member(BaggageSessionID).Value() != "session-1234" {
		t.Errorf("baggage %q: %v", out.Get("Baggage"), err)
	}
	x, ok := ParseAmznTraceID(out.Get("X-Amzn-Trace-Id"))
	if !ok || x.TraceID.String() != tp[1] || x.Parent.String() != tp[2] || x.Sampled != "1" {
		t.Errorf("X-Amzn-Trace-Id %q", out.Get("X-Amzn-Trace-Id"))
	}
	tel.ForceFlush(context.Background())
	spans := exp.GetSpans()
	if len(spans) != 1 || spans[0].Parent.SpanID().String() != "00f067aa0ba902b7" || !spans[0].Parent.IsRemote() {
		t.Fatalf("spans %+v", spans)
	}
}

// Without traceparent, X-Amzn-Trace-Id is the parent; a Root without Parent
// starts a root span with that trace id.
func TestExtractAmznTraceID(t *testing.T) {
	tel, _ := newTestTelemetry(t)
	in := http.Header{}
	in.Set("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
	_, span := tel.Tracer().Start(tel.Extract(context.Background(), in), "op")
	if sc := span.SpanContext(); sc.TraceID().String() != "5759e988bd862e3fe1be46a994272793" || !sc.IsSampled() {
		t.Fatalf("span %v", sc)
	}
	if p := span.(interface{ Parent() trace.SpanContext }).Parent(); p.SpanID().String() != "53995c3f42cd8ad8" {
		t.Fatalf("parent %v", p)
	}
	span.End()

	in.Set("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272794")
	_, span = tel.Tracer().Start(tel.Extract(context.Background(), in), "op")
	if sc := span.SpanContext(); sc.TraceID().String() != "5759e988bd862e3fe1be46a994272794" {
		t.Fatalf("root-only: span %v", sc)
	}
	if p := span.(interface{ Parent() trace.SpanContext }).Parent(); p.IsValid() {
		t.Fatalf("root-only: parent %v", p)
	}
	span.End()

	// traceparent wins over X-Amzn-Trace-Id.
	in.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	_, span = tel.Tracer().Start(tel.Extract(context.Background(), in), "op")
	if sc := span.SpanContext(); sc.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("precedence: span %v", sc)
	}
	span.End()

	// Sampled=0 is honoured (parent-based sampling).
	in = http.Header{}
	in.Set("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0")
	_, span = tel.Tracer().Start(tel.Extract(context.Background(), in), "op")
	if span.SpanContext().IsSampled() || span.IsRecording() {
		t.Fatalf("Sampled=0 recorded")
	}
	span.End()
}

func TestTracingOff(t *testing.T) {
	tel, err := New(Options{Tracing: false})
	if err != nil {
		t.Fatal(err)
	}
	_, span := tel.Tracer().Start(context.Background(), "x")
	if span.IsRecording() || tel.Tracing() || tel.TracerProvider() != nil {
		t.Fatal("tracing off still records")
	}
}

// The OTLP exporter pointed at nothing (or a 404) must not fail anything.
func TestExportFailureIsHarmless(t *testing.T) {
	tel, err := New(Options{Tracing: true, Endpoint: "http://127.0.0.1:1/v1/traces"})
	if err != nil {
		t.Fatal(err)
	}
	_, span := tel.Tracer().Start(context.Background(), "x")
	span.End()
	if err := tel.ForceFlush(context.Background()); err != nil {
		t.Fatalf("flush: %v", err)
	}
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}
