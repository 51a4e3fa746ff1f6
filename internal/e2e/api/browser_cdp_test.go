package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/coder/websocket"
)

// More of the raw CDP client the Browser e2e tests drive sessions with
// (cdpConn, browser_helpers_test.go): calls that may fail or time out,
// navigations to pages that fail or never load, file:// listings, and a
// headless Chromium of the test's own (a viewer).

// brAuto opens the automation stream of a started session and attaches
// to its page.
func brAuto(t *testing.T, st *bedrockagentcore.StartBrowserSessionOutput) (*cdpConn, string) {
	t.Helper()
	c, _, err := dialAutomation(t, aws.ToString(st.Streams.AutomationStream.StreamEndpoint), testenv.AccessKeyID, testenv.SecretAccessKey)
	if err != nil {
		t.Fatalf("automation stream: %v", err)
	}
	return c, c.page(t)
}

// try sends one CDP command and waits at most d for its answer; unlike
// call it returns failures (a late answer is skipped by the next call).
func (c *cdpConn) try(sid, method string, params any, d time.Duration) (map[string]any, error) {
	c.next++
	msg := map[string]any{"id": c.next, "method": method, "params": params}
	if sid != "" {
		msg["sessionId"] = sid
	}
	b, _ := json.Marshal(msg)
	ctx, cancel := context.WithTimeout(bg, d)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		return nil, err
	}
	for {
		_, data, err := c.ws.Read(ctx)
		if err != nil {
			return nil, err
		}
		var resp struct {
			ID     int             `json:"id"`
			Result map[string]any  `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if json.Unmarshal(data, &resp) != nil || resp.ID != c.next {
			continue
		}
		if len(resp.Error) > 0 {
			return nil, errors.New(string(resp.Error))
		}
		return resp.Result, nil
	}
}

// goTo navigates the page to url and waits (at most d) for it to load.
// It returns "" when the page loaded, else why not: Chromium's errorText
// (net::ERR_…), "timeout", or the transport's error.
func (c *cdpConn) goTo(sid, url string, d time.Duration) string {
	deadline := time.Now().Add(d)
	res, err := c.try(sid, "Page.navigate", map[string]any{"url": url}, d)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return "timeout"
		}
		return err.Error()
	}
	if e, _ := res["errorText"].(string); e != "" {
		return e
	}
	for time.Now().Before(deadline) {
		r, err := c.try(sid, "Runtime.evaluate", map[string]any{"expression": "document.readyState + ' ' + location.href", "returnByValue": true}, time.Until(deadline))
		if err != nil {
			return err.Error()
		}
		v, _ := r["result"].(map[string]any)
		if s, _ := v["value"].(string); strings.HasPrefix(s, "complete ") && !strings.Contains(s, "chrome-error:") {
			return ""
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "timeout"
}

// listDir is the names in Chromium's file:// listing of dir (directories
// with a trailing "/"), or ok false when the page shows no listing (the
// directory does not exist or cannot be read).
func (c *cdpConn) listDir(t *testing.T, sid, dir string) ([]string, bool) {
	t.Helper()
	if why := c.goTo(sid, "file://"+dir, 15*time.Second); why != "" {
		return nil, false
	}
	v := c.eval(t, sid, `document.getElementById('tbody') ? JSON.stringify(Array.from(document.querySelectorAll('#tbody a.icon')).map(a => a.textContent)) : ''`)
	s, _ := v.(string)
	if s == "" {
		return nil, false
	}
	var names []string
	if err := json.Unmarshal([]byte(s), &names); err != nil {
		t.Fatalf("listing of %s: %q", dir, s)
	}
	return names, true
}

// bodyText is the page's text.
func (c *cdpConn) bodyText(t *testing.T, sid string) string {
	t.Helper()
	s, _ := c.eval(t, sid, "document.body ? document.body.innerText : ''").(string)
	return s
}

var devtoolsRE = regexp.MustCompile(`DevTools listening on (ws://\S+)`)

// viewer starts a headless Chromium of the test's own (DevTools on a free
// loopback port) and returns a CDP client on its first page.
func viewer(t *testing.T) (*cdpConn, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(bg)
	cmd := exec.CommandContext(ctx, "/usr/lib/chromium/chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
		"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
		"--user-data-dir="+t.TempDir(), "--window-size=1200,900", "about:blank")
	// Its own process group, killed whole: Chromium's helper processes
	// would otherwise outlive it and write into the profile directory the
	// test removes.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()                                                            //nolint:errcheck // killed
		for i := 0; i < 50 && syscall.Kill(-cmd.Process.Pid, 0) == nil; i++ { // helpers leaving the group
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck // gone meanwhile
			time.Sleep(20 * time.Millisecond)
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := devtoolsRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	var wsURL string
	select {
	case wsURL = <-found:
	case <-time.After(30 * time.Second):
		t.Fatal("the viewer Chromium did not start")
	}
	dctx, dcancel := context.WithTimeout(bg, 20*time.Second)
	defer dcancel()
	ws, _, err := websocket.Dial(dctx, wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(64 << 20)
	t.Cleanup(func() { ws.CloseNow() })
	c := &cdpConn{ws: ws}
	return c, c.page(t)
}

// download has a session save site's /download/NAME into dir and waits
// (a while) for the session to list it there.
func download(t *testing.T, c *cdpConn, sid, site, dir, name string) {
	t.Helper()
	c.call(t, "", "Browser.setDownloadBehavior", map[string]any{"behavior": "allow", "downloadPath": dir})
	c.goTo(sid, site+"/download/"+name, 10*time.Second) // net::ERR_ABORTED: it became a download
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if names, _ := c.listDir(t, sid, dir); slices.Contains(names, name) {
			return
		}
	}
	t.Logf("the session did not save %s into %s", name, dir)
}

// walkFileURLs lists every entry under root that the session's Chromium
// can list through file:// URLs (directories with a trailing "/"),
// relative to root.
func walkFileURLs(t *testing.T, c *cdpConn, sid, root string) []string {
	t.Helper()
	var out []string
	queue := []string{""}
	for len(queue) > 0 && len(out) < 500 {
		rel := queue[0]
		queue = queue[1:]
		names, ok := c.listDir(t, sid, filepath.Join(root, rel)+"/")
		if !ok {
			continue
		}
		for _, n := range names {
			out = append(out, rel+n)
			if strings.HasSuffix(n, "/") {
				queue = append(queue, rel+n)
			}
		}
	}
	return out
}
