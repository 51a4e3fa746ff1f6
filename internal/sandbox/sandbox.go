// Package sandbox defines how an agent session's environment is started and
// reached. Drivers (process, and the isolating ones) implement Driver and run
// the conformance suite in sandboxtest.
package sandbox

import (
	"context"
	"fmt"
	"io"
	"net"
	"sort"
	"sync"
	"time"
)

// Spec describes one session environment to start.
type Spec struct {
	// ID is unique per session environment (used for logs, cgroups, dirs).
	ID string
	// Command is the argv to run; Command[0] is looked up in Dir first, then PATH.
	Command []string
	// Dir is the unpacked, read-only artifact the agent runs from. Isolating
	// drivers mount it at BundlePath and rewrite its path in Command, Env and
	// WorkDir (see Relocate): the agent never sees the host path.
	Dir string
	// Env is the complete environment ("K=V"); drivers may add PORT etc.
	Env []string
	// Ports are the contract ports the agent listens on inside its
	// environment (8080 for HTTP, 8000 for MCP, 9000 for A2A).
	Ports []int
	// Stdout and Stderr receive the agent's output; nil discards it.
	Stdout, Stderr io.Writer

	// RootFS, when set, is the unpacked root filesystem of a container image
	// (read-only; drivers add a writable layer per session). When empty,
	// isolating drivers build a root from the host's system directories
	// (/usr, /lib, /bin, /etc essentials) plus HostPaths and Mounts, all
	// read-only, and Dir mounted read-only at BundlePath.
	RootFS string
	// WorkDir is the working directory inside the environment (default Dir,
	// or "/" for images).
	WorkDir string
	// HostPaths are extra host directories the agent needs read-only (e.g. the
	// interpreter's installation prefix), at their own path. Ignored when
	// RootFS is set.
	HostPaths []string
	// Mounts are host directories isolating drivers expose at another path
	// (Mount.Target), rewritten like Dir (see Relocate): for directories
	// under the server's data directory. Read-only ones are ignored when
	// RootFS is set; writable ones (session storage, shared file systems)
	// are mounted into images too. The process driver ignores them (its
	// agents see the host as it is, and find the host paths in Env).
	Mounts []Mount
	// Network is "PUBLIC" (egress to the outside world, never to the host's
	// loopback or other sessions) or "NONE" (loopback only).
	Network string
	// Limits bound the environment's resources; zero fields take defaults.
	Limits Limits

	// Image, when set, is the container image the version was pinned to
	// (repository@sha256:...), for drivers whose nodes pull images
	// themselves (kubernetes) rather than run RootFS.
	Image string
	// Owner says whom the environment is for; drivers that label what they
	// create (kubernetes) use it. Session is empty for a warm-pool
	// environment until Binder.Bind.
	Owner Owner
}

// Owner identifies the session an environment serves.
type Owner struct {
	Account, Runtime, Session string
}

// Binder is implemented by instances that record which session a pooled
// environment was handed to (the kubernetes driver relabels its pod). The
// platform calls Bind once, when a warm-pool environment gets a session.
type Binder interface {
	Bind(ctx context.Context, sessionID string) error
}

// Limits are per-session resource bounds.
type Limits struct {
	MemoryBytes int64 // default 2 GiB
	CPUMillis   int   // CPU time in thousandths of a core; default 1000 (1 vCPU)
	Pids        int   // max processes/threads; default 512
}

// Default limits.
const (
	DefaultMemoryBytes = 2 << 30
	DefaultCPUMillis   = 1000
	DefaultPids        = 512
)

// WithDefaults fills zero limits.
func (l Limits) WithDefaults() Limits {
	if l.MemoryBytes == 0 {
		l.MemoryBytes = DefaultMemoryBytes
	}
	if l.CPUMillis == 0 {
		l.CPUMillis = DefaultCPUMillis
	}
	if l.Pids == 0 {
		l.Pids = DefaultPids
	}
	return l
}

// ImageDriver is implemented by drivers that can run container images
// (Spec.RootFS).
type ImageDriver interface {
	SupportsImages() bool
}

// Availability is implemented by drivers that can tell whether the host can
// run them; Available returns nil or the precise reason it cannot.
type Availability interface {
	Available() error
}

// Instance is a running session environment.
type Instance interface {
	// Dial connects to the agent's contract port (one of Spec.Ports).
	Dial(ctx context.Context, port int) (net.Conn, error)
	// Done is closed when the agent process has exited.
	Done() <-chan struct{}
	// Err returns why the process exited (nil before Done is closed).
	Err() error
	// Stop terminates the environment and releases everything it holds.
	// It is idempotent and safe to call after the process exited.
	Stop(ctx context.Context) error
}

// ExitNotifier is implemented by instances that can call a function when
// their agent has exited, so a caller that reacts to the exit need not park
// a goroutine on Done for the instance's whole life (a goroutine per idle
// session: its stack and runtime bookkeeping, several KiB).
type ExitNotifier interface {
	// OnExit runs f once Done is closed (right away, in its own goroutine,
	// when it already is), on the goroutine that saw the exit, which has
	// nothing else to do.
	OnExit(f func())
}

// Usage is a snapshot of one environment's resource use.
type Usage struct {
	MemoryBytes int64         // resident memory now (cgroup charge where there is one)
	CPUTime     time.Duration // CPU time used since the environment started
}

