// Package linuxns is the namespace sandbox driver: each session runs in fresh
// PID, mount, network, UTS, IPC and cgroup namespaces, in its own cgroup
// (memory, CPU and pids limits), on a private root filesystem (read-only host
// system directories or an unpacked image, the bundle at
// sandbox.BundlePath, a per-session writable layer, a private /tmp, /proc,
// minimal /dev and its own /etc/resolv.conf), with no capabilities,
// no_new_privs and a seccomp filter, as root of its own user namespace whose
// ids map to a range of unprivileged host ids no other session holds (or,
// where user namespaces are off, as a random unprivileged host uid).
//
// The in-namespace setup is done by this same binary: Start runs
// /proc/self/exe with an environment marker, and the init function of package
// nsinit (imported here) recognises it, prepares the sandbox, starts the
// agent (the binary once more, which drops privileges and execs the agent)
// and stays as PID 1 of the session: it forwards SIGTERM and other signals to
// the agent, reaps orphaned processes and exits with the agent's status.
// That works in the server and in test binaries alike, as both import the
// package. Killing the init ends every process of the session; the cgroup is
// killed too, for good measure.
//
// What the user namespace does not cover: the namespaces other than the
// user namespace itself (mount, PID, network, UTS, IPC, cgroup) are owned by
// the host's, because the host prepares them (it moves a veth into the
// network namespace, mounts the root, writes the cgroup) before the agent
// enters its user namespace; the agent therefore holds no capability over
// any of them, which is the point. Commands run with Exec get the agent's
// host ids but are not inside its user namespace (joining one with nsenter
// hands the joiner the namespace's full capability set, which nothing could
// drop again before the command runs); they see the same files and
// processes with the same rights.
//
// Name resolution: /etc/resolv.conf is generated per session (see
// resolvConf): PUBLIC sessions get the host's upstream nameservers that
// they can reach (not the host's loopback resolvers), NONE sessions none.
package linuxns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/cgroups"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
	"github.com/agentcore-dev/agentcore/internal/sandbox/linuxns/sysfilter"
)

func init() {
	sandbox.Register("linuxns", func(opts map[string]string) (sandbox.Driver, error) {
		var o Options
		for k, v := range opts {
			switch k {
			case "stateDir":
				o.StateDir = v
			case "userns":
				b, err := strconv.ParseBool(v)
				if err != nil {
					return nil, fmt.Errorf("linuxns: option userns: %w", err)
				}
				o.NoUserNS = !b
			case "prepared":
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("linuxns: option prepared: want a count, got %q", v)
				}
				o.Prepared = n
			case "stopGrace":
				d, err := time.ParseDuration(v)
				if err != nil {
					return nil, fmt.Errorf("linuxns: option stopGrace: %w", err)
				}
				o.StopGrace = d
			default:
				return nil, fmt.Errorf("linuxns: unknown option %q", k)
			}
		}
		return New(o), nil
	})
}

// Options configure the driver; zero values take defaults.
type Options struct {
	// StateDir holds one (empty, host-side) directory per live session, the
	// mount point of its private writable layer. Default /run/agentcore/linuxns.
	StateDir string
	// StopGrace is how long Stop waits after SIGTERM for an agent that
	// handles it. Default 2s.
	StopGrace time.Duration
	// TmpBytes bounds /tmp, LayerBytes the writable layer over Dir or the
	// image (both tmpfs, charged to the session's memory limit).
	// Defaults 512 MiB and 1 GiB.
	TmpBytes, LayerBytes int64
	// NameTag is put at the front of the session id in host-side names
	// ("ns-<tag><id>-<random>"); tests use it to tell their sessions from
	// other processes'.
	NameTag string
	// NoUserNS runs agents as a random unprivileged host uid instead of
	// root of a user namespace (option userns=false). Without kernel
	// support for user namespaces that is what happens anyway.
	NoUserNS bool
	// Prepared is how many sandboxes per network mode a background pool
	// keeps prepared (option prepared; 0, the default, keeps none): cgroup,
	// network namespace (with its veth for PUBLIC), and the init in its
	// namespaces and cgroup with the agent stage started, waiting. A Start
	// that finds one only sets limits, sends the session's configuration
	// and waits for the agent's exec. No agent or session data is in a
	// prepared sandbox; the pool is refilled while no Start is running.
	Prepared int
}

