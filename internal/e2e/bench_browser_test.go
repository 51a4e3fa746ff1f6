package e2e

// Benchmarks of the Browser (issue 14, "Must show 5"): the server runs as
// its own process (`agentcore server`, as users run it), sessions are
// started with the AWS SDK for Go v2 and driven over CDP through the
// automation stream (GET /browser-streams/{id}/sessions/{sid}/automation,
// a WebSocket upgrade signed with SigV4 headers as the bedrock-agentcore
// SDK signs it). The baseline, measured in the same run, is the same
// Chromium binary started directly as a host process with the sessions'
// flags and connected to directly. Helpers: bench_browser_cdp_test.go (CDP
// client, direct Chromium), bench_browser_procs_test.go (server process,
// memory from /proc and cgroups); the memory benchmark is in
// bench_browser_memory_test.go.
//
//	go test -run '^$' -bench 'BrowserSessionLifecycle' -benchtime 20x -timeout 60m ./internal/e2e/
//	go test -run '^$' -bench 'BrowserCDPRoundTrip' -benchtime 2000x -timeout 30m ./internal/e2e/
//	go test -run '^$' -bench 'BrowserConcurrentMemory' -benchtime 1x -timeout 30m ./internal/e2e/
//
// AGENTCORE_BENCH_DRIVERS=process,linuxns picks the sandbox drivers
// (default both; a driver the host cannot run is skipped with the reason).
// AGENTCORE_BENCH_BROWSER_FLAGS adds server flags (e.g. "--log-level debug").

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
)

// brBuiltin is the AWS-managed browser every account has (network PUBLIC).
const brBuiltin = "aws.browser.v1"

func brDrivers() []string {
	if v := os.Getenv("AGENTCORE_BENCH_DRIVERS"); v != "" {
		return strings.Split(v, ",")
	}
	return []string{"process", "linuxns"}
}

func brRequireChromium(b *testing.B) {
	if _, err := os.Stat(brChromium); err != nil {
		b.Skip("Chromium is not installed (Debian package chromium): " + err.Error())
	}
}

// brTimeout bounds one sample.
func brTimeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 2*time.Minute)
}

// brSession is a started session with its automation stream URL.
type brSession struct{ id, stream string }

func brStartSession(ctx context.Context, d *bedrockagentcore.Client) (*brSession, error) {
	out, err := d.StartBrowserSession(ctx, &bedrockagentcore.StartBrowserSessionInput{
		BrowserIdentifier: aws.String(brBuiltin), SessionTimeoutSeconds: aws.Int32(900)})
	if err != nil {
		return nil, err
	}
	if out.Streams == nil || out.Streams.AutomationStream == nil {
		return nil, errors.New("StartBrowserSession: no automation stream")
	}
	return &brSession{id: aws.ToString(out.SessionId), stream: aws.ToString(out.Streams.AutomationStream.StreamEndpoint)}, nil
}

func brStopSession(b *testing.B, d *bedrockagentcore.Client, sid string) {
	if _, err := d.StopBrowserSession(bg(), &bedrockagentcore.StopBrowserSessionInput{
		BrowserIdentifier: aws.String(brBuiltin), SessionId: aws.String(sid)}); err != nil {
		b.Fatalf("StopBrowserSession: %v", err)
	}
}

// brServerLifecycle is one timed lifecycle through the server:
// StartBrowserSession, the signed automation-stream upgrade, the first
// navigation until the load event. The session is stopped afterwards (untimed).
func brServerLifecycle(b *testing.B, p *brServer, page string) (start, connect, nav time.Duration) {
	ctx, cancel := brTimeout()
	defer cancel()
	t0 := time.Now()
	s, err := brStartSession(ctx, p.data)
	if err != nil {
		b.Fatalf("%v\n%s", err, p.logs.tail(40))
	}
	t1 := time.Now()
	c, err := brDialAutomation(ctx, s.stream)
	if err != nil {
		b.Fatalf("automation stream: %v\n%s", err, p.logs.tail(40))
	}
	t2 := time.Now()
	if err := c.firstNavigation(ctx, page); err != nil {
		b.Fatalf("%v\n%s", err, p.logs.tail(40))
	}
	t3 := time.Now()
	c.close()
	brStopSession(b, p.data, s.id)
	return t1.Sub(t0), t2.Sub(t1), t3.Sub(t2)
}

