// Package cdptest starts real Chromium sessions and drives their pages for
// the tests of the browser packages.
package cdptest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	cdpt "github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"

	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/process"
)

// ChromiumPath is Debian's Chromium binary.
const ChromiumPath = "/usr/lib/chromium/chromium"

// StartChromium starts a headless Chromium as a session of the process
// sandbox driver (the server's own path, without isolation) and returns
// the session's AgentConn to its devtools port, once it answers, and how to
// stop it early (it is stopped when the test ends anyway). connect is the
// server's Connector (agentclient.Connect).
func StartChromium(t testing.TB, connect runtime.Connector, width, height int) (runtime.AgentConn, func()) {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Skipf("Chromium is not installed at %s (Debian package chromium)", ChromiumPath)
	}
	flags := strings.Join([]string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--disable-infobars", "--remote-debugging-address=127.0.0.1", `--remote-debugging-port="$PORT"`, `--user-data-dir="$HOME/profile"`,
		fmt.Sprintf("--window-size=%d,%d", width, height), "about:blank"}, " ")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inst, err := process.New().Start(ctx, sandbox.Spec{
		ID:      "cdp-test",
		Command: []string{"/bin/sh", "-c", "exec " + ChromiumPath + " " + flags},
		Dir:     t.TempDir(),
		Env:     []string{"PATH=/usr/bin:/bin"},
		Ports:   []int{9222},
	})
	if err != nil {
		t.Fatal(err)
	}
	stop := func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		inst.Stop(sctx) //nolint:errcheck // the test is over
	}
	t.Cleanup(stop)
	conn := connect(inst, 9222, "HTTP")
	t.Cleanup(conn.Close)
	for {
		if _, err := cdp.BrowserPath(ctx, conn); err == nil {
			return conn, stop
		} else if ctx.Err() != nil {
			t.Fatalf("Chromium did not answer /json/version: %v", err)
		}
		select {
		case <-inst.Done():
			t.Fatalf("Chromium exited: %v", inst.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Serve serves html at every path of a loopback test server (/set also
// sets a persistent and a session cookie) and returns its URL.
func Serve(t testing.TB, html string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/set" {
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: "abc123", Path: "/", MaxAge: 3600})
			http.SetCookie(w, &http.Cookie{Name: "tmp", Value: "session-only", Path: "/"})
		}
		fmt.Fprint(w, html)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// OnPage runs fn on the current page of the Chromium behind ac, over a
// CDP connection of its own.
func OnPage(t testing.TB, ac runtime.AgentConn, fn func(ctx context.Context, p *cdp.Page)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := cdp.Dial(ctx, ac)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p, err := c.AttachPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fn(ctx, p)
}

// Navigate loads url in the current page and waits for its load event.
func Navigate(t testing.TB, ac runtime.AgentConn, url string) {
	t.Helper()
	OnPage(t, ac, func(ctx context.Context, p *cdp.Page) {
		if _, err := cdpt.Call(ctx, p, page.Enable, page.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		loaded, stop := p.Subscribe(page.LoadEventFired.Method)
		defer stop()
		res, err := cdpt.Call(ctx, p, page.Navigate, page.NavigateParams{URL: url})
		if err != nil || res.ErrorText != "" {
			t.Fatalf("navigate %s: %v %s", url, err, res.ErrorText)
		}
		select {
		case <-loaded:
		case <-ctx.Done():
			t.Fatalf("%s did not load", url)
		}
	})
}