// Driver starts namespace sandboxes.
type Driver struct {
	o      Options
	userNS bool // agents get a user namespace
	ids    idPool
	pool   pool
}

var (
	_ sandbox.Driver       = (*Driver)(nil)
	_ sandbox.ImageDriver  = (*Driver)(nil)
	_ sandbox.Availability = (*Driver)(nil)
)

// New returns a driver.
func New(o Options) *Driver {
	if o.StateDir == "" {
		o.StateDir = "/run/agentcore/linuxns"
	}
	if o.StopGrace == 0 {
		o.StopGrace = 2 * time.Second
	}
	if o.TmpBytes == 0 {
		o.TmpBytes = 512 << 20
	}
	if o.LayerBytes == 0 {
		o.LayerBytes = 1 << 30
	}
	d := &Driver{o: o, userNS: !o.NoUserNS && userNSAvailable() == nil}
	d.pool.d = d
	return d
}

// userNSAvailable returns nil when the kernel lets this process create user
// namespaces.
func userNSAvailable() error {
	if _, err := os.Stat("/proc/self/ns/user"); err != nil {
		return errors.New("kernel without user namespaces")
	}
	b, err := os.ReadFile("/proc/sys/user/max_user_namespaces")
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err != nil || n == 0 {
		return errors.New("user namespaces disabled (user.max_user_namespaces = 0)")
	}
	return nil
}

// UserNS reports whether agents run in a user namespace.
func (d *Driver) UserNS() bool { return d.userNS }

// Name implements sandbox.Driver.
func (*Driver) Name() string { return "linuxns" }

// Capabilities implements sandbox.Driver.
func (*Driver) Capabilities() sandbox.Capabilities {
	return sandbox.Capabilities{Isolation: "namespaces", Isolated: true, FixedPorts: true}
}

// SupportsImages implements sandbox.ImageDriver: Spec.RootFS is run.
func (*Driver) SupportsImages() bool { return true }

// Available implements sandbox.Availability.
func (d *Driver) Available() error {
	if os.Geteuid() != 0 {
		return errors.New("linuxns: must run as root (namespaces, mounts and cgroups need it)")
	}
	for _, ns := range []string{"pid", "mnt", "uts", "ipc", "net"} {
		if _, err := os.Stat("/proc/self/ns/" + ns); err != nil {
			return fmt.Errorf("linuxns: kernel without %s namespaces", ns)
		}
	}
	if err := filesystems("overlay", "tmpfs", "proc"); err != nil {
		return fmt.Errorf("linuxns: %w", err)
	}
	if _, err := os.Stat("/proc/self/exe"); err != nil {
		return fmt.Errorf("linuxns: cannot re-execute self: %w", err)
	}
	if err := sysfilter.Available(); err != nil {
		return fmt.Errorf("linuxns: %w", err)
	}
	if err := cgroups.Available(); err != nil {
		return fmt.Errorf("linuxns: %w", err)
	}
	if err := hostnet.Available(); err != nil {
		return fmt.Errorf("linuxns: %w", err)
	}
	return nil
}

