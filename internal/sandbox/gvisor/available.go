package gvisor

import (
	"context"
	"fmt"
	"os"
	"os/exec"
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

// Available implements sandbox.Availability: runsc must be installed and
// actually able to run a process here (checked once, bounded in time).
func (d *Driver) Available() error {
	key := d.opts.Runsc + "|" + d.opts.Platform
	probesMu.Lock()
	p, ok := probes[key]
	if !ok {
		p = &probeResult{}
		probes[key] = p
	}
	probesMu.Unlock()
	p.once.Do(func() { p.err = d.probe() })
	return p.err
}

// probes caches Available per runsc binary and platform for the process.
var (
	probesMu sync.Mutex
	probes   = map[string]*probeResult{}
)

type probeResult struct {
	once sync.Once
	err  error
}

func (d *Driver) probe() error {
	runsc, err := exec.LookPath(d.opts.Runsc)
	if err != nil {
		return fmt.Errorf("runsc not found (install the Debian package runsc): %w", err)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("runsc needs root to create sandboxes (running as uid %d)", os.Geteuid())
	}
	for _, c := range []string{"memory", "cpu", "pids"} {
		if !hasController(c) {
			return fmt.Errorf("cgroup controller %q is not mounted (looked in /sys/fs/cgroup/%s and cgroup v2)", c, c)
		}
	}
	if err := hostnet.Available(); err != nil {
		return fmt.Errorf("no PUBLIC networking for sessions: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	in, err := d.Start(ctx, sandbox.Spec{ID: "probe", Command: []string{"/bin/true"}, Network: "NONE",
		Limits: sandbox.Limits{MemoryBytes: 256 << 20}})
	if err != nil {
		return fmt.Errorf("%s cannot start a sandbox: %w", runsc, err)
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
			runsc, d.opts.Platform, probeTimeout)
	}
	if err := in.(*instance).exitErr(); err != nil {
		return fmt.Errorf("%s --platform=%s cannot run /bin/true: %w", runsc, d.opts.Platform, err)
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
