package e2e

// BenchmarkInvokeWarmProcess measures the warm-invoke overhead with each
// server running as its own process, as users run it (`agentcore server`),
// and compares several server binaries in the same run: requests rotate in
// small blocks between the agent's own port and every server, so all paths
// see the same machine load.
//
//	# the current tree only
//	go test -run '^$' -bench 'InvokeWarmProcess' -benchtime 20000x ./internal/e2e/
//	# before/after: any number of name=binary pairs
//	AGENTCORE_BENCH_BINARIES=before=/tmp/agentcore-before,after=./bin/agentcore \
//	  go test -run '^$' -bench 'InvokeWarmProcess' -benchtime 20000x ./internal/e2e/

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// serverProc is one `agentcore server` process.
type serverProc struct {
	name string
	env  *testenv.Env
	cmd  *exec.Cmd
	logs lockedBuffer
}

// lockedBuffer collects a server's output; it can be read while the
// process writes to it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// benchBinaries returns name → binary of the servers to compare.
func benchBinaries(b *testing.B) [][2]string {
	spec := os.Getenv("AGENTCORE_BENCH_BINARIES")
	if spec == "" {
		return [][2]string{{"current", testenv.BuildGo(b, "cmd/agentcore")}}
	}
	var out [][2]string
	for _, kv := range strings.Split(spec, ",") {
		name, bin, ok := strings.Cut(kv, "=")
		if !ok {
			b.Fatalf("AGENTCORE_BENCH_BINARIES: %q is not name=binary", kv)
		}
		abs, err := filepath.Abs(bin)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, [2]string{name, abs})
	}
	return out
}

// startServerProc runs bin as `agentcore server` on a free loopback port
// (local mode: no credentials file, so the test clients' signatures are
// accepted as the default account) and waits for /_agentcore/health. flags
// are added to the command line (e.g. "--sandbox", "linuxns",
// "--code-interpreter-warm-pool", "4"); unless they say otherwise the
// sandbox is `process` and the log level `error`.
func startServerProc(b *testing.B, name, bin string, flags ...string) *serverProc {
	b.Helper()
	dir := b.TempDir()
	url := fmt.Sprintf("http://127.0.0.1:%d", freePort(b))
	p := &serverProc{name: name}
	args := []string{"server", "--listen", strings.TrimPrefix(url, "http://"), "--data-dir", dir}
	for _, def := range [][2]string{{"--sandbox", "process"}, {"--log-level", "error"}} {
		if !hasFlag(flags, def[0]) {
			args = append(args, def[0], def[1])
		}
	}
	p.cmd = exec.Command(bin, append(args, flags...)...)
	p.cmd.Env = append(os.Environ(), "AGENTCORE_ACCESS_KEY_ID=", "AGENTCORE_SECRET_ACCESS_KEY=")
	p.cmd.Stdout, p.cmd.Stderr = &p.logs, &p.logs
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		b.Fatalf("start %s: %v", bin, err)
	}
	b.Cleanup(p.stop)
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(url + "/_agentcore/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("%s: server not healthy after a minute:\n%s", name, p.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.env = &testenv.Env{T: b, URL: url, DataDir: dir}
	p.env.Control, p.env.Data = testenv.Clients(url)
	return p
}

// hasFlag reports whether flags set name (as "--name value" or "--name=value").
func hasFlag(flags []string, name string) bool {
	for _, f := range flags {
		if f == name || strings.HasPrefix(f, name+"=") {
			return true
		}
	}
	return false
}

func (p *serverProc) stop() {
	if p.cmd.Process == nil {
		return
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM) //nolint:errcheck
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }() //nolint:errcheck // exit observed via done
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck
		<-done
	}
}

func BenchmarkInvokeWarmProcess(b *testing.B) {
	bins := benchBinaries(b)
	session := testenv.SessionID("bench-warm-proc")
	type path struct {
		name string
		url  string
		c    *http.Client
		lat  latencies
	}
	agentBin := testenv.BuildGo(b, "internal/testagent")
	direct := startDirect(b, filepath.Dir(agentBin), []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir()}, agentBin)
	b.Cleanup(direct.Stop)
	paths := []*path{{name: "direct", url: direct.URL + "/invocations", c: keepAliveClient()}}
	for _, nb := range bins {
		p := startServerProc(b, nb[0], nb[1])
		rt := p.env.Deploy(b, "bench_warm_"+strconv.Itoa(len(paths)), nil)
		paths = append(paths, &path{name: nb[0], url: invokeURL(p.env, *rt.AgentRuntimeArn), c: keepAliveClient()})
	}
	for _, p := range paths {
		for range 200 { // warm-up: session started, connections open
			post(b, p.c, p.url, session, warmPayload)
		}
	}
	const block = 50
	b.ResetTimer()
	for done := 0; done < b.N; done += block {
		n := min(block, b.N-done)
		for _, p := range paths {
			for range n {
				t0 := time.Now()
				post(b, p.c, p.url, session, warmPayload)
				p.lat = append(p.lat, time.Since(t0))
			}
		}
	}
	b.StopTimer()
	d50, d99 := paths[0].lat.pct(50), paths[0].lat.pct(99)
	b.ReportMetric(us(d50), "direct-p50-us")
	b.ReportMetric(us(d99), "direct-p99-us")
	for _, p := range paths[1:] {
		p50, p99 := p.lat.pct(50), p.lat.pct(99)
		b.ReportMetric(us(p50), p.name+"-p50-us")
		b.ReportMetric(us(p99), p.name+"-p99-us")
		b.ReportMetric(us(p50-d50), p.name+"-added-p50-us")
		b.ReportMetric(us(p99-d99), p.name+"-added-p99-us")
	}
}
