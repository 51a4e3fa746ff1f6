package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// BenchmarkLoadUnderAttack (issue 20, must show 3): the server as its own
// process (local mode, process driver) serves 200 concurrent sessions, each
// invoked 5 times, while 100 slow-body connections trickle a byte a second
// and 20 clients keep sending 500 MB Content-Lengths. Reported: the
// well-behaved invocations that failed (want 0), the server's peak RSS
// (VmHWM) and its RSS at the end, and the wall time. Loopback only.
//
//	go test -run '^$' -bench LoadUnderAttack -benchtime 1x -timeout 20m ./internal/e2e/
func BenchmarkLoadUnderAttack(b *testing.B) {
	bin := testenv.BuildGo(b, "cmd/agentcore")
	p := startServerProc(b, "load", bin)
	rt := p.env.Deploy(b, "load_agent", nil)
	arn := *rt.AgentRuntimeArn
	addr := strings.TrimPrefix(p.env.URL, "http://")
	pid := p.cmd.Process.Pid
	for i := 0; i < b.N; i++ {
		stop := make(chan struct{})
		var attackers sync.WaitGroup
		var slowOpen atomic.Int64
		for a := 0; a < 100; a++ { // slow bodies: a byte a second
			attackers.Add(1)
			go func() {
				defer attackers.Done()
				c, err := net.Dial("tcp", addr)
				if err != nil {
					return
				}
				defer c.Close()
				fmt.Fprintf(c, "POST /runtimes/%s/invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n", arn)
				slowOpen.Add(1)
				defer slowOpen.Add(-1)
				for {
					select {
					case <-stop:
						return
					case <-time.After(time.Second):
						if _, err := c.Write([]byte("x")); err != nil {
							return
						}
					}
				}
			}()
		}
		for a := 0; a < 20; a++ { // oversized bodies, declared and sent as fast as the server takes them
			attackers.Add(1)
			go func() {
				defer attackers.Done()
				chunk := make([]byte, 64<<10)
				for {
					select {
					case <-stop:
						return
					default:
					}
					c, err := net.Dial("tcp", addr)
					if err != nil {
						continue
					}
					fmt.Fprintf(c, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500000000\r\n\r\n")
					c.SetWriteDeadline(time.Now().Add(2 * time.Second))
					for j := 0; j < 64; j++ {
						if _, err := c.Write(chunk); err != nil {
							break
						}
					}
					c.Close()
				}
			}()
		}
		start := time.Now()
		var failed, ok atomic.Int64
		var users sync.WaitGroup
		for s := 0; s < 200; s++ {
			users.Add(1)
			go func() {
				defer users.Done()
				sid := fmt.Sprintf("load-session-%03d-%s", s, strings.Repeat("x", 24))
				for k := 0; k < 5; k++ {
					if _, _, err := p.env.Invoke(context.Background(), arn, sid, map[string]any{"action": "count"}, ""); err != nil {
						if failed.Add(1) <= 3 {
							b.Logf("session %d invoke %d: %v", s, k, err)
						}
						continue
					}
					ok.Add(1)
				}
			}()
		}
		users.Wait()
		wall := time.Since(start)
		close(stop)
		attackers.Wait()
		hwm, rss := procMemKiB(pid, "VmHWM"), procMemKiB(pid, "VmRSS")
		b.ReportMetric(float64(failed.Load()), "failed-invokes")
		b.ReportMetric(float64(ok.Load()), "ok-invokes")
		b.ReportMetric(float64(hwm)/1024, "peak-RSS-MiB")
		b.ReportMetric(float64(rss)/1024, "end-RSS-MiB")
		b.ReportMetric(wall.Seconds(), "wall-s")
		if failed.Load() > 0 {
			b.Errorf("%d of %d well-behaved invocations failed under attack", failed.Load(), failed.Load()+ok.Load())
		}
	}
}

// procMemKiB reads a "Vm...: N kB" line of /proc/pid/status.
func procMemKiB(pid int, key string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return -1
}
