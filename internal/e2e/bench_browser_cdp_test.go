package e2e

// Helpers of the Browser benchmarks (bench_browser_test.go): a minimal CDP
// client, the automation stream dialled with SigV4 headers, Chromium
// launched directly (the baseline), the server as its own process, and
// memory read from /proc and the sessions' cgroups.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/coder/websocket"
)

// brChromium is Debian's Chromium binary (not the /usr/bin/chromium wrapper script).
const brChromium = "/usr/lib/chromium/chromium"

// brChromiumFlags are the flags internal/browser starts every session's
// Chromium with (chromiumFlags there, plus the default viewport's window
// size); the direct baseline uses the same.
var brChromiumFlags = []string{
	"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
	"--disable-sync", "--disable-dev-shm-usage", "--remote-debugging-address=127.0.0.1",
	"--remote-allow-origins=*", "--disable-infobars", "--window-size=1280,720",
}

// brPageHTML is the page every first navigation loads: small, no
// sub-resources, so the load event follows the document.
const brPageHTML = `<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head>
<body><h1>AgentCore browser benchmark</h1><form><input name="q" value="x"><button>Go</button></form></body></html>`

// brPage serves brPageHTML and returns its URL and where it is served:
// as root on a test host (testenv.OutsideServe: a network namespace the
// test creates, which PUBLIC sessions of every driver and host processes
// reach alike), else on the host's loopback (process driver and direct
// Chromium only).
func brPage(b *testing.B) (url, where string) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, brPageHTML) //nolint:errcheck
	})
	if os.Geteuid() == 0 {
		return testenv.OutsideServe(b, h) + "/page", "test host (network namespace, veth)"
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.URL + "/page", "loopback"
}

// brRequireDriver skips b when the host cannot run driver.
func brRequireDriver(b *testing.B, driver string) {
	b.Helper()
	if err := brDriverCheck(driver); err != nil {
		b.Skip(err)
	}
}

// brDriverCheck says why the host cannot run an isolating driver's
// sessions in these benchmarks (nil: it can).
func brDriverCheck(driver string) error {
	if driver == "process" {
		return nil
	}
	d, err := sandbox.New(driver, nil)
	if err != nil {
		return fmt.Errorf("sandbox driver %q is not registered in this build (%v)", driver, err)
	}
	if a, ok := d.(sandbox.Availability); ok {
		if err := a.Available(); err != nil {
			return fmt.Errorf("sandbox driver %q is not available on this host: %v", driver, err)
		}
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("driver %q: the page is served on a test host, which needs root", driver)
	}
	return nil
}

// brCDP is a minimal CDP client on one WebSocket (browser-level endpoint).
type brCDP struct {
	ws   *websocket.Conn
	next int64
}

type brMsg struct {
	ID        int64           `json:"id"`
	Method    string          `json:"method"`
	SessionID string          `json:"sessionId"`
	Result    json.RawMessage `json:"result"`
	Error     json.RawMessage `json:"error"`
}

// brDialCDP opens a CDP WebSocket (h: the upgrade's extra headers).
func brDialCDP(ctx context.Context, u string, h http.Header) (*brCDP, error) {
	ws, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: h, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(64 << 20)
	return &brCDP{ws: ws}, nil
}

// brDialAutomation opens a session's automation stream with the SigV4
// headers the bedrock-agentcore SDK's generate_ws_headers sends
// (Authorization and X-Amz-Date of a signed GET of the https form of the URL).
func brDialAutomation(ctx context.Context, streamURL string) (*brCDP, error) {
	req, err := http.NewRequest(http.MethodGet, "http"+strings.TrimPrefix(streamURL, "ws"), nil)
	if err != nil {
		return nil, err
	}
	testenv.Sign(req, nil)
	h := http.Header{}
	for _, k := range []string{"Authorization", "X-Amz-Date"} {
		h.Set(k, req.Header.Get(k))
	}
	return brDialCDP(ctx, streamURL, h)
}

func (c *brCDP) close() { c.ws.CloseNow() } //nolint:errcheck // best effort

// send writes one command and returns its id.
func (c *brCDP) send(ctx context.Context, sid, method string, params any) (int64, error) {
	c.next++
	msg := map[string]any{"id": c.next, "method": method, "params": params}
	if sid != "" {
		msg["sessionId"] = sid
	}
	data, _ := json.Marshal(msg)
	return c.next, c.ws.Write(ctx, websocket.MessageText, data)
}

