package e2e

// BenchmarkIsolation (issue: sandbox drivers): per sandbox driver (process,
// linuxns, gvisor), through the platform (InvokeAgentRuntime over a plain
// net/http keep-alive client, as BenchmarkColdStart does), cold start → first
// byte for the Go and the Python SDK example agents, 20 new sessions invoked
// in parallel with and without a warm pool, cold start served from a warm
// pool, and the host memory an idle session holds. Only runs with -bench;
// the inner iteration counts are fixed (environment overrides below), so run
// it with -benchtime 1x:
//
//	go test -run '^$' -bench Isolation -benchtime 1x -timeout 60m ./internal/e2e/
//
// Overrides: AGENTCORE_BENCH_DRIVERS (comma list), AGENTCORE_BENCH_COLD_GO,
// AGENTCORE_BENCH_COLD_PY (cold iterations), AGENTCORE_BENCH_PAR_REPS
// (parallel repetitions), AGENTCORE_BENCH_IDLE_GO, AGENTCORE_BENCH_IDLE_PY
// (idle sessions; 0 skips), AGENTCORE_BENCH_POOL=0 (skip the warm-pool
// measures), AGENTCORE_BENCH_RUNSC=label=/path/runsc,... (run the gvisor
// driver once per runsc binary, as "gvisor-<label>", in the same run).
// Results: docs/benchmarks.md.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox/gvisor"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

const (
	isoParallel  = 20 // sessions created at once
	isoPoolCold  = 4  // warm pool size for the pooled cold start
	isoBoxBytes  = 24 << 30
	isoHostBytes = 2 << 30 // left to the host when counting idle sessions per box
)

// isoDefaults are the inner iteration counts per driver.
type isoDefaults struct{ coldGo, coldPy, parReps, idleGo, idlePy int }

func isoCounts(driver string) isoDefaults {
	// Enough idle sessions that their memory stands out from the noise of
	// a shared host; under linuxns the full 1,000 of the target.
	d := isoDefaults{coldGo: 30, coldPy: 15, parReps: 5, idleGo: 200, idlePy: 10}
	switch driver {
	case "linuxns":
		d.idleGo = 1000
	case "gvisor":
		d.coldGo, d.coldPy, d.idleGo, d.idlePy = 20, 10, 40, 5
	}
	env := func(name string, v *int) {
		if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n >= 0 {
			*v = n
		}
	}
	env("AGENTCORE_BENCH_COLD_GO", &d.coldGo)
	env("AGENTCORE_BENCH_COLD_PY", &d.coldPy)
	env("AGENTCORE_BENCH_PAR_REPS", &d.parReps)
	env("AGENTCORE_BENCH_IDLE_GO", &d.idleGo)
	env("AGENTCORE_BENCH_IDLE_PY", &d.idlePy)
	return d
}

// isoAgent is one deployable example agent.
type isoAgent struct {
	name    string
	zip     []byte
	rtType  ctltypes.AgentManagedRuntimeType
	entry   string
	payload []byte
}

// isoRuntime is a deployed runtime.
type isoRuntime struct{ id, arn string }

var isoSeq int

// isoDeploy creates a runtime for ag (env as environmentVariables) and waits
// until READY (for Python this includes the pip install).
func isoDeploy(b *testing.B, e *testenv.Env, ag isoAgent, env map[string]string) isoRuntime {
	b.Helper()
	isoSeq++
	name := fmt.Sprintf("iso_%s_%d", strings.ReplaceAll(ag.name, "-", "_"), isoSeq)
	key := fmt.Sprintf("iso-%s-%d-%d.zip", ag.name, isoSeq, time.Now().UnixNano())
	e.Upload(b, "agents", key, ag.zip)
	out, err := e.Control.CreateAgentRuntime(context.Background(), &ctl.CreateAgentRuntimeInput{
		AgentRuntimeName:     aws.String(name),
		AgentRuntimeArtifact: testenv.CodeArtifact(&ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)}, ag.rtType, ag.entry),
		RoleArn:              aws.String(testenv.RoleArn),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
		EnvironmentVariables: env,
	})
	if err != nil {
		b.Fatalf("CreateAgentRuntime %s: %v", name, err)
	}
	t0 := time.Now()
	e.WaitReady(b, *out.AgentRuntimeId, 15*time.Minute)
	b.Logf("%s: %s deployed (READY) in %s", e.Config.Sandbox, name, time.Since(t0).Round(time.Millisecond))
	return isoRuntime{id: *out.AgentRuntimeId, arn: *out.AgentRuntimeArn}
}