// brDirectLifecycle is the same with Chromium launched directly: spawn
// until GET /json/version answers, connect to its webSocketDebuggerUrl,
// the same first navigation. Chromium is stopped afterwards (untimed).
// prestarted: the baseline of a warm pool, Chromium is launched untimed
// and left idle for a moment first (start is then 0).
func brDirectLifecycle(b *testing.B, page string, prestarted bool) (start, connect, nav time.Duration) {
	ctx, cancel := brTimeout()
	defer cancel()
	t0 := time.Now()
	d, err := brLaunchDirect(b)
	if err != nil {
		b.Fatal(err)
	}
	defer d.stop()
	if prestarted {
		time.Sleep(300 * time.Millisecond)
		t0 = time.Now()
	}
	t1 := time.Now()
	c, err := brDialCDP(ctx, d.ws, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.close()
	t2 := time.Now()
	if err := c.firstNavigation(ctx, page); err != nil {
		b.Fatal(err)
	}
	return t1.Sub(t0), t2.Sub(t1), time.Since(t2)
}

// brParts are the samples of one path's lifecycle and of its three parts.
type brParts struct{ total, start, connect, nav latencies }

func (l *brParts) add(s, c, n time.Duration) {
	l.total, l.start, l.connect, l.nav = append(l.total, s+c+n), append(l.start, s), append(l.connect, c), append(l.nav, n)
}

func (l *brParts) report(b *testing.B, prefix string) {
	b.ReportMetric(ms(l.total.pct(50)), prefix+"p50-ms")
	b.ReportMetric(ms(l.total.pct(99)), prefix+"p99-ms")
	b.ReportMetric(ms(l.start.pct(50)), prefix+"start-p50-ms")
	b.ReportMetric(ms(l.connect.pct(50)), prefix+"connect-p50-ms")
	b.ReportMetric(ms(l.nav.pct(50)), prefix+"nav-p50-ms")
	b.Logf("%stotal samples (ms): %v", prefix, brMsList(l.total))
}

func brMsList(l latencies) []float64 {
	out := make([]float64, len(l))
	for i, d := range l {
		out[i] = float64(d.Microseconds()) / 1000
	}
	return out
}

// BenchmarkBrowserSessionLifecycle: a new session until its first page is
// loaded: StartBrowserSession + CDP connect through the automation stream
// (SigV4-signed WebSocket upgrade) + Target.getTargets, attachToTarget,
// Page.enable, Page.navigate to a small page until Page.loadEventFired,
// timed; the session is stopped afterwards, untimed. Per driver, without
// and with --browser-warm-pool 4 (before every sample the benchmark waits
// until the pool is full again). The baseline ("direct-") is one direct
// sample (Chromium spawned with the same flags, /json/version polled every
// ms, its own WebSocket, the same navigation) before every server sample;
// with the pool, that Chromium is started beforehand, untimed (the
// baseline of a pooled session: connect + first navigation only).
func BenchmarkBrowserSessionLifecycle(b *testing.B) {
	brRequireChromium(b)
	page, where := brPage(b)
	b.Logf("page %s served on the %s", page, where)
	var cur *brServer
	var curName string
	for _, driver := range brDrivers() {
		for _, pool := range []int{0, 4} {
			name := "driver=" + driver + "/pool=off"
			if pool > 0 {
				name = fmt.Sprintf("driver=%s/pool=%d", driver, pool)
			}
			b.Run(name, func(sb *testing.B) {
				brRequireDriver(sb, driver)
				if curName != name { // one server per sub-benchmark, kept across its b.N rounds
					if cur != nil {
						cur.stop()
					}
					cur, curName = brStartServer(sb, b, driver, pool), name
					cur.settle(sb, pool)
					brServerLifecycle(sb, cur, page) // warm-up: connections open, server paths warm
					if pool > 0 {
						cur.taken++
					}
				}
				var direct, server brParts
				for range sb.N {
					cur.settle(sb, pool)
					direct.add(brDirectLifecycle(sb, page, pool > 0))
					cur.settle(sb, pool)
					server.add(brServerLifecycle(sb, cur, page))
					if pool > 0 {
						cur.taken++
					}
				}
				direct.report(sb, "direct-")
				server.report(sb, "")
				sb.ReportMetric(ms(server.total.pct(50)-direct.total.pct(50)), "added-p50-ms")
				sb.ReportMetric(ms(server.total.pct(99)-direct.total.pct(99)), "added-p99-ms")
			})
		}
	}
}

// settle waits for a full pool (pool > 0), then lets the last session's
// teardown (or the pool's latest Chromium) finish its work.
func (p *brServer) settle(b *testing.B, pool int) {
	if pool > 0 {
		p.waitPool(b, pool)
	}
	time.Sleep(300 * time.Millisecond)
}

// brRTPath is one way to send a CDP command to a page's Chromium.
type brRTPath struct {
	name string
	c    *brCDP
	sid  string // the page's CDP session on this connection
	lat  latencies
}

// BenchmarkBrowserCDPRoundTrip: one cheap CDP command and its answer on an
// open connection: "direct" is a WebSocket to the devtools port of a
// session started under the process driver (the process driver exposes
// it on a host loopback port: found in the Chromium's command line), and
// "process" the automation stream of that same session (same Chromium,
// through the server's relay). With linuxns available, "linuxns" is the
// automation stream of a session of a second server under linuxns (its
// Chromium is not reachable from the host; its "added" compares with the
// process session's Chromium). Commands rotate between the paths in
// blocks of 20. Sub-benchmarks: Browser.getVersion (answered by the
// browser process) and Runtime.evaluate 1+1 on the page's session (the
// renderer answers).
func BenchmarkBrowserCDPRoundTrip(b *testing.B) {
	brRequireChromium(b)
	var paths []*brRTPath
	for _, driver := range brDrivers() {
		if driver != "process" {
			if err := brDriverCheck(driver); err != nil {
				b.Logf("no %s path: %v", driver, err)
				continue
			}
		}
		p := brStartServer(b, b, driver, 0)
		ctx, cancel := brTimeout()
		s, err := brStartSession(ctx, p.data)
		if err != nil {
			b.Fatal(err)
		}
		relay, err := brDialAutomation(ctx, s.stream)
		if err != nil {
			b.Fatal(err)
		}
		if driver == "process" {
			bs := brBrowsers(p.cmd.Process.Pid)
			if len(bs) != 1 {
				b.Fatalf("%d Chromium browser processes below the process server, want 1", len(bs))
			}
			var port int
			for _, port = range bs {
			}
			ws, err := brVersion(keepAliveClient(), port)
			if err != nil {
				b.Fatalf("the process session's devtools port %d: %v", port, err)
			}
			direct, err := brDialCDP(ctx, ws, nil)
			if err != nil {
				b.Fatal(err)
			}
			paths = append([]*brRTPath{{name: "direct", c: direct}}, paths...)
		}
		paths = append(paths, &brRTPath{name: driver, c: relay})
		cancel()
	}
	if len(paths) < 2 || paths[0].name != "direct" {
		b.Skip("needs the process driver (its session's devtools port is the direct path)")
	}
	for _, p := range paths {
		ctx, cancel := brTimeout()
		sid, err := p.c.attachPage(ctx)
		cancel()
		if err != nil {
			b.Fatalf("%s: %v", p.name, err)
		}
		p.sid = sid
	}
	for _, cmd := range []struct {
		name, sid, method string
		params            map[string]any
	}{
		{"Browser.getVersion", "", "Browser.getVersion", map[string]any{}},
		{"Runtime.evaluate", "page", "Runtime.evaluate", map[string]any{"expression": "1+1", "returnByValue": true}},
	} {
		b.Run("cmd="+cmd.name, func(b *testing.B) {
			call := func(p *brRTPath) {
				sid := ""
				if cmd.sid != "" {
					sid = p.sid
				}
				if _, err := p.c.call(bg(), sid, cmd.method, cmd.params); err != nil {
					b.Fatalf("%s: %v", p.name, err)
				}
			}
			for _, p := range paths {
				p.lat = nil
				for range 50 { // warm-up
					call(p)
				}
			}
			const block = 20
			b.ResetTimer()
			for done := 0; done < b.N; done += block {
				n := min(block, b.N-done)
				for _, p := range paths {
					for range n {
						t0 := time.Now()
						call(p)
						p.lat = append(p.lat, time.Since(t0))
					}
				}
			}
			b.StopTimer()
			d50, d99 := paths[0].lat.pct(50), paths[0].lat.pct(99)
			b.ReportMetric(us(d50), "direct-p50-us")
			b.ReportMetric(us(d99), "direct-p99-us")
			for _, p := range paths[1:] {
				b.ReportMetric(us(p.lat.pct(50)), p.name+"-p50-us")
				b.ReportMetric(us(p.lat.pct(99)), p.name+"-p99-us")
				b.ReportMetric(us(p.lat.pct(50)-d50), p.name+"-added-p50-us")
			}
		})
	}
}
