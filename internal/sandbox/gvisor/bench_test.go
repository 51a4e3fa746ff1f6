package gvisor_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox/gvisor"
)

// BenchmarkColdStart measures Start until the first HTTP answer of the Go
// test agent (p50/p99 reported), then the memory an idle session holds on
// the host: the PSS of its runsc processes (sandbox/sentry, gofer, ptrace
// stubs) and its memory cgroup's usage.
func BenchmarkColdStart(b *testing.B) {
	d := driver(b)
	s := agentSpec(b, "bench")
	var lat []time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		in, err := d.Start(context.Background(), s)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := waitServing(in, 30*time.Second); err != nil {
			in.Stop(context.Background())
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		if err := in.Stop(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[(len(lat)*99)/100]), "p99-ms")

	const idle = 4
	var pss, usage int64
	for i := 0; i < idle; i++ {
		in := start(b, d, agentSpec(b, fmt.Sprintf("idle%d", i)))
		defer in.Stop(context.Background())
	}
	time.Sleep(time.Second)
	cgs, _ := filepath.Glob("/sys/fs/cgroup/memory" + gvisor.CgroupParent + "/" + testPrefix + "idle*")
	for _, cg := range cgs {
		pss += cgroupPSS(filepath.Join("/sys/fs/cgroup/pids"+gvisor.CgroupParent, filepath.Base(cg)))
		usage += readInt(filepath.Join(cg, "memory.usage_in_bytes"))
	}
	b.ReportMetric(float64(pss)/idle/(1<<20), "idle-PSS-MiB/session")
	b.ReportMetric(float64(usage)/idle/(1<<20), "idle-cgroup-MiB/session")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cgroupPSS sums the proportional set size of the processes in a cgroup.
func cgroupPSS(cg string) int64 {
	b, _ := os.ReadFile(filepath.Join(cg, "cgroup.procs"))
	var total int64
	for _, pid := range strings.Fields(string(b)) {
		sm, _ := os.ReadFile("/proc/" + pid + "/smaps_rollup")
		for _, l := range strings.Split(string(sm), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "Pss:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				total += kb << 10
			}
		}
	}
	return total
}

func readInt(p string) int64 {
	b, _ := os.ReadFile(p)
	n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n
}
