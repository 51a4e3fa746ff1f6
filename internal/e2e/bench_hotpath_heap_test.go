package e2e

// BenchmarkHotpathIdleHeap (issue 21, profiling aid): an in-process server
// with AGENTCORE_BENCH_IDLE (1000) idle process-driver sessions; logs the
// growth of the Go heap, goroutine stacks and goroutines per session and
// writes a heap profile of what the sessions hold to $AGENTCORE_BENCH_HEAP
// (default hotpath-idle.heap in the package directory):
//
//	go test -run '^$' -bench HotpathIdleHeap -benchtime 1x ./internal/e2e/
//	go tool pprof -sample_index=inuse_space -top hotpath-idle.heap
//	go tool pprof -sample_index=inuse_space -top -diff_base hotpath-idle.heap.base hotpath-idle.heap

import (
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

func BenchmarkHotpathIdleHeap(b *testing.B) {
	runtime.MemProfileRate = 4096
	k := hpInt("AGENTCORE_BENCH_IDLE", 1000)
	e := testenv.Start(b, benchServerConfig())
	rt := e.Deploy(b, "hp_heap", nil)
	u := invokeURL(e, *rt.AgentRuntimeArn)
	mem := func() (runtime.MemStats, int) {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m, runtime.NumGoroutine()
	}
	time.Sleep(time.Second)
	m0, g0 := mem()
	path := os.Getenv("AGENTCORE_BENCH_HEAP")
	if path == "" {
		path = "hotpath-idle.heap"
	}
	writeHeap(b, path+".base") // for pprof -diff_base: what the sessions added
	sessions := make([]string, k)
	work := make(chan int)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			c := keepAliveClient()
			for i := range work {
				if err := isoFirstByte(c, u, sessions[i], warmPayload); err != nil {
					b.Error(err)
				}
			}
		})
	}
	for i := range sessions {
		sessions[i] = isoSession("hp-heap", i)
		work <- i
	}
	close(work)
	wg.Wait()
	time.Sleep(5 * time.Second) // idle: past the agent connections' idle timeout (2 s)
	m1, g1 := mem()
	per := func(a, b uint64) float64 { return (float64(b) - float64(a)) / float64(k) / 1024 }
	b.Logf("%d idle sessions: heap in use +%.1f KiB/session, stacks +%.1f KiB/session, goroutines +%.1f/session",
		k, per(m0.HeapInuse, m1.HeapInuse), per(m0.StackInuse, m1.StackInuse), float64(g1-g0)/float64(k))
	writeHeap(b, path)
	buf := make([]byte, 4<<20)
	os.WriteFile(path+".goroutines", buf[:runtime.Stack(buf, true)], 0o644) //nolint:errcheck
	isoStop(b, e, *rt.AgentRuntimeArn, sessions...)
}

// writeHeap writes the heap profile to path.
func writeHeap(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
}