// UsageReporter is implemented by instances that can report their resource
// use (metrics: agentcore_session_memory_bytes, agentcore_session_cpu_seconds_total).
type UsageReporter interface {
	Usage() (Usage, error)
}

// Listener is implemented by instances (and, for drivers that share the
// host's network, by the driver itself) that let the platform serve a port
// the agent can reach: the platform serves on the returned listener and the
// agent connects to it at 127.0.0.1:port inside its environment (the OTLP
// receiver of each session is served this way). In an environment with its
// own network namespace the listener is 127.0.0.1:port in that namespace,
// opened after Start. A driver without one (FixedPorts false) implements
// Listener on the Driver and returns a listener on a free host loopback port:
// the agent must then be told ln.Addr(), so callers listen before Start and
// put that address in Spec.Env. Closing the listener stops accepting.
type Listener interface {
	Listen(ctx context.Context, port int) (net.Listener, error)
}

// Capabilities describe what a driver offers.
type Capabilities struct {
	// Isolation is "none" for the process driver, otherwise the mechanism
	// ("namespaces", "gvisor", ...).
	Isolation string `json:"isolation"`
	// Isolated is false when sessions share the host's network and filesystem.
	Isolated bool `json:"isolated"`
	// FixedPorts is true when every session may listen on the contract port
	// itself (own network namespace); false when the driver assigns a port
	// through the PORT environment variable.
	FixedPorts bool `json:"fixedPorts"`
	// Checkpoint is true when the driver implements Checkpointer: a whole
	// session (process memory, open files, its writable layer) can be
	// saved and later restored.
	Checkpoint bool `json:"checkpoint"`
}

// Checkpointer is implemented by drivers that can pause a whole session
// environment and resume it later, its in-memory state intact.
type Checkpointer interface {
	// Checkpoint saves in (its processes' memory, open files and writable
	// layer) into dir, an existing empty directory, and ends in: the
	// caller still calls in.Stop to release what it holds on the host.
	Checkpoint(ctx context.Context, in Instance, dir string) (CheckpointInfo, error)
	// Restore starts spec's environment from the image Checkpoint wrote
	// to dir, as Start does. spec must describe the same environment
	// (command, mounts at the same targets, ports, network mode); the
	// host resources (network namespace, cgroups) are new ones.
	Restore(ctx context.Context, spec Spec, dir string) (Instance, error)
}

// CheckpointInfo describes a saved image.
type CheckpointInfo struct {
	Bytes int64 // size of the image on disk
}

// Driver starts session environments.
type Driver interface {
	Name() string
	Capabilities() Capabilities
	// Start launches spec. It returns once the process is started (not
	// necessarily listening yet).
	Start(ctx context.Context, spec Spec) (Instance, error)
}

// Factory builds a driver from its options (driver-specific key/values).
type Factory func(opts map[string]string) (Driver, error)

var (
	mu        sync.Mutex
	factories = map[string]Factory{}
)

// Register makes a driver available by name. It panics on duplicates.
func Register(name string, f Factory) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := factories[name]; dup {
		panic("sandbox: driver registered twice: " + name)
	}
	factories[name] = f
}

// New builds the named driver.
func New(name string, opts map[string]string) (Driver, error) {
	mu.Lock()
	f, ok := factories[name]
	mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("unknown sandbox driver %q (have %v)", name, Names())
	}
	return f(opts)
}

// Names lists registered drivers.
func Names() []string {
	mu.Lock()
	defer mu.Unlock()
	var out []string
	for n := range factories {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Auto returns the first driver in order that builds (with its options from
// opts, which may be nil) and reports itself available, with one line per
// driver saying why it was or was not chosen.
func Auto(order []string, opts map[string]map[string]string) (Driver, []string, error) {
	var why []string
	for _, name := range order {
		d, err := New(name, opts[name])
		if err == nil {
			if a, ok := d.(Availability); ok {
				err = a.Available()
			}
		}
		if err != nil {
			why = append(why, fmt.Sprintf("%s: not available: %v", name, err))
			continue
		}
		why = append(why, fmt.Sprintf("%s: available, chosen", name))
		return d, why, nil
	}
	return nil, why, fmt.Errorf("no sandbox driver is available: %v", why)
}

// Closer is implemented by drivers that hold host state shared by their
// sessions (the network firewall); the server calls Close once every
// session has stopped.
type Closer interface {
	Close() error
}

// ExitHooks implements ExitNotifier for a driver's instance (embed it): the
// driver calls Run once the instance's Done is closed.
type ExitHooks struct {
	mu  sync.Mutex
	fs  []func()
	ran bool
}

// OnExit implements ExitNotifier.
func (h *ExitHooks) OnExit(f func()) {
	h.mu.Lock()
	if h.ran {
		h.mu.Unlock()
		go f()
		return
	}
	h.fs = append(h.fs, f)
	h.mu.Unlock()
}

// Run runs the functions given so far, on the calling goroutine; later ones
// run at once in their own goroutine.
func (h *ExitHooks) Run() {
	h.mu.Lock()
	fs := h.fs
	h.fs, h.ran = nil, true
	h.mu.Unlock()
	for _, f := range fs {
		f()
	}
}