// isoDelete deletes a runtime (which drops its warm pool) and waits until
// no pooled environment is left.
func isoDelete(b *testing.B, e *testenv.Env, rt isoRuntime) {
	b.Helper()
	if _, err := e.Control.DeleteAgentRuntime(context.Background(), &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: aws.String(rt.id)}); err != nil {
		b.Fatalf("DeleteAgentRuntime: %v", err)
	}
	isoWait(b, e, "warm pool drained", func(h isoHealthz) bool { return h.WarmPoolReady == 0 })
	// Environments the pool was still starting when the runtime was deleted
	// should go too: show what is left a few seconds later.
	time.Sleep(3 * time.Second)
	_, procs, names := descendantsPSS()
	b.Logf("%s: 3 s after deleting %s: health %+v; processes below the benchmark: %d %v",
		e.Config.Sandbox, rt.id, isoHealth(b, e), procs, names)
}

type isoHealthz struct {
	Driver        string `json:"driver"`
	Sessions      int    `json:"sessions"`
	WarmPoolReady int    `json:"warmPoolReady"`
}

func isoHealth(b testing.TB, e *testenv.Env) isoHealthz {
	resp, err := http.Get(e.URL + "/_agentcore/health")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var h isoHealthz
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		b.Fatal(err)
	}
	return h
}

