package e2e

// BenchmarkTracing (issue "Observability": "invocation overhead with tracing
// on vs off, same run, ratio; target: tracing adds ≤ 5% to invocation latency
// at p50"). See docs/benchmarks.md for the command and the numbers.
//
//	go test -run '^$' -bench 'Tracing' -benchtime 20000x -count 5 ./internal/e2e/

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// BenchmarkTracing measures warm-session InvokeAgentRuntime latency (raw
// HTTP, keep-alive, the same tiny JSON request as BenchmarkInvokeWarm) on
// three servers of the same build in the same process:
//
//   - off: --tracing=false (trace headers pass through; metrics on);
//   - on: tracing on, the default: one span per invocation, trace context
//     injected into the agent request, spans batched and exported over
//     OTLP/HTTP to the server's own receiver, which stores them (SQLite);
//   - inproc: tracing on, spans not exported (TraceExport "none"): the cost
//     of the instrumentation itself, without the span store;
//   - control: a second tracing-off server: its ratio to off is the noise
//     floor of the method (an A/A comparison).
//
// Requests rotate between the servers in blocks (order rotated every block)
// so drift on a shared machine hits all alike. b.N requests go to each.
func BenchmarkTracing(b *testing.B) {
	type side struct {
		name string
		url  string
		lat  latencies
	}
	names := []string{"off", "on", "inproc", "control"}
	if v := os.Getenv("AGENTCORE_BENCH_TRACING_SIDES"); v != "" { // e.g. "off,inproc" (profiling one side)
		names = strings.Split(v, ",")
	}
	sides := make([]*side, len(names))
	clients := make([]*http.Client, len(names))
	for i, name := range names {
		cfg := benchServerConfig()
		cfg.DisableTracing = name == "off" || name == "control"
		if name == "inproc" {
			cfg.TraceExport = "none"
		}
		e := testenv.Start(b, cfg)
		rt := e.Deploy(b, "bench_tracing_"+name, nil)
		sides[i] = &side{name: name, url: invokeURL(e, *rt.AgentRuntimeArn)}
		clients[i] = keepAliveClient()
	}
	session := testenv.SessionID("bench-tracing")
	const warmup, block = 300, 250
	for k, s := range sides {
		for range warmup {
			post(b, clients[k], s.url, session, warmPayload)
		}
		s.lat = make(latencies, 0, b.N)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i, round := 0, 0; i < b.N; i, round = i+block, round+1 {
		for step := range sides {
			k := (step + round) % len(sides)
			s := sides[k]
			for j := 0; j < block && i+j < b.N; j++ {
				t0 := time.Now()
				post(b, clients[k], s.url, session, warmPayload)
				s.lat = append(s.lat, time.Since(t0))
			}
		}
	}
	b.StopTimer()
	off := sides[0].lat
	b.ReportMetric(us(off.pct(50)), "off-p50-us")
	b.ReportMetric(us(off.pct(99)), "off-p99-us")
	for _, s := range sides[1:] {
		b.ReportMetric(us(s.lat.pct(50)), s.name+"-p50-us")
		b.ReportMetric(us(s.lat.pct(99)), s.name+"-p99-us")
		b.ReportMetric(float64(s.lat.pct(50))/float64(off.pct(50)), s.name+"-p50-ratio")
		b.ReportMetric(float64(s.lat.pct(99))/float64(off.pct(99)), s.name+"-p99-ratio")
	}
}
