package linuxns

import (
	"context"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
)

// BenchmarkColdStart measures Start → first successful HTTP response from the
// static Go test agent, and reports p50/p99 in milliseconds.
func BenchmarkColdStart(b *testing.B) {
	for _, network := range []string{"NONE", "PUBLIC"} {
		b.Run(network, func(b *testing.B) {
			d := driver(b)
			dir := sandboxtest.AgentDir(b)
			var times []time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				in, err := d.Start(context.Background(), sandbox.Spec{
					ID: "bench-" + strconv.Itoa(i), Command: []string{"agent"}, Dir: dir, Ports: []int{8080}, Network: network,
				})
				if err != nil {
					b.Fatal(err)
				}
				if err := waitReady(in, 10*time.Second); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
				b.StopTimer()
				in.Stop(context.Background())
				b.StartTimer()
			}
			slices.Sort(times)
			b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
			b.ReportMetric(ms(times[(len(times)*99)/100]), "p99-ms")
		})
	}
}

// BenchmarkIdleMemory starts idle Go agents (20, or $AGENTCORE_BENCH_SESSIONS)
// and reports per session: the cgroup memory charge, the agent's RSS, and the
// drop of the host's MemAvailable (which also counts kernel objects such as
// namespaces and mounts, but is noisy on a shared host).
func BenchmarkIdleMemory(b *testing.B) {
	d := driver(b)
	dir := sandboxtest.AgentDir(b)
	n := 20
	if v, err := strconv.Atoi(os.Getenv("AGENTCORE_BENCH_SESSIONS")); err == nil && v > 0 {
		n = v
	}
	for i := 0; i < b.N; i++ {
		before := memAvailable()
		var ins []*instance
		for j := 0; j < n; j++ {
			in, err := d.Start(context.Background(), sandbox.Spec{ID: "idle", Command: []string{"agent"}, Dir: dir, Ports: []int{8080}})
			if err != nil {
				b.Fatal(err)
			}
			defer in.Stop(context.Background())
			if err := waitReady(in, 10*time.Second); err != nil {
				b.Fatal(err)
			}
			ins = append(ins, in.(*instance))
		}
		time.Sleep(2 * time.Second)
		host := before - memAvailable()
		var charges, rss []int64
		for _, in := range ins {
			if err := waitReady(in, time.Second); err != nil {
				b.Fatalf("idle session stopped answering: %v", err)
			}
			st, err := in.Cgroup().Stats()
			if err != nil {
				b.Fatal(err)
			}
			charges = append(charges, st.MemoryBytes)
			rss = append(rss, vmRSS(in.cmd.Process.Pid))
		}
		slices.Sort(charges)
		slices.Sort(rss)
		b.ReportMetric(float64(n), "sessions")
		b.ReportMetric(float64(charges[n/2])/(1<<20), "cgroup-MiB/session-p50")
		b.ReportMetric(float64(charges[n-1])/(1<<20), "cgroup-MiB/session-max")
		b.ReportMetric(float64(rss[n/2])/(1<<20), "rss-MiB/session-p50")
		b.ReportMetric(float64(host)/float64(n)/(1<<20), "host-MiB/session")
		for _, in := range ins {
			in.Stop(context.Background())
		}
	}
}

func waitReady(in sandbox.Instance, timeout time.Duration) error {
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return in.Dial(ctx, 8080) }}}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := c.Get("http://agent/ping")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(500 * time.Microsecond)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func memAvailable() int64 { return kbField("/proc/meminfo", "MemAvailable:") }

func vmRSS(pid int) int64 { return kbField("/proc/"+strconv.Itoa(pid)+"/status", "VmRSS:") }

// kbField reads a "Key:   123 kB" line.
func kbField(file, key string) int64 {
	b, _ := os.ReadFile(file)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
