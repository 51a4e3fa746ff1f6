// Package gvisor is the sandbox driver that runs each session under gVisor
// (runsc: the systrap platform where the binary has it, else ptrace) from an
// OCI bundle generated per session: a private root (the image, or the host's
// system directories plus the artifact, read-only) with an in-memory
// writable layer and /tmp, no capabilities, an unprivileged uid, cgroup
// limits, and its own network namespace where the agent binds its contract
// ports.
package gvisor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
)

func init() {
	sandbox.Register("gvisor", func(opts map[string]string) (sandbox.Driver, error) {
		o := Options{Runsc: opts["runsc"], Dir: opts["dir"], Platform: opts["platform"], Log: slog.Default()}
		for k := range opts {
			if k != "runsc" && k != "dir" && k != "platform" {
				return nil, fmt.Errorf("gvisor: unknown option %q (have runsc, dir, platform)", k)
			}
		}
		return New(o), nil
	})
}

// Options configure the driver; zero values take defaults.
type Options struct {
	// Runsc is the runsc binary tried first (default $AGENTCORE_RUNSC);
	// "runsc" from PATH is the fallback when it is unset or cannot run.
	Runsc string
	Dir   string // per-session bundles and runsc state (default /run/agentcore-gvisor)
	// Platform forces a gVisor platform. Default: systrap when the runsc
	// has it, else ptrace (KVM hangs under nested virtualization).
	Platform string
	Log      *slog.Logger // nil discards
	// IDPrefix starts every container id, cgroup and netns name (default
	// "ac-"); tests use their own to tell their sessions from others'.
	IDPrefix string
}

// CgroupParent is the cgroup (under every controller) sessions are put in,
// one child per session, named after the container id.
const CgroupParent = "/agentcore-gvisor"

// Driver runs sessions under runsc.
type Driver struct {
	opts Options
}

var (
	_ sandbox.Driver       = (*Driver)(nil)
	_ sandbox.ImageDriver  = (*Driver)(nil)
	_ sandbox.Availability = (*Driver)(nil)
	_ sandbox.Checkpointer = (*Driver)(nil)
)

