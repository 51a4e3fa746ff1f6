package e2e

// BenchmarkHotpath (issue 21): the hot path measured as users see it, with
// `agentcore server` as its own process (local mode) and this benchmark as a
// separate load client over keep-alive connections, against anchors in the
// same run, interleaved: the agent called directly, nginx from Debian as a
// plain reverse proxy to the same agent, and a direct spawn of the agent for
// cold starts. One command (needs /usr/sbin/nginx; linuxns parts skip when the
// driver is unavailable):
//
//	go run ./bench/hotpath
//
// which runs
//
//	go test -run '^$' -bench '^BenchmarkHotpath$' -benchtime 1x -timeout 60m -v ./internal/e2e/
//
// Overrides: AGENTCORE_BENCH_RUNS (3), AGENTCORE_BENCH_WARM (requests per path
// per run, 5000), AGENTCORE_BENCH_SECONDS (per throughput point, 3),
// AGENTCORE_BENCH_COLD (cold starts per path per run, 20), AGENTCORE_BENCH_IDLE
// (idle sessions for the RSS figure, 300), AGENTCORE_BENCH_IDLE_BINARY (another
// agentcore binary for the RSS figure), AGENTCORE_BENCH_DRIVERS (process,linuxns;
// "none" skips the cold starts), AGENTCORE_BENCH_BASELINE (another agentcore
// binary, e.g. an older build: its servers, tracing on and off, join the warm
// and throughput rotation as "baseline" and "baseline-notrace", so before and
// after are measured in the same run), AGENTCORE_BENCH_GATEWAY (0 skips the
// gateway part), AGENTCORE_BENCH_PREPARED (the linuxns server's
// --linuxns-prepared; 0 = none).
// Every line carries the 1-minute load average. Results: docs/benchmarks.md.
// The gateway part alone, for several server binaries in one run:
// BenchmarkHotpathGateway (bench_hotpath_gateway_test.go).

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

func hpInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n >= 0 {
		return n
	}
	return def
}

// loadAvg is the 1-minute load average as text.
func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// startNginx runs Debian's nginx as a plain reverse proxy to upstream on a
// free loopback port, in the foreground (a child this benchmark kills).
func startNginx(b *testing.B, upstream string) string {
	b.Helper()
	const bin = "/usr/sbin/nginx"
	if _, err := os.Stat(bin); err != nil {
		b.Skipf("nginx anchor: %v (apt-get install nginx-light)", err)
	}
	dir := b.TempDir()
	port := freePort(b)
	conf := fmt.Sprintf(`daemon off;
worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %[1]s/body; proxy_temp_path %[1]s/proxy; fastcgi_temp_path %[1]s/fcgi;
  uwsgi_temp_path %[1]s/uwsgi; scgi_temp_path %[1]s/scgi;
  upstream agent { server %[2]s; keepalive 64; }
  server {
    listen 127.0.0.1:%[3]d;
    location / { proxy_pass http://agent; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`, dir, strings.TrimPrefix(upstream, "http://"), port)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log"))
	var logs lockedBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }() //nolint:errcheck // observed via exited
	b.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck
		<-exited
	})
	u := fmt.Sprintf("http://127.0.0.1:%d", port)
	for t0 := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		if resp, err := http.Get(u + "/ping"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return u
			}
		}
		select {
		case <-exited:
			b.Fatalf("nginx exited: %s", logs.String())
		default:
		}
		if time.Since(t0) > 20*time.Second {
			b.Fatalf("nginx not answering: %s", logs.String())
		}
	}
}

// hpPath is one way to reach the agent.
type hpPath struct {
	name string
	url  string
	c    *http.Client
	lat  latencies
	pid  int // the server process whose CPU time per request is reported (0: none)
}

// procCPU is a process's user+system CPU time (/proc/<pid>/stat); its
// children (the agents) are not in it.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // fields from 3 (state) on
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