// call sends one command and reads until its answer (events are dropped).
func (c *brCDP) call(ctx context.Context, sid, method string, params any) (json.RawMessage, error) {
	id, err := c.send(ctx, sid, method, params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	for {
		m, err := c.read(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		if m.ID == id {
			if len(m.Error) > 0 {
				return nil, fmt.Errorf("%s: %s", method, m.Error)
			}
			return m.Result, nil
		}
	}
}

func (c *brCDP) read(ctx context.Context) (*brMsg, error) {
	_, data, err := c.ws.Read(ctx)
	if err != nil {
		return nil, err
	}
	var m brMsg
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// attachPage attaches to the browser's first page target (flat session)
// and returns the CDP session id.
func (c *brCDP) attachPage(ctx context.Context) (string, error) {
	res, err := c.call(ctx, "", "Target.getTargets", map[string]any{})
	if err != nil {
		return "", err
	}
	var ts struct {
		TargetInfos []struct{ TargetID, Type string } `json:"targetInfos"`
	}
	json.Unmarshal(res, &ts) //nolint:errcheck // checked below
	for _, t := range ts.TargetInfos {
		if t.Type == "page" {
			res, err := c.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": t.TargetID, "flatten": true})
			if err != nil {
				return "", err
			}
			var a struct{ SessionID string }
			json.Unmarshal(res, &a) //nolint:errcheck // checked below
			if a.SessionID == "" {
				return "", fmt.Errorf("Target.attachToTarget: %s", res)
			}
			return a.SessionID, nil
		}
	}
	return "", fmt.Errorf("no page target: %s", res)
}

// firstNavigation is what a CDP client does first: attach to the page,
// enable Page events, navigate to u and wait for the load event (and the
// navigate answer).
func (c *brCDP) firstNavigation(ctx context.Context, u string) error {
	sid, err := c.attachPage(ctx)
	if err != nil {
		return err
	}
	if _, err := c.call(ctx, sid, "Page.enable", map[string]any{}); err != nil {
		return err
	}
	id, err := c.send(ctx, sid, "Page.navigate", map[string]any{"url": u})
	if err != nil {
		return err
	}
	answered, loaded := false, false
	for !answered || !loaded {
		m, err := c.read(ctx)
		if err != nil {
			return fmt.Errorf("navigate %s: %w", u, err)
		}
		switch {
		case m.ID == id:
			var r struct{ ErrorText string }
			json.Unmarshal(m.Result, &r) //nolint:errcheck // empty on success
			if len(m.Error) > 0 || r.ErrorText != "" {
				return fmt.Errorf("navigate %s: %s %s", u, m.Error, r.ErrorText)
			}
			answered = true
		case m.Method == "Page.loadEventFired" && m.SessionID == sid:
			loaded = true
		}
	}
	return nil
}

// brDirect is one Chromium started directly (host process, the sessions'
// flags, a fresh profile in its own HOME), the lifecycle's baseline.
type brDirect struct {
	cmd    *exec.Cmd
	exited chan struct{}
	home   string
	port   int
	ws     string // webSocketDebuggerUrl
}

// brLaunchDirect starts Chromium and polls GET /json/version every
// millisecond until it answers (the server's CDP ping).
func brLaunchDirect(b testing.TB) *brDirect {
	home, err := os.MkdirTemp("", "br-direct-")
	if err != nil {
		b.Fatal(err)
	}
	d := &brDirect{home: home, port: freePort(b), exited: make(chan struct{})}
	args := append(append([]string{}, brChromiumFlags...), "--remote-debugging-port="+strconv.Itoa(d.port),
		"--user-data-dir="+filepath.Join(home, "chromium-profile"), "about:blank")
	d.cmd = exec.Command(brChromium, args...)
	d.cmd.Dir = home
	d.cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "HOME=" + home}
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var logs brLog
	d.cmd.Stdout, d.cmd.Stderr = &logs, &logs
	t0 := time.Now()
	if err := d.cmd.Start(); err != nil {
		b.Fatalf("start chromium: %v", err)
	}
	go func() { d.cmd.Wait(); close(d.exited) }() //nolint:errcheck // observed via exited
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	for {
		if v, err := brVersion(c, d.port); err == nil {
			d.ws = v
			return d
		}
		select {
		case <-d.exited:
			b.Fatalf("chromium exited before /json/version answered:\n%s", logs.String())
		case <-time.After(time.Millisecond):
		}
		if time.Since(t0) > time.Minute {
			d.stop()
			b.Fatalf("chromium: /json/version not answering after a minute:\n%s", logs.String())
		}
	}
}

// brVersion reads webSocketDebuggerUrl from a Chromium's GET /json/version.
func brVersion(c *http.Client, port int) (string, error) {
	resp, err := c.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/json/version")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var v struct {
		WS string `json:"webSocketDebuggerUrl"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != 200 || v.WS == "" {
		return "", fmt.Errorf("GET /json/version: %d %v", resp.StatusCode, err)
	}
	return v.WS, nil
}

func (d *brDirect) stop() {
	pg := d.cmd.Process.Pid
	syscall.Kill(-pg, syscall.SIGTERM) //nolint:errcheck
	select {
	case <-d.exited:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pg, syscall.SIGKILL) //nolint:errcheck
		<-d.exited
	}
	os.RemoveAll(d.home)
}

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
