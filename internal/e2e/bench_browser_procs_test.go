package e2e

// Process helpers of the Browser benchmarks: the server as its own
// process, its warm pool, and memory read from /proc and the sessions'
// cgroups.

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
)

// brLog collects a process's output; it can be read while the process writes.
type brLog struct {
	mu  sync.Mutex
	buf []byte
}

func (l *brLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	return len(p), nil
}

func (l *brLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}

func (l *brLog) tail(n int) string {
	lines := strings.Split(strings.TrimRight(l.String(), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// brServer is one `agentcore server` process serving browser sessions.
type brServer struct {
	driver string
	cmd    *exec.Cmd
	logs   brLog
	data   *bedrockagentcore.Client
	taken  int // pooled browsers handed to sessions so far
}

// brStartServer runs the current tree's `agentcore server` on a free
// loopback port (local mode: the test key signs as the default account)
// with --sandbox driver, --browser-warm-pool pool, at log level info (the
// pool's "session started ... pooled=true" lines tell when it is full),
// plus the flags of AGENTCORE_BENCH_BROWSER_FLAGS (e.g. "--log-level
// debug"). owner gets the cleanup (the server can outlive one b.N round).
func brStartServer(b, owner *testing.B, driver string, pool int) *brServer {
	b.Helper()
	bin := testenv.BuildGo(b, "cmd/agentcore")
	dir := owner.TempDir()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(b))
	args := []string{"server", "--listen", addr, "--data-dir", dir, "--sandbox", driver,
		"--log-level", "info", "--browser-warm-pool", strconv.Itoa(pool), "--browser-chromium", brChromium}
	args = append(args, strings.Fields(os.Getenv("AGENTCORE_BENCH_BROWSER_FLAGS"))...)
	p := &brServer{driver: driver}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), "AGENTCORE_ACCESS_KEY_ID=", "AGENTCORE_SECRET_ACCESS_KEY=")
	p.cmd.Stdout, p.cmd.Stderr = &p.logs, &p.logs
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		b.Fatalf("start %s: %v", bin, err)
	}
	owner.Cleanup(p.stop)
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get("http://" + addr + "/_agentcore/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("server (%s) not healthy after a minute:\n%s", driver, p.logs.tail(40))
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, p.data = testenv.Clients("http://" + addr)
	return p
}

func (p *brServer) stop() {
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM) //nolint:errcheck
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }() //nolint:errcheck // exit observed via done
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck
		<-done
	}
}

// brPooledRE matches the log line of a warm-pool browser that answered GET /json/version.
var brPooledRE = regexp.MustCompile(`msg="session started" .*runtime=browser/PUBLIC .*pooled=true`)

// waitPool waits until want started browsers wait in the pool (the server
// has started taken+want pooled ones since it began).
func (p *brServer) waitPool(b *testing.B, want int) {
	b.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		n := len(brPooledRE.FindAllStringIndex(p.logs.String(), -1))
		if n >= p.taken+want {
			time.Sleep(5 * time.Millisecond) // logged just before the browser joins the pool
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("warm pool: %d of %d browsers started after 2 minutes; server log:\n%s", n, p.taken+want, p.logs.tail(40))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// brProcs maps every process to its parent.
func brProcs() map[int]int {
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
	return parent
}

// below reports whether pid descends from root (or is root).
func below(parent map[int]int, pid, root int) bool {
	for hops := 0; pid > 1 && hops < 64; hops++ {
		if pid == root {
			return true
		}
		pid = parent[pid]
	}
	return false
}

// brBrowsers returns the main Chromium processes (the ones with a
// --remote-debugging-port, not a --type= child) below root, with that port.
func brBrowsers(root int) map[int]int {
	parent := brProcs()
	out := map[int]int{}
	for pid := range parent {
		if pid == root || !below(parent, pid, root) {
			continue
		}
		raw, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		args := strings.Split(string(raw), "\x00")
		if len(args) == 0 || !strings.HasSuffix(args[0], "chromium") {
			continue
		}
		port, child := 0, false
		for _, a := range args {
			if v, ok := strings.CutPrefix(a, "--remote-debugging-port="); ok {
				port, _ = strconv.Atoi(v)
			}
			child = child || strings.HasPrefix(a, "--type=")
		}
		if port > 0 && !child {
			out[pid] = port
		}
	}
	return out
}

// brTreeMem sums RSS and PSS (smaps_rollup) of roots and their descendants.
func brTreeMem(roots []int) (rss, pss int64, procs int) {
	parent := brProcs()
	for pid := range parent {
		in := false
		for _, r := range roots {
			in = in || below(parent, pid, r)
		}
		if !in {
			continue
		}
		procs++
		sm, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
		for _, l := range strings.Split(string(sm), "\n") {
			f := strings.Fields(l)
			if len(f) < 2 {
				continue
			}
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			switch f[0] {
			case "Rss:":
				rss += kb << 10
			case "Pss:":
				pss += kb << 10
			}
		}
	}
	return rss, pss, procs
}

// brCgroupMem reads the memory charge of pid's cgroup (v1: the memory
// hierarchy's memory.usage_in_bytes and memory.stat total_rss; v2:
// memory.current and memory.stat anon) and the cgroup's path.
func brCgroupMem(pid int) (usage, anon int64, path string, err error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		return 0, 0, "", err
	}
	var v1, v2 string
	for _, l := range strings.Split(string(raw), "\n") {
		f := strings.SplitN(l, ":", 3)
		if len(f) != 3 {
			continue
		}
		if f[1] == "" && f[0] == "0" {
			v2 = f[2]
		} else if strings.Contains(","+f[1]+",", ",memory,") {
			v1 = f[2]
		}
	}
	read := func(dir, file string) (int64, error) {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			return 0, err
		}
		return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	}
	stat := func(dir, key string) int64 {
		b, _ := os.ReadFile(filepath.Join(dir, "memory.stat"))
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) == 2 && f[0] == key {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
		return 0
	}
	if v1 != "" && v1 != "/" {
		dir := filepath.Join("/sys/fs/cgroup/memory", v1)
		usage, err = read(dir, "memory.usage_in_bytes")
		return usage, stat(dir, "total_rss"), v1, err
	}
	for _, mnt := range []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"} {
		dir := filepath.Join(mnt, v2)
		if usage, err = read(dir, "memory.current"); err == nil {
			return usage, stat(dir, "anon"), v2, nil
		}
	}
	return 0, 0, "", errors.New("no memory cgroup for pid " + strconv.Itoa(pid))
}