// Cleanup removes what a crashed server left behind: session directories,
// empty session cgroups, network namespaces and veths. Call it at startup,
// before sessions are started.
func Cleanup(stateDir string) error {
	if stateDir == "" {
		stateDir = New(Options{}).o.StateDir
	}
	var errs []error
	ents, _ := os.ReadDir(stateDir)
	for _, e := range ents {
		// Session dirs are empty on the host (their tmpfs lives in the
		// session's mount namespace); a busy one belongs to a live server.
		if !strings.HasPrefix(e.Name(), namePrefix) {
			continue
		}
		if err := os.Remove(filepath.Join(stateDir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	errs = append(errs, cgroups.Cleanup(namePrefix), hostnet.Cleanup())
	return errors.Join(errs...)
}

func filesystems(names ...string) error {
	b, err := os.ReadFile("/proc/filesystems")
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			have[f[len(f)-1]] = true
		}
	}
	for _, n := range names {
		if !have[n] {
			return fmt.Errorf("kernel without %s filesystem support", n)
		}
	}
	return nil
}

// validate rejects specs the driver cannot run, before anything is created.
func validate(s *sandbox.Spec) error {
	if s.ID == "" {
		return errors.New("linuxns: empty session id")
	}
	if len(s.Command) == 0 || s.Command[0] == "" {
		return errors.New("linuxns: empty command")
	}
	switch s.Network {
	case "", "NONE", "PUBLIC":
	default:
		return fmt.Errorf("linuxns: network mode %q not supported (PUBLIC or NONE)", s.Network)
	}
	for _, p := range s.Ports {
		if p < 1 || p > 65535 {
			return fmt.Errorf("linuxns: port %d out of range", p)
		}
	}
	l := s.Limits
	switch {
	case l.MemoryBytes < 0 || l.MemoryBytes > 0 && l.MemoryBytes < 32<<20 || l.MemoryBytes > 1<<40:
		return fmt.Errorf("linuxns: memory limit %d bytes out of range (32 MiB to 1 TiB)", l.MemoryBytes)
	case l.CPUMillis < 0 || l.CPUMillis > 0 && l.CPUMillis < 10 || l.CPUMillis > 1024*1000:
		return fmt.Errorf("linuxns: CPU limit %d millicores out of range (10 to 1024000)", l.CPUMillis)
	case l.Pids < 0 || l.Pids > 0 && l.Pids < 8 || l.Pids > 1<<22:
		return fmt.Errorf("linuxns: pids limit %d out of range (8 to 4194304)", l.Pids)
	}
	for name, dir := range map[string]string{"Dir": s.Dir, "RootFS": s.RootFS} {
		if dir == "" {
			continue
		}
		if err := checkDir(dir); err != nil {
			return fmt.Errorf("linuxns: %s: %w", name, err)
		}
	}
	if s.RootFS == "" {
		for _, p := range s.HostPaths {
			if !filepath.IsAbs(p) {
				return fmt.Errorf("linuxns: host path %q is not absolute", p)
			}
			if _, err := os.Stat(p); err != nil {
				return fmt.Errorf("linuxns: host path: %w", err)
			}
		}
	}
	for _, m := range s.Mounts {
		if s.RootFS != "" && !m.Writable {
			continue // read-only mounts are for roots built from the host
		}
		if err := checkDir(m.Source); err != nil {
			return fmt.Errorf("linuxns: mount: %w", err)
		}
		if t := filepath.Clean(m.Target); !filepath.IsAbs(t) || t == "/" {
			return fmt.Errorf("linuxns: mount target %q is not an absolute path below /", m.Target)
		}
	}
	return nil
}

func checkDir(p string) error {
	if !filepath.IsAbs(p) {
		return fmt.Errorf("%q is not an absolute path", p)
	}
	if st, err := os.Stat(p); err != nil {
		return err
	} else if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", p)
	}
	// Overlay options are comma/colon separated.
	for _, c := range p {
		if c == ',' || c == ':' || c == '\\' {
			return fmt.Errorf("%q contains %q, which overlay mounts cannot take", p, strconv.QuoteRune(c))
		}
	}
	return nil
}

// Close discards the prepared sandboxes and gives up the host firewall
// PUBLIC sessions used (the last process using it removes the nftables
// table and restores ip_forward).
func (d *Driver) Close() error { return errors.Join(d.pool.close(), hostnet.Release()) }
