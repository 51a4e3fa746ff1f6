package evaluation_test

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkOnlineThroughput: sessions evaluated per second by the runner at
// concurrency 8 with a zero-latency judge, over sessions of realistic size
// (3 turns, each an invoke_agent, a chat span with ~2 KB of messages and a
// tool span) in a real SQLite store; two evaluators (one TRACE, one
// SESSION level) per session.
func BenchmarkOnlineThroughput(b *testing.B) {
	const sessions = 200
	for range b.N {
		b.StopTimer()
		e := newEnv(b)
		e.config(b, e.online, true, 100, "Builtin.Helpfulness", "Builtin.GoalSuccessRate")
		for i := range sessions {
			e.storeSession(b, fmt.Sprintf("bench-%04d-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", i), 3, 2048, e.clock.at(time.Second), nil)
		}
		e.clock.Add(2 * time.Minute)
		b.StartTimer()
		start := time.Now()
		n, err := e.online.RunOnce(context.Background())
		if err != nil || n != sessions {
			b.Fatalf("took %d sessions, %v", n, err)
		}
		b.ReportMetric(float64(sessions)/time.Since(start).Seconds(), "sessions/s")
	}
}
