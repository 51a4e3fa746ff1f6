package e2e

// Simulation of a 10-node deployment (issue 16, "capacity figures"): ten
// `agentcore server` replicas as their own processes on one PostgreSQL, the
// process driver, and a load balancer that knows nothing of sessions (each
// request goes to a random replica, so ~90 % are forwarded to the owner).
// It measures what a capacity model needs and prints the model for 10,000
// concurrent sessions on 10 nodes fed with those measured costs:
//   - placement: sessions per node after N sessions were started through
//     random replicas, and a new session's first-invocation latency;
//   - PostgreSQL row writes (inserts + updates + deletes of this run's
//     schema, from pg_stat_user_tables) per session start, per warm
//     invocation and per replica-second while idle;
//   - warm invocations/s and latency with random routing;
//   - server RSS per session and the agents' RSS per session.
//
//	AGENTCORE_TEST_POSTGRES_DSN=... go test -run '^$' -bench 'ScaleOutTenNodes' -benchtime 1x -timeout 30m ./internal/e2e/
//
// Overrides: AGENTCORE_BENCH_NODES (10), AGENTCORE_BENCH_SESSIONS (1000),
// AGENTCORE_BENCH_SECONDS (warm phase, 10).

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

func BenchmarkScaleOutTenNodes(b *testing.B) {
	nodes, total, secs := hpInt("AGENTCORE_BENCH_NODES", 10), hpInt("AGENTCORE_BENCH_SESSIONS", 1000), hpInt("AGENTCORE_BENCH_SECONDS", 10)
	pg := testenv.Postgres(b, "bench_tennodes")
	bin := testenv.BuildGo(b, "cmd/agentcore")
	rs := make([]*replica, nodes)
	for i := range rs { // one after the other: the first applies the schema, and a failure ends the benchmark here
		rs[i] = startReplica(b, bin, fmt.Sprintf("N%d", i), pg.DSN, b.TempDir(), "--log-level", "error",
			"--max-sessions-per-account", "0", "--session-idle-timeout", "1h", "--ping-interval", "2s")
	}
	var wg sync.WaitGroup
	baseRSS := make([]int64, nodes)
	for i, r := range rs {
		baseRSS[i] = procMemKiB(r.cmd.Process.Pid, "VmRSS")
	}
	arn := deployVia(b, rs[0], fmt.Sprintf("bench_ten_%d", time.Now().UnixNano()%1e6))
	inv := func(r *replica) string { return r.url + "/runtimes/" + url.PathEscape(arn) + "/invocations" }
	body := []byte(`{"action":"count"}`)
	const workers = 16
	clients := make([]*http.Client, workers)
	for i := range clients {
		clients[i] = keepAliveClient()
	}
	sessions := make([]string, total)
	for i := range sessions {
		sessions[i] = testenv.SessionID(fmt.Sprintf("ten-%d", i))
	}

	// Phase 1: start every session through a random replica.
	w0 := schemaWrites(b, pg.DB, pg.Schema)
	var mu sync.Mutex
	var first latencies
	var failed atomic.Int64
	var errs []string
	fail := func(err error) {
		if failed.Add(1) <= 3 {
			mu.Lock()
			errs = append(errs, err.Error())
			mu.Unlock()
		}
	}
	var next atomic.Int64
	t0 := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				s := time.Now()
				if err := postErr(clients[w], inv(rs[rand.IntN(nodes)]), sessions[i], body); err != nil {
					fail(err)
					continue
				}
				mu.Lock()
				first = append(first, time.Since(s))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	startWall := time.Since(t0)
	w1 := schemaWrites(b, pg.DB, pg.Schema)
	perNode := make([]int, nodes)
	var serverRSS, agentRSS int64
	for i, r := range rs {
		perNode[i] = healthSessions(b, r.url)
		serverRSS += procMemKiB(r.cmd.Process.Pid, "VmRSS") - baseRSS[i]
		agentRSS += childrenRSSKiB(r.cmd.Process.Pid)
	}
	b.Logf("load %s: %d sessions started through random replicas of %d in %s (%d failed): first invocation p50 %.2f ms p99 %.2f ms; sessions per node %v; PostgreSQL row writes per session start %.1f",
		loadAvg(), len(first), nodes, startWall.Round(time.Millisecond), failed.Load(), ms(first.pct(50)), ms(first.pct(99)), perNode, float64(w1.total()-w0.total())/float64(max(1, len(first))))

	// Phase 2: warm invocations of random sessions through random replicas.
	var warm latencies
	var count atomic.Int64
	stop := time.Now().Add(time.Duration(secs) * time.Second)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine latencies
			for time.Now().Before(stop) {
				s := time.Now()
				if err := postErr(clients[w], inv(rs[rand.IntN(nodes)]), sessions[rand.IntN(total)], body); err != nil {
					fail(err)
					continue
				}
				mine = append(mine, time.Since(s))
				count.Add(1)
			}
			mu.Lock()
			warm = append(warm, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	warmEnd := time.Now()
	b.Logf("writes per session start by table: %s", w1.top(w0, float64(max(1, len(first)))))

	// Phase 3: idle, once the telemetry writers caught up: what the replicas
	// write on their own (heartbeats, owner renewals, health pings).
	time.Sleep(5 * time.Second)
	w2 := schemaWrites(b, pg.DB, pg.Schema)
	settled := time.Since(warmEnd)
	const idle = 10 * time.Second
	time.Sleep(idle)
	w3 := schemaWrites(b, pg.DB, pg.Schema)
	idleRate := float64(w3.total()-w2.total()) / idle.Seconds() / float64(nodes)
	n := float64(max(1, count.Load()))
	perInv := (float64(w2.total()-w1.total()) - idleRate*float64(nodes)*(float64(secs)+settled.Seconds())) / n
	perSess := float64(w1.total()-w0.total()) / float64(max(1, len(first)))
	b.Logf("load %s: warm, %d workers, random session via random replica (%.0f%% forwarded): %.0f invocations/s, p50 %.0f µs p99 %.0f µs; PostgreSQL row writes per invocation %.2f (%s); failures %d",
		loadAvg(), workers, 100*float64(nodes-1)/float64(nodes), n/float64(secs), us(warm.pct(50)), us(warm.pct(99)),
		perInv, w2.top(w1, n), failed.Load())
	perSessKiB, agentKiB := float64(serverRSS)/float64(max(1, len(first))), float64(agentRSS)/float64(max(1, len(first)))
	b.Logf("idle: %.2f PostgreSQL row writes/s per replica with %d sessions each (%s); server RSS growth per session %.0f KiB, agent RSS per session %.0f KiB",
		idleRate, total/nodes, w3.top(w2, idle.Seconds()*float64(nodes)), perSessKiB, agentKiB)
	if len(errs) > 0 {
		b.Logf("first failures: %s", strings.Join(errs, "; "))
		for _, r := range rs {
			if l := r.log(); l != "" {
				b.Logf("%s log (tail): %s", r.name, tail(l, 1500))
			}
		}
	}
	b.ReportMetric(perSess, "pg-writes/session")
	b.ReportMetric(perInv, "pg-writes/invocation")
	b.ReportMetric(idleRate, "pg-writes/s/replica-idle")
	b.ReportMetric(n/float64(secs), "warm-inv/s")

	// The model: 10,000 concurrent sessions on 10 nodes, sessions living 15 min
	// on average (so 11.1 new sessions/s), 10 invocations/s per 100 sessions;
	// idle writes are per replica (node heartbeat and leases: the same with 10
	// or 100 sessions per replica).
	const sim, simNodes, lifetime, invPerSess = 10000, 10, 15 * 60.0, 0.1
	newPerSec := sim / lifetime
	idleSim := simNodes * idleRate
	writes := newPerSec*perSess + sim*invPerSess*perInv + idleSim
	b.Logf("model, 10000 sessions on 10 nodes (1000 each, %.1f new sessions/s, %.0f invocations/s): server memory per node %.0f MiB + agents %.1f GiB (process driver, this Go agent); PostgreSQL ~%.0f row writes/s in total (starts %.0f, invocations %.0f, idle %.0f); %.0f%% of invocations forwarded by a session-blind balancer (0 with session-sticky routing)",
		newPerSec, sim*invPerSess, (float64(baseRSS[0])+perSessKiB*sim/simNodes)/1024, agentKiB*sim/simNodes/1024/1024,
		writes, newPerSec*perSess, sim*invPerSess*perInv, idleSim, 100*float64(simNodes-1)/simNodes)
}

// postErr is post that returns the failure instead of ending the benchmark
// (it runs on worker goroutines).
func postErr(c *http.Client, u, session string, body []byte) error {
	resp, err := benchDo(c, u, session, body)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("POST %s: %d %s %s", u, resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), resp.Header.Get("X-Amzn-Requestid"))
	}
	return err
}

