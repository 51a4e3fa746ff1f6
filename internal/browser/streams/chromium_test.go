package streams_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/agentclient"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/process"
)

const chromiumPath = "/usr/lib/chromium/chromium"

// startChromium starts a headless Chromium as a session of the process
// sandbox driver (the server's own path, without isolation) and returns
// the session's AgentConn to its devtools port, once it answers.
func startChromium(t *testing.T, width, height int) runtime.AgentConn {
	t.Helper()
	conn, _ := startChromiumStop(t, width, height)
	return conn
}

// startChromiumStop is startChromium that also returns how to stop it.
func startChromiumStop(t *testing.T, width, height int) (runtime.AgentConn, func()) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("Chromium is not installed at %s (Debian package chromium)", chromiumPath)
	}
	flags := strings.Join([]string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--disable-infobars", "--remote-debugging-address=127.0.0.1", `--remote-debugging-port="$PORT"`, `--user-data-dir="$HOME/profile"`,
		fmt.Sprintf("--window-size=%d,%d", width, height), "about:blank"}, " ")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inst, err := process.New().Start(ctx, sandbox.Spec{
		ID:      "cdp-test",
		Command: []string{"/bin/sh", "-c", "exec " + chromiumPath + " " + flags},
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
	conn := agentclient.Connect(inst, 9222, "HTTP")
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

// serve serves html at / of a loopback test server and returns its URL.
func serve(t *testing.T, html string) string {
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