// isoWait polls the health endpoint until ok (5 minutes at most).
func isoWait(b testing.TB, e *testenv.Env, what string, ok func(isoHealthz) bool) {
	b.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for h := isoHealth(b, e); !ok(h); h = isoHealth(b, e) {
		if time.Now().After(deadline) {
			b.Fatalf("%s: not reached after 5 minutes (health %+v)", what, h)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func isoStop(b *testing.B, e *testenv.Env, arn string, sessions ...string) {
	b.Helper()
	errs := make([]error, len(sessions))
	var wg sync.WaitGroup
	for i, s := range sessions {
		wg.Go(func() {
			_, errs[i] = e.Data.StopRuntimeSession(context.Background(), &bedrockagentcore.StopRuntimeSessionInput{
				AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s)})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Fatalf("StopRuntimeSession: %v", err)
		}
	}
}

func isoSession(tag string, i int) string {
	return fmt.Sprintf("iso-%s-%d-%d-00000000000000000000000000000000", tag, time.Now().UnixNano(), i)
}

// isoCold times n cold starts (fresh session → first byte), stopping each
// session afterwards; before each one, ready (if set) waits for the pool.
func isoCold(b *testing.B, e *testenv.Env, rt isoRuntime, ag isoAgent, n int, ready func()) latencies {
	c := keepAliveClient()
	u := invokeURL(e, rt.arn)
	lat := make(latencies, 0, n)
	for i := range n {
		if ready != nil {
			ready()
		}
		s := isoSession(ag.name, i)
		t0 := time.Now()
		firstByte(b, c, u, s, ag.payload)
		lat = append(lat, time.Since(t0))
		isoStop(b, e, rt.arn, s)
		c.CloseIdleConnections()
	}
	return lat
}

// isoFirstByte is firstByte for goroutines other than the benchmark's: it
// returns the error instead of failing.
func isoFirstByte(c *http.Client, u, session string, body []byte) error {
	resp, err := benchDo(c, u, session, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	br := bufio.NewReaderSize(resp.Body, 1)
	if _, err := br.ReadByte(); err != nil || resp.StatusCode != http.StatusOK {
		rest, _ := io.ReadAll(br)
		return fmt.Errorf("POST %s: %d %v %s", u, resp.StatusCode, err, rest)
	}
	_, err = io.Copy(io.Discard, br)
	return err
}

// isoParallelRound creates isoParallel new sessions at once and returns the
// wall time until every one of them has its first byte, and the slowest
// single request. The sessions are stopped afterwards (untimed).
func isoParallelRound(b *testing.B, e *testenv.Env, c *http.Client, rt isoRuntime, ag isoAgent, round int) (total, slowest time.Duration) {
	u := invokeURL(e, rt.arn)
	// Open isoParallel keep-alive connections first so connection set-up
	// to the server is not counted.
	var wg sync.WaitGroup
	for range isoParallel {
		wg.Go(func() {
			if resp, err := c.Get(e.URL + "/_agentcore/health"); err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	sessions := make([]string, isoParallel)
	for i := range sessions {
		sessions[i] = isoSession(fmt.Sprintf("par%d", round), i)
	}
	each := make([]time.Duration, isoParallel)
	errs := make([]error, isoParallel)
	gate := make(chan struct{})
	for i := range isoParallel {
		wg.Go(func() {
			<-gate
			t0 := time.Now()
			errs[i] = isoFirstByte(c, u, sessions[i], ag.payload)
			each[i] = time.Since(t0)
		})
	}
	t0 := time.Now()
	close(gate)
	wg.Wait()
	total = time.Since(t0)
	for _, err := range errs {
		if err != nil {
			b.Fatalf("parallel invoke: %v", err)
		}
	}
	isoStop(b, e, rt.arn, sessions...)
	return total, slices.Max(each)
}

// meminfoUsed is MemTotal − MemAvailable in bytes.
func meminfoUsed() int64 {
	data, _ := os.ReadFile("/proc/meminfo")
	var total, avail int64
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "MemTotal:":
			total = v << 10
		case "MemAvailable:":
			avail = v << 10
		}
	}
	return total - avail
}

// descendantsPSS sums the PSS of every process below this one (agents,
// nsinit helpers, runsc sandbox/gofer/stubs) and counts them.
func descendantsPSS() (pss int64, procs int, names map[string]int) {
	names = map[string]int{}
	parent := map[int]int{}
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(st)
		if i := strings.LastIndexByte(s, ')'); i > 0 {
			if f := strings.Fields(s[i+1:]); len(f) > 1 {
				parent[pid], _ = strconv.Atoi(f[1])
			}
		}
	}
	self := os.Getpid()
	for pid := range parent {
		p, hops := parent[pid], 0
		for p > 1 && p != self && hops < 64 {
			p, hops = parent[p], hops+1
		}
		if p != self {
			continue
		}
		procs++
		comm, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
		names[strings.TrimSpace(string(comm))]++
		sm, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
		for _, l := range strings.Split(string(sm), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "Pss:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				pss += kb << 10
			}
		}
	}
	return pss, procs, names
}

// memSample is the median of 5 readings of MemTotal−MemAvailable (after
// returning this process's free heap to the OS), 300 ms apart.
func memSample() int64 {
	var v []int64
	for range 5 {
		debug.FreeOSMemory()
		v = append(v, meminfoUsed())
		time.Sleep(300 * time.Millisecond)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// isoIdle starts k idle sessions of rt (one invocation each), lets them
// settle and reports the host memory they hold per session.
func isoIdle(b *testing.B, e *testenv.Env, rt isoRuntime, ag isoAgent, k int) (hostPer, pssPer float64) {
	c := keepAliveClient()
	u := invokeURL(e, rt.arn)
	time.Sleep(2 * time.Second)
	before := memSample()
	pss0, procs0, names0 := descendantsPSS()
	base := isoHealth(b, e).Sessions
	sessions := make([]string, 0, k)
	t0 := time.Now()
	var failed error
	for i := range k {
		s := isoSession("idle", i)
		if failed = isoFirstByte(c, u, s, ag.payload); failed != nil {
			failed = fmt.Errorf("idle session %d of %d did not start: %w; server warnings:\n%s", i+1, k, failed, isoServerLog.tail(8))
			break
		}
		sessions = append(sessions, s)
	}
	if failed != nil {
		b.Errorf("%v", failed)
		if k = len(sessions); k == 0 {
			return 0, 0
		}
	}
	started := time.Since(t0)
	time.Sleep(5 * time.Second)
	after := memSample()
	pss1, procs1, names1 := descendantsPSS()
	h := isoHealth(b, e)
	if h.Sessions-base != k {
		b.Fatalf("expected %d more live sessions, health says %d (was %d)", k, h.Sessions, base)
	}
	// Every idle session still answers.
	for _, s := range sessions {
		firstByte(b, c, u, s, ag.payload)
	}
	isoStop(b, e, rt.arn, sessions...)
	hostPer = float64(after-before) / float64(k)
	pssPer = float64(pss1-pss0) / float64(k)
	b.Logf("%s/%s idle: %d sessions started in %s; MemTotal-MemAvailable %d → %d MiB (+%.2f MiB/session); "+
		"descendant processes %d %v → %d %v, PSS %d → %d MiB (+%.2f MiB/session)",
		e.Config.Sandbox, ag.name, k, started.Round(time.Millisecond), before>>20, after>>20, hostPer/(1<<20),
		procs0, names0, procs1, names1, pss0>>20, pss1>>20, pssPer/(1<<20))
	return hostPer, pssPer
}

// isoServerLog keeps the servers' warnings, shown when a session fails.
var isoServerLog isoLog

type isoLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *isoLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, strings.TrimSpace(string(p)))
	if len(l.lines) > 200 {
		l.lines = slices.Clone(l.lines[100:])
	}
	return len(p), nil
}

func (l *isoLog) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines[max(0, len(l.lines)-n):], "\n")
}

// isoRow is one line of the summary printed at the end.
type isoRow struct{ driver, measure, value string }

func BenchmarkIsolation(b *testing.B) {
	pyBin, minor := realPython(b)
	b.Setenv("PATH", pyBin+":"+os.Getenv("PATH"))
	pyRuntime := ctltypes.AgentManagedRuntimeType("PYTHON_3_" + minor)

	goBin, err := os.ReadFile(testenv.BuildGo(b, "examples/go-agent"))
	if err != nil {
		b.Fatal(err)
	}
	goAgent := isoAgent{name: "go-agent", zip: testenv.Zip(b, map[string][]byte{"bootstrap": goBin}, "bootstrap"),
		rtType: pyRuntime, entry: "bootstrap", payload: []byte(`{"prompt":"hi"}`)}
	pyAgent := isoAgent{name: "python-agent", zip: testenv.ZipDir(b, filepath.Join(testenv.RepoRoot(), "examples/python-agent")),
		rtType: pyRuntime, entry: "agent.py", payload: []byte(`{"prompt":"hi"}`)}

	drivers := []string{"process", "linuxns", "gvisor"}
	if v := os.Getenv("AGENTCORE_BENCH_DRIVERS"); v != "" {
		drivers = strings.Split(v, ",")
	}
	drivers, runscs := isoRunscs(drivers)
	var summary []isoRow
	add := func(driver, measure, format string, args ...any) {
		summary = append(summary, isoRow{driver, measure, fmt.Sprintf(format, args...)})
	}
	pool := os.Getenv("AGENTCORE_BENCH_POOL") != "0"
	for _, name := range drivers {
		driver, runscLabel, _ := strings.Cut(name, "-")
		b.Run(name, func(b *testing.B) {
			if driver != "process" {
				testenv.RequireImageDriver(b, driver) // skips with the reason
			}
			n := isoCounts(driver)
			cfg := benchServerConfig()
			cfg.Sandbox = driver
			if runscLabel != "" {
				cfg.Runsc = isoRunsc(b, runscs[runscLabel])
			}
			driver := name // rows and logs name the runsc variant
			if os.Getenv("AGENTCORE_TEST_LOG") == "" {
				cfg.Logger = slog.New(slog.NewTextHandler(&isoServerLog, &slog.HandlerOptions{Level: slog.LevelWarn}))
			}
			e := testenv.Start(b, cfg)
			if h := isoHealth(b, e); h.Driver != cfg.Sandbox {
				b.Fatalf("server runs driver %q, want %q", h.Driver, cfg.Sandbox)
			}
			goRT := isoDeploy(b, e, goAgent, nil)
			pyRT := isoDeploy(b, e, pyAgent, nil)

			cold := func(name string, rt isoRuntime, ag isoAgent, iters int, ready func()) {
				b.Run(name+"/"+ag.name, func(b *testing.B) {
					if iters == 0 {
						b.Skip("0 iterations")
					}
					lat := isoCold(b, e, rt, ag, iters, ready)
					p50, p99 := lat.pct(50), lat.pct(99)
					b.ReportMetric(ms(p50), "p50-ms")
					b.ReportMetric(ms(p99), "p99-ms")
					b.ReportMetric(float64(iters), "iterations")
					add(driver, name+" "+ag.name, "p50 %.1f ms, p99 %.1f ms (n=%d)", ms(p50), ms(p99), iters)
				})
			}
			cold("cold", goRT, goAgent, n.coldGo, nil)
			cold("cold", pyRT, pyAgent, n.coldPy, nil)

			parallel := func(name string, rt isoRuntime, ready func()) {
				b.Run(name+"/"+goAgent.name, func(b *testing.B) {
					if n.parReps == 0 {
						b.Skip("0 repetitions")
					}
					c := &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64,
						IdleConnTimeout: 5 * time.Minute, DisableCompression: true}}
					var totals, slowest latencies
					for r := range n.parReps {
						if ready != nil {
							ready()
						}
						base := isoHealth(b, e).Sessions
						total, slow := isoParallelRound(b, e, c, rt, goAgent, r)
						totals, slowest = append(totals, total), append(slowest, slow)
						isoWait(b, e, "sessions stopped", func(h isoHealthz) bool { return h.Sessions <= base })
						time.Sleep(200 * time.Millisecond)
					}
					b.Logf("%s %s totals: %v", driver, name, totals)
					med, lo, hi := totals.pct(50), slices.Min(totals), slices.Max(totals)
					b.ReportMetric(ms(med), "total-median-ms")
					b.ReportMetric(ms(lo), "total-min-ms")
					b.ReportMetric(ms(hi), "total-max-ms")
					add(driver, name+" go-agent", "median %.0f ms [%.0f–%.0f] over %d rounds", ms(med), ms(lo), ms(hi), n.parReps)
				})
			}
			parallel("parallel20", goRT, nil)
			if !pool {
				return
			}

			// Warm pool of 20: every parallel session takes a pre-started
			// environment; the pool refills between rounds.
			poolRT := isoDeploy(b, e, goAgent, map[string]string{"AGENTCORE_WARM_POOL": strconv.Itoa(isoParallel)})
			t0 := time.Now()
			isoWait(b, e, "warm pool 20", func(h isoHealthz) bool { return h.WarmPoolReady >= isoParallel })
			b.Logf("%s: warm pool of %d ready %s after READY", driver, isoParallel, time.Since(t0).Round(time.Millisecond))
			parallel("parallel20-pool20", poolRT, func() {
				isoWait(b, e, "warm pool 20", func(h isoHealthz) bool { return h.WarmPoolReady >= isoParallel })
			})
			isoDelete(b, e, poolRT)

			for _, ag := range []isoAgent{goAgent, pyAgent} {
				iters := n.coldGo
				if ag.name == pyAgent.name {
					iters = n.coldPy
				}
				rt := isoDeploy(b, e, ag, map[string]string{"AGENTCORE_WARM_POOL": strconv.Itoa(isoPoolCold)})
				ready := func() {
					isoWait(b, e, "warm pool 4", func(h isoHealthz) bool { return h.WarmPoolReady >= isoPoolCold })
				}
				cold("cold-pool4", rt, ag, iters, ready)
				isoDelete(b, e, rt)
			}

			idle := func(rt isoRuntime, ag isoAgent, k int) {
				b.Run("idle/"+ag.name, func(b *testing.B) {
					if k == 0 {
						b.Skip("0 sessions")
					}
					hostPer, pssPer := isoIdle(b, e, rt, ag, k)
					if b.Failed() {
						add(driver, "idle "+ag.name, "FAILED before %d sessions (see log)", k)
						return
					}
					per := max(hostPer, pssPer)
					fit := float64(isoBoxBytes-isoHostBytes) / per
					b.ReportMetric(float64(k), "sessions")
					b.ReportMetric(hostPer/(1<<20), "host-MiB/session")
					b.ReportMetric(pssPer/(1<<20), "pss-MiB/session")
					b.ReportMetric(fit, "sessions/24GiB")
					add(driver, "idle "+ag.name, "host +%.2f MiB/session, PSS +%.2f MiB/session (k=%d) → %.0f sessions in 22 GiB",
						hostPer/(1<<20), pssPer/(1<<20), k, fit)
				})
			}
			idle(goRT, goAgent, n.idleGo)
			idle(pyRT, pyAgent, n.idlePy)
		})
	}
	var sb strings.Builder
	for _, r := range summary {
		fmt.Fprintf(&sb, "\n| %s | %s | %s |", r.driver, r.measure, r.value)
	}
	b.Logf("summary (driver | measure | value):%s", sb.String())
}

