package gvisor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
)

// probeTimeout bounds the availability probe: a platform that cannot run
// guests (KVM under nested virtualization) hangs rather than failing.
const probeTimeout = 30 * time.Second

// newNet gives the session its network namespace from hostnet (loopback
// only for NONE; veth + NAT egress for PUBLIC). Where hostnet cannot work,
// a NONE session still gets a loopback-only namespace of the driver's own.
func (d *Driver) newNet(ctx context.Context, s sandbox.Spec, cid, dir string) (sessionNet, error) {
	public := s.Network == "PUBLIC"
	err := hostnet.Available()
	if err == nil {
		n, err := hostnet.New(ctx, cid, public)
		if err != nil {
			return nil, fmt.Errorf("gvisor: %w", err)
		}
		return n, nil
	}
	if public {
		return nil, fmt.Errorf("gvisor: PUBLIC network needs hostnet: %w", err)
	}
	return newLoopNet(filepath.Join(dir, "netns"))
}

// Available implements sandbox.Availability: a runsc must be installed and
// actually able to run a process here. The first call picks the runsc
// binary and platform sessions use (checked once per process, bounded in
// time, logged); Start uses that choice.
func (d *Driver) Available() error {
	_, err := d.config()
	return err
}

// config returns the probe's choice, probing on first use.
func (d *Driver) config() (runscConfig, error) {
	key := d.opts.Dir + "|" + d.opts.Runsc + "|" + d.opts.Platform
	probesMu.Lock()
	p, ok := probes[key]
	if !ok {
		p = &probeResult{}
		probes[key] = p
	}
	probesMu.Unlock()
	p.once.Do(func() { p.cfg, p.err = d.choose() })
	return p.cfg, p.err
}

// probes caches the choice per runsc option, platform and driver dir for
// the process.
var (
	probesMu sync.Mutex
	probes   = map[string]*probeResult{}
)

type probeResult struct {
	once sync.Once
	cfg  runscConfig
	err  error
}

// choose tries each candidate runsc with each platform it has (systrap,
// then ptrace; or only Options.Platform) and keeps the first that runs
// /bin/true in a sandbox.
func (d *Driver) choose() (runscConfig, error) {
	if os.Geteuid() != 0 {
		return runscConfig{}, fmt.Errorf("runsc needs root to create sandboxes (running as uid %d)", os.Geteuid())
	}
	for _, c := range []string{"memory", "cpu", "pids"} {
		if !hasController(c) {
			return runscConfig{}, fmt.Errorf("cgroup controller %q is not mounted (looked in /sys/fs/cgroup/%s and cgroup v2)", c, c)
		}
	}
	if err := hostnet.Available(); err != nil {
		return runscConfig{}, fmt.Errorf("no PUBLIC networking for sessions: %w", err)
	}
	paths := d.candidates()
	if len(paths) == 0 {
		if d.opts.Runsc != "" {
			return runscConfig{}, fmt.Errorf("runsc not found: neither %q nor runsc in PATH (install the Debian package runsc)", d.opts.Runsc)
		}
		return runscConfig{}, errors.New("runsc not found in PATH (install the Debian package runsc, or set " + RunscEnv + ")")
	}
	var tried []string
	for _, path := range paths {
		version, platforms, shared, err := describe(path)
		if err != nil {
			tried = append(tried, err.Error())
			continue
		}
		if d.opts.Platform != "" {
			platforms = []string{d.opts.Platform}
		}
		for _, pf := range platforms {
			cfg := runscConfig{path: path, version: version, platform: pf, network: "host", sharedRoot: shared, checkpoint: savesHostinet(path)}
			t0 := time.Now()
			if err := d.probe(cfg); err != nil {
				tried = append(tried, err.Error())
				d.opts.Log.Info("gvisor: runsc probe failed", "runsc", path, "version", version, "platform", pf, "err", err)
				continue
			}
			d.opts.Log.Info("gvisor: runsc chosen", "runsc", path, "version", version, "platform", pf,
				"network", cfg.network, "checkpoint", cfg.checkpoint, "probe", time.Since(t0).Round(time.Millisecond), "rejected", tried)
			return cfg, nil
		}
	}
	return runscConfig{}, errors.New(strings.Join(tried, "; "))
}

// probe starts a sandbox with cfg that runs /bin/true.
func (d *Driver) probe(cfg runscConfig) error {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	in, err := d.start(ctx, cfg, sandbox.Spec{ID: "probe", Command: []string{"/bin/true"}, Network: "NONE",
		Limits: sandbox.Limits{MemoryBytes: 256 << 20}}, "")
	if err != nil {
		return fmt.Errorf("%s --platform=%s cannot start a sandbox: %w", cfg.path, cfg.platform, err)
	}
	defer func() {
		stopCtx, cancel := context.WithCancel(context.Background())
		cancel() // no grace period: the probe has nothing to save
		in.Stop(stopCtx)
	}()
	select {
	case <-in.Done():
	case <-ctx.Done():
		return fmt.Errorf("%s --platform=%s did not run /bin/true within %v (the platform hangs on this host)",
			cfg.path, cfg.platform, probeTimeout)
	}
	if err := in.exitErr(); err != nil {
		return fmt.Errorf("%s --platform=%s cannot run /bin/true: %w", cfg.path, cfg.platform, err)
	}
	return nil
}

// exitErr is nil when the agent exited with status 0.
func (in *instance) exitErr() error {
	return in.Err()
}

func hasController(name string) bool {
	if _, err := os.Stat("/sys/fs/cgroup/" + name); err == nil {
		return true
	}
	b, err := os.ReadFile("/sys/fs/cgroup/cgroup.controllers")
	if err != nil {
		return false
	}
	for _, c := range strings.Fields(string(b)) {
		if c == name {
			return true
		}
	}
	return false
}
