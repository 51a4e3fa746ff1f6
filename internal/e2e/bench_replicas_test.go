package e2e

// Benchmark of scale-out (issue 16), servers as their own processes on one
// PostgreSQL with the process driver, all in the same run:
//   - a warm invocation through the owner replica vs through another one
//     (forwarded): p50/p99 and what forwarding adds;
//   - placement: a new session's first invocation on a replica (owner row
//     claimed, environment started) vs on a lone server (no registry);
//   - throughput of warm invocations: one replica vs three (round-robin).
//
//	AGENTCORE_TEST_POSTGRES_DSN=... go test -run '^$' -bench 'ScaleOut' -benchtime 1x ./internal/e2e/

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

func BenchmarkScaleOut(b *testing.B) {
	pg := testenv.Postgres(b, "bench_replicas")
	solo := testenv.Postgres(b, "bench_solo")
	bin := testenv.BuildGo(b, "cmd/agentcore")
	var rs []*replica
	for _, n := range []string{"A", "B", "C"} {
		rs = append(rs, startReplica(b, bin, n, pg.DSN, b.TempDir(), "--log-level", "error"))
	}
	lone := startLone(b, bin, solo.DSN)
	a, bb := rs[0], rs[1]
	arn := deployVia(b, a, fmt.Sprintf("bench_scale_%d", time.Now().UnixNano()%1e6))
	loneARN := deployVia(b, lone, fmt.Sprintf("bench_solo_%d", time.Now().UnixNano()%1e6))
	hc := keepAliveClient()
	body := []byte(`{"action":"count"}`)
	inv := func(r *replica, arn string) string {
		return r.url + "/runtimes/" + url.PathEscape(arn) + "/invocations"
	}
	timed := func(u, session string) time.Duration {
		t0 := time.Now()
		post(b, hc, u, session, body)
		return time.Since(t0)
	}

	// Warm session on A: through A (owner) and through B (forwarded), interleaved.
	s := testenv.SessionID("bench-owner")
	post(b, hc, inv(a, arn), s, body)
	var own, fwd latencies
	for i := 0; i < 2000; i++ {
		own = append(own, timed(inv(a, arn), s))
		fwd = append(fwd, timed(inv(bb, arn), s))
	}
	b.Logf("warm invoke through the owner: p50 %.0f µs p99 %.0f µs; through another replica: p50 %.0f µs p99 %.0f µs; added p50 %.0f µs p99 %.0f µs",
		us(own.pct(50)), us(own.pct(99)), us(fwd.pct(50)), us(fwd.pct(99)), us(fwd.pct(50)-own.pct(50)), us(fwd.pct(99)-own.pct(99)))
	b.ReportMetric(us(fwd.pct(50)-own.pct(50)), "fwd-added-p50-µs")
	b.ReportMetric(us(fwd.pct(99)-own.pct(99)), "fwd-added-p99-µs")

	// Placement: a new session's first invocation, replica vs lone server.
	var placed, alone latencies
	ctx := context.Background()
	for i := 0; i < 60; i++ {
		s1, s2 := testenv.SessionID(fmt.Sprintf("bench-new-%d", i)), testenv.SessionID(fmt.Sprintf("bench-alone-%d", i))
		placed = append(placed, timed(inv(a, arn), s1))
		alone = append(alone, timed(inv(lone, loneARN), s2))
		a.env.Data.StopRuntimeSession(ctx, &dp.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s1)})        //nolint:errcheck
		lone.env.Data.StopRuntimeSession(ctx, &dp.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(loneARN), RuntimeSessionId: aws.String(s2)}) //nolint:errcheck
	}
	b.Logf("new session, first invocation: replica (owner row claimed) p50 %.2f ms p99 %.2f ms; lone server p50 %.2f ms p99 %.2f ms; placement adds p50 %.2f ms",
		ms(placed.pct(50)), ms(placed.pct(99)), ms(alone.pct(50)), ms(alone.pct(99)), ms(placed.pct(50)-alone.pct(50)))
	b.ReportMetric(ms(placed.pct(50)-alone.pct(50)), "placement-added-p50-ms")

	// Throughput: 24 warm sessions, 24 workers, 5 s; one replica vs three.
	const n = 24
	run := func(via []*replica, tag string) float64 {
		sessions := make([]string, n)
		for i := range sessions {
			sessions[i] = testenv.SessionID(fmt.Sprintf("bench-tp-%s-%d", tag, i))
			post(b, hc, inv(via[i%len(via)], arn), sessions[i], body) // created (placed) on the replica it is sent to
		}
		var done atomic.Int64
		stop := time.Now().Add(5 * time.Second)
		var wg sync.WaitGroup
		for w := 0; w < n; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := keepAliveClient()
				u := inv(via[w%len(via)], arn)
				for time.Now().Before(stop) {
					post(b, c, u, sessions[w], body)
					done.Add(1)
				}
			}()
		}
		wg.Wait()
		return float64(done.Load()) / 5
	}
	one := run(rs[:1], "one")
	three := run(rs, "three")
	b.Logf("throughput, %d workers on warm sessions: 1 replica %.0f invocations/s, 3 replicas (round-robin, sessions on their own replica) %.0f invocations/s", n, one, three)
	b.ReportMetric(one, "1-replica-inv/s")
	b.ReportMetric(three, "3-replica-inv/s")
}

// startLone runs a server that is not a replica (no cluster secret) on dsn.
func startLone(b *testing.B, bin, dsn string) *replica {
	b.Helper()
	return startServer(b, bin, "lone", dsn, b.TempDir(), "", "--log-level", "error")
}
