package gvisor

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// RunscEnv names the environment variable of the server's --runsc setting
// (read by internal/config; the tests read it to use the runsc .ci/run built).
const RunscEnv = "AGENTCORE_RUNSC"

// runscConfig is how sessions run: which binary, which gVisor platform and
// network mode. The startup probe picks it once per process.
type runscConfig struct {
	path     string // absolute path of the runsc binary
	version  string // first line of "runsc --version"
	platform string // systrap where the binary has it, else ptrace
	// network is always "host": the sentry uses the host network stack of
	// the session's own namespace. gVisor's own stack (--network=sandbox)
	// gives the sandbox a private loopback, so the platform could no longer
	// reach the agent at 127.0.0.1:<port> in the namespace, nor the agent
	// the platform's in-namespace listener (see docs/benchmarks.md, "Hardening
	// (issue 20): gVisor runsc versions"); Debian's 2022 runsc refuses it on this kernel anyway.
	network string
	// sharedRoot: the binary has --shared-root. Newer runsc pins an empty
	// network namespace for its gofers as a bind mount named null-netns in
	// the shared root (default: --root, which is per session here, so the
	// mount would be left in the session dir); the driver shares one for
	// all its sessions and unmounts it on Close.
	sharedRoot bool
	// checkpoint: the binary can checkpoint a sandbox on the host network
	// stack (savesHostinet).
	checkpoint bool
}

// Choice is the runsc binary (path and "runsc --version"), gVisor platform
// and network mode the driver's sessions use.
type Choice struct{ Runsc, Version, Platform, Network string }

// Choice returns what the startup probe picked, probing on first use.
func (d *Driver) Choice() (Choice, error) {
	c, err := d.config()
	return Choice{Runsc: c.path, Version: c.version, Platform: c.platform, Network: c.network}, err
}

// candidates are the runsc binaries the probe tries, best first: the one
// configured (option, else $AGENTCORE_RUNSC), then "runsc" from PATH.
func (d *Driver) candidates() []string {
	var names []string
	if d.opts.Runsc != "" {
		names = append(names, d.opts.Runsc)
	}
	names = append(names, "runsc")
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			continue
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		resolved, err := filepath.EvalSymlinks(p)
		if err != nil {
			resolved = p
		}
		if !seen[resolved] {
			seen[resolved] = true
			out = append(out, p)
		}
	}
	return out
}

// describe reads what a runsc binary offers from "runsc --version" and
// "runsc flags" (no sandbox started).
func describe(path string) (version string, platforms []string, sharedRoot bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	v, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return "", nil, false, fmt.Errorf("%s --version: %w", path, err)
	}
	version, _, _ = strings.Cut(strings.TrimSpace(string(v)), "\n")
	flags, _ := exec.CommandContext(ctx, path, "flags").CombinedOutput()
	f := string(flags)
	if strings.Contains(f, "systrap") {
		platforms = append(platforms, "systrap")
	}
	platforms = append(platforms, "ptrace")
	return version, platforms, strings.Contains(f, "-shared-root"), nil
}

// sharedDir holds state runsc shares between the driver's sandboxes (the
// gofers' null network namespace).
func (d *Driver) sharedDir() string { return filepath.Join(d.opts.Dir, "shared") }

// unpinShared removes the null network namespace runsc pinned in the shared
// dir (runsc stacks one per concurrent first start: unmount them all).
func (d *Driver) unpinShared() error {
	p := filepath.Join(d.sharedDir(), "null-netns")
	for i := 0; i < 100; i++ {
		if err := unix.Unmount(p, unix.MNT_DETACH); err != nil {
			break
		}
	}
	if err := os.RemoveAll(d.sharedDir()); err != nil {
		return fmt.Errorf("gvisor: remove %s: %w", d.sharedDir(), err)
	}
	return nil
}