// pgWrites is the rows inserted, updated and deleted per table of one
// schema so far (PostgreSQL's cumulative statistics).
type pgWrites map[string]int64

func (w pgWrites) total() int64 {
	var n int64
	for _, v := range w {
		n += v
	}
	return n
}

// top lists the tables with the most writes since before, per unit.
func (w pgWrites) top(before pgWrites, per float64) string {
	type tw struct {
		t string
		n int64
	}
	var l []tw
	for t, n := range w {
		if d := n - before[t]; d > 0 {
			l = append(l, tw{t, d})
		}
	}
	slices.SortFunc(l, func(a, b tw) int { return int(b.n - a.n) })
	var parts []string
	for i, x := range l {
		if i == 5 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %.2f", x.t, float64(x.n)/per))
	}
	return strings.Join(parts, ", ")
}

// schemaWrites reads pgWrites after the backends flushed their counters.
func schemaWrites(b *testing.B, db *sql.DB, schema string) pgWrites {
	b.Helper()
	time.Sleep(1500 * time.Millisecond) // backends flush their counters at most once a second
	if _, err := db.Exec(`SELECT pg_stat_clear_snapshot()`); err != nil {
		b.Fatal(err)
	}
	rows, err := db.Query(`SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE schemaname = $1`, schema)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	w := pgWrites{}
	for rows.Next() {
		var t string
		var n int64
		if err := rows.Scan(&t, &n); err != nil {
			b.Fatal(err)
		}
		w[t] = n
	}
	return w
}

// healthSessions is the session count a replica reports.
func healthSessions(b *testing.B, base string) int {
	b.Helper()
	resp, err := http.Get(base + "/_agentcore/health")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	i := bytes.Index(raw, []byte(`"sessions":`))
	if i < 0 {
		b.Fatalf("health without sessions: %s", raw)
	}
	rest := raw[i+len(`"sessions":`):]
	j := bytes.IndexAny(rest, ",}")
	n, _ := strconv.Atoi(strings.TrimSpace(string(rest[:j])))
	return n
}

// childrenRSSKiB sums the VmRSS of the direct children of pid (the agents
// the process driver started), over all of pid's threads (a child is listed
// under the thread that forked it).
func childrenRSSKiB(pid int) int64 {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var sum int64
	for _, t := range tasks {
		raw, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, c := range strings.Fields(string(raw)) {
			if n, err := strconv.Atoi(c); err == nil {
				sum += procMemKiB(n, "VmRSS")
			}
		}
	}
	return sum
}