// isoRunscs reads AGENTCORE_BENCH_RUNSC (label=path,...) and replaces
// "gvisor" in drivers with one "gvisor-<label>" per binary.
func isoRunscs(drivers []string) ([]string, map[string]string) {
	v := os.Getenv("AGENTCORE_BENCH_RUNSC")
	if v == "" {
		return drivers, nil
	}
	m := map[string]string{}
	var labels []string
	for _, kv := range strings.Split(v, ",") {
		label, path, _ := strings.Cut(kv, "=")
		m[label] = path
		labels = append(labels, "gvisor-"+label)
	}
	if i := slices.Index(drivers, "gvisor"); i >= 0 {
		drivers = slices.Replace(slices.Clone(drivers), i, i+1, labels...)
	}
	return drivers, m
}

// isoRunsc checks that the gvisor driver really runs path (it falls back
// to PATH's runsc when a configured one cannot start sandboxes) and logs
// the platform it picked.
func isoRunsc(b *testing.B, path string) string {
	d := gvisor.New(gvisor.Options{Runsc: path})
	c, err := d.Choice()
	if err != nil {
		b.Fatal(err)
	}
	want, _ := filepath.Abs(path)
	if c.Runsc != want {
		b.Fatalf("gvisor driver chose %s, not %s", c.Runsc, path)
	}
	b.Logf("runsc %s (%s): platform %s, network %s", c.Runsc, c.Version, c.Platform, c.Network)
	return path
}
