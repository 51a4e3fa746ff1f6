package console

import (
	"bytes"
	"encoding/binary"
	"io"
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

// loadMetrics is what the page's Performance API saw on its first load.
type loadMetrics struct {
	Bytes    float64 `json:"bytes"`    // transferred: document, modules, stylesheet, API answers
	Requests int     `json:"requests"` // resources fetched after the document
	DCL      float64 `json:"dcl"`      // DOMContentLoaded, ms after navigation start
	Ready    float64 `json:"ready"`    // the page rendered with its data (mark console-ready), ms
	RenderMs float64 `json:"renderMs"` // session view: building the waterfall
	Spans    int     `json:"spans"`    // session view: waterfall rows
	Slowest  string  `json:"slowest"`  // the slowest request and its time
	Marks    string  `json:"marks"`    // the page's performance marks (ms)
}

const metricsJS = `(() => {
	const nav = performance.getEntriesByType('navigation')[0];
	const res = performance.getEntriesByType('resource');
	const ready = performance.getEntriesByName('console-ready')[0];
	const wf = document.querySelector('[data-render-ms]');
	return {bytes: nav.transferSize + res.reduce((a, r) => a + r.transferSize, 0), requests: res.length,
		dcl: nav.domContentLoadedEventEnd, ready: ready ? ready.startTime : -1,
		renderMs: wf ? +wf.dataset.renderMs : -1, spans: document.querySelectorAll('.wf-row[data-span-id]').length,
		marks: performance.getEntriesByType('mark').map(m => m.name + ' ' + Math.round(m.startTime)).join(', '),
		slowest: res.map(r => [r.duration, r.name, r.startTime]).sort((a, b) => b[0] - a[0]).slice(0, 4)
			.map(([d, n, st]) => n.replace(location.origin, '').slice(0, 60) + ' ' + Math.round(d) + ' ms at ' + Math.round(st)).join('; ')};
})()`

// TestConsolePerformance measures the first load of the overview (bytes
// transferred and time until it is rendered with its data, in a fresh
// headless Chromium) and the session view of a 2,000-span trace (target:
// rendered in ≤ 1 s). The numbers are logged (docs/benchmarks.md):
//
//	go test ./internal/e2e/console -run TestConsolePerformance -count=1 -v
func TestConsolePerformance(t *testing.T) {
	b := StartBrowser(t)
	e := localServer(t)
	s := seed(t, e)
	session := testenv.SessionID("bigtrace")
	postBigTrace(t, e.URL, session, 2000)

	p := b.NewPage(t) // a fresh profile: nothing cached
	p.Ignore = beforeSessionAPI
	p.Visit(t, e.URL+"/console/")
	p.Wait(t, "figure svg.chart", 0)
	m := Eval[loadMetrics](t, p, metricsJS)
	t.Logf("overview, first load: %.1f KiB transferred in %d requests after the document, DOMContentLoaded %.0f ms, rendered with data %.0f ms",
		m.Bytes/1024, m.Requests, m.DCL, m.Ready)
	if m.Ready <= 0 || m.Bytes <= 0 || m.Bytes > 200<<10 {
		t.Fatalf("overview load: %+v", m)
	}
	p.NoErrors(t, "overview")
	p.Close()

	for i := range 3 { // the first visit compiles the modules; the later ones show the steady state
		q := b.NewPage(t)
		q.Ignore = beforeSessionAPI
		q.Visit(t, e.URL+"/console/sessions/-/"+session)
		q.Wait(t, ".wf-row[data-span-id]", 0)
		m := Eval[loadMetrics](t, q, metricsJS)
		t.Logf("session view, 2,000-span trace (visit %d): waterfall built in %.0f ms, page rendered with data %.0f ms after navigation start (%.0f KiB transferred; marks: %s; slowest requests: %s)",
			i+1, m.RenderMs, m.Ready, m.Bytes/1024, m.Marks, m.Slowest)
		if m.Spans != 2000 || m.RenderMs < 0 {
			t.Fatalf("session view: %+v", m)
		}
		if m.Ready > 10_000 { // the target is 1 s; a loaded CI machine gets slack, the log has the number
			t.Fatalf("session view took %.0f ms", m.Ready)
		}
		q.NoErrors(t, "session view")
		q.Close()
	}
	_ = s
}

// postBigTrace exports one trace of n spans of session over OTLP/HTTP: an
// invocation root, 40 turns under it, model and tool calls under the
// turns, and their children.
func postBigTrace(t *testing.T, url, session string, n int) {
	t.Helper()
	tid := make([]byte, 16)
	binary.BigEndian.PutUint64(tid[8:], uint64(time.Now().UnixNano()))
	sid := func(i int) []byte { b := make([]byte, 8); binary.BigEndian.PutUint64(b, uint64(i+1)); return b }
	base := time.Now().Add(-time.Minute)
	names := []string{"chat model", "execute_tool search", "execute_tool fetch", "retrieve memory"}
	var spans []*tracepb.Span
	for i := range n {
		parent := -1
		name := "invoke_agent"
		switch {
		case i == 0:
		case i <= 40:
			parent, name = 0, "turn"
		case i <= 1000:
			parent, name = 1+(i-41)%40, names[i%len(names)]
		default:
			parent, name = i-960, "http "+names[i%len(names)]
		}
		start := base.Add(time.Duration(i) * 20 * time.Millisecond)
		sp := &tracepb.Span{TraceId: tid, SpanId: sid(i), Name: name, Kind: tracepb.Span_SPAN_KIND_INTERNAL,
			StartTimeUnixNano: uint64(start.UnixNano()), EndTimeUnixNano: uint64(start.Add(time.Duration(5+i%200) * time.Millisecond).UnixNano()),
			Attributes: []*commonpb.KeyValue{str("session.id", session), str("gen_ai.operation.name", name)}}
		if parent >= 0 {
			sp.ParentSpanId = sid(parent)
		}
		if i == 0 {
			sp.EndTimeUnixNano = uint64(base.Add(time.Duration(n) * 20 * time.Millisecond).UnixNano())
		}
		spans = append(spans, sp)
	}
	postSpans(t, url, "bench-agent", spans)
	// Stored asynchronously: wait for all of them.
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/_agentcore/observability/sessions/" + session)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if bytes.Contains(b, []byte(`"spanCount":2000`)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the 2,000 spans were not stored: %s", b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func str(k, v string) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
}

// postSpans exports spans of one service over OTLP/HTTP (protobuf), 500 a
// request.
func postSpans(t *testing.T, url, service string, spans []*tracepb.Span) {
	t.Helper()
	for len(spans) > 0 {
		batch := spans[:min(500, len(spans))]
		spans = spans[len(batch):]
		req := &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
			Resource:   &resourcepb.Resource{Attributes: []*commonpb.KeyValue{str("service.name", service)}},
			ScopeSpans: []*tracepb.ScopeSpans{{Spans: batch}},
		}}}
		body, _ := proto.Marshal(req)
		resp, err := http.Post(url+"/v1/traces", "application/x-protobuf", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("POST /v1/traces: %d %s", resp.StatusCode, out)
		}
	}
}