// New returns a driver.
func New(o Options) *Driver {
	if o.Dir == "" {
		o.Dir = "/run/agentcore-gvisor"
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Driver{opts: o}
}

// Name implements sandbox.Driver.
func (*Driver) Name() string { return "gvisor" }

// Capabilities implements sandbox.Driver. Checkpoint depends on the runsc
// the probe chose (probing on first use).
func (d *Driver) Capabilities() sandbox.Capabilities {
	cfg, err := d.config()
	return sandbox.Capabilities{Isolation: "gvisor", Isolated: true, FixedPorts: true, Checkpoint: err == nil && cfg.checkpoint}
}

// SupportsImages implements sandbox.ImageDriver.
func (*Driver) SupportsImages() bool { return true }

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// containerID makes a runsc container id (also the cgroup and directory
// name) from a session id: sanitized, bounded, and unique per Start.
func containerID(prefix, id string) string {
	id = unsafeChars.ReplaceAllString(id, "_")
	if len(id) > 40 {
		id = id[:40]
	}
	var b [4]byte
	rand.Read(b[:])
	if prefix == "" {
		prefix = "ac-"
	}
	return prefix + id + "-" + hex.EncodeToString(b[:])
}

// Start implements sandbox.Driver.
func (d *Driver) Start(ctx context.Context, s sandbox.Spec) (sandbox.Instance, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := d.checkSpec(s); err != nil {
		return nil, err
	}
	cfg, err := d.config()
	if err != nil {
		return nil, fmt.Errorf("gvisor: no usable runsc: %w", err)
	}
	in, err := d.start(ctx, cfg, s, "")
	if err != nil {
		return nil, err
	}
	return in, nil
}

// start runs a checked spec with cfg: a new sandbox, or with image (a
// directory "runsc checkpoint" wrote) the sandbox saved there.
func (d *Driver) start(ctx context.Context, cfg runscConfig, s sandbox.Spec, image string) (*instance, error) {
	if err := d.checkSpec(s); err != nil {
		return nil, err
	}
	if cfg.sharedRoot {
		if err := os.MkdirAll(d.sharedDir(), 0o700); err != nil {
			return nil, fmt.Errorf("gvisor: shared dir: %w", err)
		}
	}
	cid := containerID(d.opts.IDPrefix, s.ID)
	dir := filepath.Join(d.opts.Dir, cid)
	in := &instance{d: d, cfg: cfg, cid: cid, dir: dir, done: make(chan struct{})}
	ok := false
	defer func() {
		if !ok {
			in.release()
		}
	}()
	// The session dir is private; root/ is the sandbox's "/" and must be
	// enterable by the agent's uid.
	for sub, mode := range map[string]os.FileMode{"state": 0o700, "root": 0o755} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("gvisor: session dir: %w", err)
		}
		if err := os.Chmod(filepath.Join(dir, sub), mode); err != nil {
			return nil, fmt.Errorf("gvisor: session dir: %w", err)
		}
	}
	var err error
	if err = ownMounts(s); err != nil {
		return nil, err
	}
	if in.net, err = d.newNet(ctx, s, cid, dir); err != nil {
		return nil, err
	}
	spec, err := buildSpec(s, filepath.Join(dir, "root"), in.net.Path(), CgroupParent+"/"+cid)
	if err != nil {
		return nil, err
	}
	in.proc = spec.Process
	b, _ := json.MarshalIndent(spec, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o600); err != nil {
		return nil, fmt.Errorf("gvisor: write bundle: %w", err)
	}
	in.ports = map[int]bool{}
	for _, p := range s.Ports {
		in.ports[p] = true
	}
	args := append(in.globalFlags(), "run", "--bundle", dir, cid)
	if image != "" {
		args = append(in.globalFlags(), "restore", "--image-path", image, "--bundle", dir, cid)
	}
	cmd := exec.Command(cfg.path, args...)
	cmd.Dir = dir
	// Wrapped so runsc always writes into pipes: given a regular file, the
	// sandbox would write at its own offsets over the file's other content.
	cmd.Stdout = writerOrDiscard(s.Stdout)
	cmd.Stderr = writerOrDiscard(s.Stderr)
	cmd.WaitDelay = 2 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := startOnSpawner(cmd); err != nil {
		return nil, fmt.Errorf("gvisor: start runsc: %w", err)
	}
	in.cmd = cmd
	d.opts.Log.Debug("gvisor sandbox started", "id", s.ID, "container", cid, "pid", cmd.Process.Pid)
	go in.wait()
	ok = true
	return in, nil
}

func (d *Driver) checkSpec(s sandbox.Spec) error {
	if len(s.Command) == 0 || s.Command[0] == "" {
		return errors.New("gvisor: empty command")
	}
	switch s.Network {
	case "", "NONE", "PUBLIC":
	default:
		return fmt.Errorf("gvisor: unknown network mode %q (want PUBLIC or NONE)", s.Network)
	}
	for _, p := range s.Ports {
		if p <= 0 || p > 65535 {
			return fmt.Errorf("gvisor: bad port %d", p)
		}
	}
	if s.RootFS != "" {
		if st, err := os.Stat(s.RootFS); err != nil || !st.IsDir() {
			return fmt.Errorf("gvisor: image root %q is not a directory", s.RootFS)
		}
		return nil
	}
	if s.Dir != "" {
		st, err := os.Stat(s.Dir)
		if err != nil {
			return fmt.Errorf("gvisor: artifact dir: %w", err)
		}
		if !st.IsDir() {
			return fmt.Errorf("gvisor: artifact dir %s is not a directory", s.Dir)
		}
		// The agent runs as uid 65534: it must be able to enter Dir.
		if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Uid != sandboxUID && st.Mode().Perm()&0o005 != 0o005 {
			return fmt.Errorf("gvisor: artifact dir %s (mode %v, owner uid %d) is not readable by the sandbox user %d: it needs o+rx",
				s.Dir, st.Mode().Perm(), sys.Uid, sandboxUID)
		}
	}
	return nil
}

type onlyWriter struct{ io.Writer }

func writerOrDiscard(w io.Writer) io.Writer {
	if w == nil {
		return nil // /dev/null
	}
	return onlyWriter{w}
}

// Close gives up the host firewall PUBLIC sessions used (the last process
// using it removes the nftables table and restores ip_forward) and the
// gofers' shared null network namespace. Call it once no session runs.
func (d *Driver) Close() error { return errors.Join(hostnet.Release(), d.unpinShared()) }
