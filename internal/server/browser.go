package server

import (
	"context"
	"os"
	"os/exec"

	"github.com/agentcore-dev/agentcore/internal/agentclient"
	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// debianChromium is where Debian's chromium package puts the real binary
// (/usr/bin/chromium is a wrapper script).
const debianChromium = "/usr/lib/chromium/chromium"

// startBrowser builds the Browser tool (nil when --browser=false): its own
// session manager on the server's sandbox driver (browsers never share a
// runtime's pools), the CDP implementation, and the service.
func (s *Server) startBrowser(ctx context.Context, driver sandbox.Driver, tags *tagging.Service) (*browser.Service, error) {
	cfg, lg := s.cfg, s.cfg.Logger
	if cfg.DisableBrowser {
		return nil, nil
	}
	sessions := runtime.NewSessions(runtime.SessionOptions{
		Driver: driver, Connect: agentclient.Connect, Logger: lg.With("service", "browser"),
		InitTimeout: cfg.InitTimeout, PingInterval: cfg.PingInterval,
		Tracer: s.tel.Tracer(), Observer: s.tel.Metrics,
	})
	s.closers.push("browser sessions", func(ctx context.Context) error { sessions.Close(ctx); return nil })
	chromium := findChromium(cfg.BrowserChromium)
	if chromium == "" {
		lg.Warn("browser: no Chromium found; sessions cannot start (install Debian's chromium or set --browser-chromium)")
	}
	o := browser.Options{
		Node: s.node, NodeAlive: s.nodeAlive,
		KV: s.kv, Sessions: sessions, CDP: cdp.New(), Chromium: chromium, DataDir: cfg.DataDir,
		Limits: cfg.Limits, WarmPool: cfg.BrowserWarmPool, Tracer: s.tel.Tracer(), Observer: s.tel.Metrics, Logger: lg,
	}
	var err error
	if o.Filesystems, err = cfg.FilesystemMap(); err != nil { // checked by config.Validate
		return nil, err
	}
	if s.obs != nil {
		o.Logs = s.obs.AgentLogWriter // the pages' console and network errors are kept with the session's logs (retention applies)
	}
	svc := browser.New(o)
	if err := svc.Open(ctx); err != nil {
		return nil, err
	}
	s.closers.push("browser", svc.Close)
	tags.AddChecker(svc.Exists)
	lg.Info("browser", "chromium", chromium, "warmPool", cfg.BrowserWarmPool)
	return svc, nil
}

// findChromium resolves --browser-chromium: the setting (a path or a name
// on PATH), else Debian's binary, else chromium or chromium-browser on PATH.
func findChromium(setting string) string {
	if setting != "" {
		p, _ := exec.LookPath(setting)
		return p
	}
	if fi, err := os.Stat(debianChromium); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
		return debianChromium
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
