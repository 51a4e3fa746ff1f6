package browser

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// devtoolsPort is Chromium's remote-debugging port inside its sandbox (the
// process driver maps it to a free host port given as $PORT).
const devtoolsPort = 9222

// envVersion is the warm pools' version in runtime.Sessions.
const envVersion = 1

// Sessions run in runtime.Sessions under account "" and a runtime id per
// network mode, so a warm browser serves any account's session; the
// session id there is acct/browserId/sessionId.
func runtimeID(mode string) string { return "browser/" + mode }

// chromiumFlags are the flags every session's Chromium runs with (headless,
// no GPU, no background traffic, DevTools on loopback only).
var chromiumFlags = []string{
	"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
	"--disable-sync", "--disable-dev-shm-usage", "--remote-debugging-address=127.0.0.1",
	"--remote-allow-origins=*", "--disable-infobars",
}

// minPids is the least process (task) limit a browser's sandbox gets,
// whatever --session-pids says: Chromium runs a dozen processes with
// hundreds of threads, and under gVisor the sandbox kernel's own threads
// count too (a session with eight tabs uses about 900). Below it a session
// opening a few tabs dies when the sandbox cannot create a thread.
const minPids = 4096

// chromiumScript starts Chromium ($0) with its profile in the session's
// private HOME (wiped at stop) and DevTools on $PORT (the contract port
// under the isolating drivers).
const chromiumScript = `exec "$0" "$@" --remote-debugging-port="${PORT:-9222}" --user-data-dir="$HOME/chromium-profile" about:blank`

// launch describes one Chromium of a network mode, at a window size,
// living at most life.
func (s *Service) launch(mode string, vp ViewPort, life time.Duration) (*runtime.Launch, error) {
	argv := append([]string{"/bin/sh", "-c", chromiumScript, s.o.Chromium}, chromiumFlags...)
	argv = append(argv, "--window-size="+strconv.Itoa(vp.Width)+","+strconv.Itoa(vp.Height))
	spec := sandbox.Spec{
		ID:        "br" + strings.ToLower(randomID(14, alnum)),
		Command:   argv,
		Dir:       filepath.Join(s.dir, "root"),
		Env:       []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"},
		Ports:     []int{devtoolsPort},
		HostPaths: runtime.HostPaths(s.o.Chromium),
		Network:   "PUBLIC",
		Limits:    s.o.Limits,
	}
	if spec.Limits.Pids < minPids {
		spec.Limits.Pids = minPids
	}
	if mode != NetworkPublic {
		spec.Network = "NONE"
	}
	logf, err := os.OpenFile(filepath.Join(s.dir, "logs", "chromium-"+strings.ToLower(mode)+".log"),
		os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	spec.Stdout, spec.Stderr = logf, logf
	return &runtime.Launch{Spec: spec, Port: devtoolsPort, Protocol: "CDP", Path: "/json/version",
		Idle: life, MaxLife: life, Cleanup: func() { logf.Close() }}, nil
}

// ensurePool keeps the warm pool filled (once asked, runtime.Sessions
// refills it as browsers are taken). Pooled browsers have the default
// window size; a session asking for another gets it through CDP.
func (s *Service) ensurePool() {
	if s.o.WarmPool <= 0 || s.o.Chromium == "" {
		return
	}
	s.mu.Lock()
	done := s.pooled
	s.pooled = true
	s.mu.Unlock()
	if done {
		return
	}
	s.sessions.EnsurePool("", runtimeID(NetworkPublic), envVersion, s.o.WarmPool, func() (*runtime.Launch, error) {
		// A pooled browser's lifetime is set when a session takes it (arm).
		return s.launch(NetworkPublic, DefaultViewPort, MaxSessionTimeout*time.Second)
	})
}