func BenchmarkHotpath(b *testing.B) {
	runs, warmN := hpInt("AGENTCORE_BENCH_RUNS", 3), hpInt("AGENTCORE_BENCH_WARM", 5000)
	secs := time.Duration(hpInt("AGENTCORE_BENCH_SECONDS", 3)) * time.Second
	bin := testenv.BuildGo(b, "cmd/agentcore")
	agentBin := testenv.BuildGo(b, "internal/testagent")
	agentEnv := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir()}
	direct := startDirect(b, filepath.Dir(agentBin), agentEnv, agentBin)
	b.Cleanup(direct.Stop)
	ngx := startNginx(b, direct.URL)
	on := startServerProc(b, "platform", bin)
	off := startServerProc(b, "platform-notrace", bin, "--tracing=false")
	onRT := on.env.Deploy(b, "hp_warm_on", nil)
	offRT := off.env.Deploy(b, "hp_warm_off", nil)
	session := testenv.SessionID("bench-hotpath")
	paths := []*hpPath{
		{name: "direct", url: direct.URL + "/invocations"},
		{name: "nginx", url: ngx + "/invocations"},
		{name: "platform", url: invokeURL(on.env, *onRT.AgentRuntimeArn), pid: on.cmd.Process.Pid},
		{name: "platform-notrace", url: invokeURL(off.env, *offRT.AgentRuntimeArn), pid: off.cmd.Process.Pid},
	}
	if base := os.Getenv("AGENTCORE_BENCH_BASELINE"); base != "" {
		bon := startServerProc(b, "baseline", base)
		boff := startServerProc(b, "baseline-notrace", base, "--tracing=false")
		bonRT, boffRT := bon.env.Deploy(b, "hp_warm_bon", nil), boff.env.Deploy(b, "hp_warm_boff", nil)
		paths = append(paths, &hpPath{name: "baseline", url: invokeURL(bon.env, *bonRT.AgentRuntimeArn), pid: bon.cmd.Process.Pid},
			&hpPath{name: "baseline-notrace", url: invokeURL(boff.env, *boffRT.AgentRuntimeArn), pid: boff.cmd.Process.Pid})
	}
	gateway := hpInt("AGENTCORE_BENCH_GATEWAY", 1) != 0
	for _, p := range paths {
		p.c = keepAliveClient()
		for range 200 {
			post(b, p.c, p.url, session, warmPayload)
		}
	}
	var gw, gwOff hpGateway
	if gateway {
		gw, gwOff = hpGatewaySetup(b, on), hpGatewaySetup(b, off)
	}
	b.ResetTimer()
	for run := 1; run <= runs; run++ {
		// Warm latency: blocks of 50 requests rotate over the paths.
		for _, p := range paths {
			p.lat = p.lat[:0]
		}
		la := loadAvg()
		for done := 0; done < warmN; done += 50 {
			for _, p := range paths {
				for range min(50, warmN-done) {
					t0 := time.Now()
					post(b, p.c, p.url, session, warmPayload)
					p.lat = append(p.lat, time.Since(t0))
				}
			}
		}
		d50, d99 := paths[0].lat.pct(50), paths[0].lat.pct(99)
		line := fmt.Sprintf("run %d warm (load %s → %s): direct p50 %.0f p99 %.0f µs", run, la, loadAvg(), us(d50), us(d99))
		for _, p := range paths[1:] {
			p50, p99 := p.lat.pct(50), p.lat.pct(99)
			line += fmt.Sprintf("; %s added p50 %.0f p99 %.0f µs", p.name, us(p50-d50), us(p99-d99))
		}
		b.Log(line)
		// Throughput at concurrency 16, one path after the other.
		line = fmt.Sprintf("run %d invoke req/s c=16:", run)
		for _, p := range paths {
			la := loadAvg()
			cpu0 := procCPU(p.pid)
			rate, _ := throughput(b, 16, secs, func(c *http.Client) { post(b, c, p.url, session, warmPayload) })
			cpu := ""
			if p.pid != 0 && rate > 0 { // the server's CPU per request (its background writers included)
				time.Sleep(5500 * time.Millisecond) // the span batch (SDK timeout 5 s) and log batches of these requests are stored
				cpu = fmt.Sprintf(", server CPU %.0f µs/req", float64((procCPU(p.pid)-cpu0).Microseconds())/(rate*secs.Seconds()))
			}
			line += fmt.Sprintf(" %s %.0f (load %s%s);", p.name, rate, la, cpu)
			b.ReportMetric(rate, p.name+"-req/s")
		}
		b.Log(line)
		if gateway {
			b.Log(hpGatewayRun(b, run, secs, gw, gwOff))
		}
	}
	hpCold(b, runs, bin, agentBin, agentEnv)
	for _, driver := range hpDrivers() {
		b.Log(hpIdleRSS(b, bin, driver, hpInt("AGENTCORE_BENCH_IDLE", 300)))
	}
}
