package e2e

// BenchmarkHotpathIdleRSS (issue 21, must-show 4): the server's memory per
// idle session, with `agentcore server` as its own process, per sandbox
// driver, for one or more server binaries alternating run by run:
//
//	AGENTCORE_BENCH_IDLE=400 AGENTCORE_BENCH_RUNS=2 AGENTCORE_BENCH_DRIVERS=process,linuxns \
//	AGENTCORE_BENCH_IDLE_BINARIES=before=/tmp/agentcore-before,after=/tmp/agentcore-after \
//	  go test -run '^$' -bench '^BenchmarkHotpathIdleRSS$' -benchtime 1x -timeout 60m -v ./internal/e2e/
//
// Without AGENTCORE_BENCH_IDLE_BINARIES it builds cmd/agentcore of this tree.
// BenchmarkHotpath ends with the same measurement.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

func BenchmarkHotpathIdleRSS(b *testing.B) {
	type binary struct{ name, path string }
	var bins []binary
	for _, kv := range strings.Split(os.Getenv("AGENTCORE_BENCH_IDLE_BINARIES"), ",") {
		if name, path, ok := strings.Cut(kv, "="); ok {
			bins = append(bins, binary{name, path})
		}
	}
	if len(bins) == 0 {
		bins = []binary{{"this tree", testenv.BuildGo(b, "cmd/agentcore")}}
	}
	k := hpInt("AGENTCORE_BENCH_IDLE", 300)
	for run := 1; run <= max(1, hpInt("AGENTCORE_BENCH_RUNS", 1)); run++ {
		for _, driver := range hpDrivers() {
			for _, bin := range bins {
				b.Run(fmt.Sprintf("%s/%d", driver, run), func(b *testing.B) {
					b.Logf("run %d %s %s: %s", run, driver, bin.name, hpIdleRSS(b, bin.path, driver, k))
				})
			}
		}
	}
}

// hpDrivers are the sandbox drivers of AGENTCORE_BENCH_DRIVERS (process,linuxns).
// hpDrivers is AGENTCORE_BENCH_DRIVERS (process,linuxns; "none" skips the
// cold starts).
func hpDrivers() []string {
	if v := os.Getenv("AGENTCORE_BENCH_DRIVERS"); v == "none" {
		return nil
	} else if v != "" {
		return strings.Split(v, ",")
	}
	return []string{"process", "linuxns"}
}

// hpIdleRSS starts k idle sessions on a fresh server process (no load
// before, so its heap has not grown already) and reports the growth of the
// server's VmRSS and goroutines per session (the agents are other
// processes, so their memory is not in it), measured once the sessions have
// been idle for 5 s: overall and for the second half of the sessions.
func hpIdleRSS(b *testing.B, bin, driver string, k int) string {
	if k == 0 {
		return "idle: skipped"
	}
	if driver != "process" {
		testenv.RequireImageDriver(b, driver)
	}
	if v := os.Getenv("AGENTCORE_BENCH_IDLE_BINARY"); v != "" {
		bin = v // e.g. an older build, to compare
	}
	p := startServerProc(b, "idle-"+driver, bin, "--sandbox", driver)
	rt := p.env.Deploy(b, "hp_idle", nil)
	u := invokeURL(p.env, *rt.AgentRuntimeArn)
	pid := p.cmd.Process.Pid
	time.Sleep(2 * time.Second)
	before, thr0, g0 := procMemKiB(pid, "VmRSS"), procMemKiB(pid, "Threads"), serverGoroutines(p.env.URL)
	sessions := make([]string, k)
	for i := range sessions {
		sessions[i] = isoSession("hp-idle", i)
	}
	la := loadAvg()
	// Two halves, each measured after 5 s idle: the second half's growth is
	// the marginal cost of an idle session, without what the first
	// sessions cost once (threads for concurrent starts, caches, pools).
	hpStartIdle(b, p, u, sessions[:k/2])
	mid, gMid := procMemKiB(pid, "VmRSS"), serverGoroutines(p.env.URL)
	hpStartIdle(b, p, u, sessions[k/2:])
	after, thr1, g1 := procMemKiB(pid, "VmRSS"), procMemKiB(pid, "Threads"), serverGoroutines(p.env.URL)
	if n := isoHealth(b, p.env).Sessions; n != k {
		b.Fatalf("%d of %d idle sessions running after 5 s idle; server log:\n%s", n, k, p.logs.String())
	}
	isoStop(b, p.env, *rt.AgentRuntimeArn, sessions...)
	half := float64(k - k/2)
	return fmt.Sprintf("idle %s (load %s): server VmRSS %d → %d → %d KiB, threads %d → %d, goroutines %d → %d → %d with 0 → %d → %d idle sessions: "+
		"%.1f KiB/session overall, %.1f KiB/session for the second half; %.2f goroutines/session",
		driver, la, before, mid, after, thr0, thr1, g0, gMid, g1, k/2, k,
		float64(after-before)/float64(k), float64(after-mid)/half, float64(g1-g0)/float64(k))
}

// hpStartIdle starts sessions (one first invocation each, 8 at a time) and
// leaves them idle for 5 s: past the agent connections' idle timeout (2 s).
func hpStartIdle(b *testing.B, p *serverProc, u string, sessions []string) {
	var wg sync.WaitGroup
	work := make(chan string)
	errs := make(chan error, len(sessions))
	for range 8 {
		wg.Go(func() {
			c := keepAliveClient()
			for s := range work {
				if err := isoFirstByte(c, u, s, warmPayload); err != nil {
					errs <- err
				}
			}
		})
	}
	for _, s := range sessions {
		work <- s
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatalf("idle session: %v\nagent output other than log lines:\n%.3000s", err, agentOutput(p.env.URL))
	}
	time.Sleep(5 * time.Second)
}

// serverGoroutines reads go_goroutines from the server's /metrics (-1 when
// it cannot).
func serverGoroutines(base string) int {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return int(n)
			}
		}
	}
	return -1
}

// agentOutput is the agents' output other than the SDK's JSON log lines
// (every page of the server's agent log), for a failure message.
func agentOutput(base string) string {
	var out strings.Builder
	for tok, n := "", 0; n < 50; n++ {
		resp, err := http.Get(base + "/_agentcore/observability/logs?limit=1000&nextToken=" + url.QueryEscape(tok))
		if err != nil {
			break
		}
		var page struct {
			Logs []struct {
				Body string `json:"body"`
			} `json:"logs"`
			NextToken string `json:"nextToken"`
		}
		json.NewDecoder(resp.Body).Decode(&page) //nolint:errcheck // best effort, for the failure message
		resp.Body.Close()
		for _, l := range page.Logs {
			if !strings.HasPrefix(l.Body, "{") {
				out.WriteString(l.Body + "\n")
			}
		}
		if tok = page.NextToken; tok == "" {
			break
		}
	}
	return out.String()
}
