package e2e

// BenchmarkHotpathGateway (issue 21, item 2): only the gateway part of
// BenchmarkHotpath, for several server binaries in the same run. Each binary
// runs as `agentcore server` twice (tracing on and --tracing=false), each
// with a gateway whose OpenAPI target is an HTTP backend in this (client)
// process. Per run: 1000 tools/call per server interleaved in blocks of 50
// with direct backend calls (added p50/p99), then calls/s at concurrency 16
// in 1-second slices rotating over the backend direct and the servers, with
// each server process's CPU time per call (/proc/<pid>/stat):
//
//	go test -run '^$' -bench '^BenchmarkHotpathGateway$' -benchtime 1x -v ./internal/e2e/
//	AGENTCORE_BENCH_BINARIES=before=/tmp/agentcore-before,after=/tmp/agentcore-after \
//	  go test -run '^$' -bench '^BenchmarkHotpathGateway$' -benchtime 1x -v ./internal/e2e/
//
// Overrides: AGENTCORE_BENCH_RUNS (3), AGENTCORE_BENCH_SECONDS (per path per run, 3),
// AGENTCORE_BENCH_NOTRACE=0 (skip the --tracing=false servers). The server
// pids are logged so a profiler (perf record -p) can attach.

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func BenchmarkHotpathGateway(b *testing.B) {
	runs := hpInt("AGENTCORE_BENCH_RUNS", 3)
	secs := time.Duration(hpInt("AGENTCORE_BENCH_SECONDS", 3)) * time.Second
	type gwPath struct {
		name string
		pid  int
		gw   hpGateway
		lat  latencies
	}
	var paths []*gwPath
	for _, nb := range benchBinaries(b) {
		p := startServerProc(b, nb[0], nb[1])
		paths = append(paths, &gwPath{name: nb[0], pid: p.cmd.Process.Pid, gw: hpGatewaySetup(b, p)})
		b.Logf("%s: server pid %d", nb[0], p.cmd.Process.Pid)
		if hpInt("AGENTCORE_BENCH_NOTRACE", 1) == 1 {
			q := startServerProc(b, nb[0]+"-notrace", nb[1], "--tracing=false")
			paths = append(paths, &gwPath{name: nb[0] + "-notrace", pid: q.cmd.Process.Pid, gw: hpGatewaySetup(b, q)})
			b.Logf("%s-notrace: server pid %d", nb[0], q.cmd.Process.Pid)
		}
	}
	direct := paths[0].gw.direct
	c := keepAliveClient()
	b.ResetTimer()
	for run := 1; run <= runs; run++ {
		var d latencies
		for _, p := range paths {
			p.lat = p.lat[:0]
		}
		la := loadAvg()
		for range 20 { // 20 blocks of 50: direct, then each server
			for range 50 {
				t0 := time.Now()
				getOK(b, c, direct)
				d = append(d, time.Since(t0))
			}
			for _, p := range paths {
				for range 50 {
					t0 := time.Now()
					mcpCall(b, c, p.gw.url)
					p.lat = append(p.lat, time.Since(t0))
				}
			}
		}
		line := fmt.Sprintf("run %d gateway latency (load %s → %s): direct p50 %.0f µs;", run, la, loadAvg(), us(d.pct(50)))
		for _, p := range paths {
			line += fmt.Sprintf(" %s added p50 %.0f p99 %.0f µs;", p.name, us(p.lat.pct(50)-d.pct(50)), us(p.lat.pct(99)-d.pct(99)))
		}
		b.Log(line)
		// Throughput: 1-second slices rotating over direct and the servers,
		// so every path sees the same load.
		rates := make([]float64, len(paths)+1)
		cpu := make([]time.Duration, len(paths)) // the server process's CPU time
		calls := make([]float64, len(paths))
		la = loadAvg()
		for range int(secs / time.Second) {
			r, _ := throughput(b, 16, time.Second, func(c *http.Client) { getOK(b, c, direct) })
			rates[0] += r / secs.Seconds()
			for i, p := range paths {
				c0 := procCPU(p.pid)
				r, _ := throughput(b, 16, time.Second, func(c *http.Client) { mcpCall(b, c, p.gw.url) })
				cpu[i] += procCPU(p.pid) - c0
				calls[i] += r
				rates[i+1] += r / secs.Seconds()
			}
		}
		line = fmt.Sprintf("run %d gateway calls/s c=16 (load %s → %s): direct %.0f;", run, la, loadAvg(), rates[0])
		for i, p := range paths {
			line += fmt.Sprintf(" %s %.0f (server CPU %.0f µs/call);", p.name, rates[i+1], us(cpu[i])/calls[i])
			b.ReportMetric(rates[i+1], p.name+"-calls/s")
			b.ReportMetric(us(cpu[i])/calls[i], p.name+"-server-cpu-µs/call")
		}
		b.Log(line)
	}
}
