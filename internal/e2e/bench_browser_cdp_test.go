package e2e

// CDP helpers of the Browser benchmarks (bench_browser_test.go): a minimal
// CDP client, the automation stream dialled with SigV4 headers, Chromium
// launched directly (the baseline).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/testenv"
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
	once   sync.Once
}

// brLaunchDirect starts Chromium and polls GET /json/version every
// millisecond until it answers (the server's CDP ping).
func brLaunchDirect(b testing.TB) (*brDirect, error) {
	home, err := os.MkdirTemp("", "br-direct-")
	if err != nil {
		return nil, err
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
		os.RemoveAll(home)
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	go func() { d.cmd.Wait(); close(d.exited) }() //nolint:errcheck // observed via exited
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	for {
		if v, err := brVersion(c, d.port); err == nil {
			d.ws = v
			return d, nil
		}
		select {
		case <-d.exited:
			d.stop()
			return nil, fmt.Errorf("chromium exited before /json/version answered:\n%s", logs.tail(20))
		case <-time.After(time.Millisecond):
		}
		if time.Since(t0) > time.Minute {
			d.stop()
			return nil, fmt.Errorf("chromium: /json/version not answering after a minute:\n%s", logs.tail(20))
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

// stop ends the Chromium's process group and removes its HOME (once).
func (d *brDirect) stop() { d.once.Do(d.kill) }

func (d *brDirect) kill() {
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
