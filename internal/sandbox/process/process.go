// Package process is the development sandbox driver: each session's agent is
// a plain child process on the host, given a free loopback port in the PORT
// environment variable. It does not isolate sessions from each other or from
// the host; use it where namespaces are unavailable.
package process

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

func init() {
	sandbox.Register("process", func(map[string]string) (sandbox.Driver, error) { return New(), nil })
}

// Driver runs agents as child processes.
type Driver struct{}

var (
	_ sandbox.Driver   = (*Driver)(nil)
	_ sandbox.Listener = (*Driver)(nil)
	_ sandbox.Listener = (*instance)(nil)
	_ sandbox.Execer   = (*instance)(nil)

	_ sandbox.ExitNotifier = (*instance)(nil)
)

// New returns the driver.
func New() *Driver { return &Driver{} }

// Name implements sandbox.Driver.
func (*Driver) Name() string { return "process" }

// Capabilities implements sandbox.Driver.
func (*Driver) Capabilities() sandbox.Capabilities {
	return sandbox.Capabilities{Isolation: "none", Isolated: false, FixedPorts: false}
}

// Start implements sandbox.Driver.
func (d *Driver) Start(ctx context.Context, spec sandbox.Spec) (sandbox.Instance, error) {
	if len(spec.Command) == 0 {
		return nil, errors.New("process: empty command")
	}
	ports := map[int]int{}
	started := false
	defer func() {
		if !started {
			releasePorts(ports)
		}
	}()
	env := append([]string(nil), spec.Env...)
	for i, p := range spec.Ports {
		hp, err := reservePort()
		if err != nil {
			return nil, fmt.Errorf("process: allocate port: %w", err)
		}
		ports[p] = hp
		if i == 0 {
			env = append(env, "PORT="+strconv.Itoa(hp))
		}
		env = append(env, fmt.Sprintf("AGENTCORE_PORT_%d=%d", p, hp))
	}
	home, err := os.MkdirTemp("", "agentcore-session-")
	if err != nil {
		return nil, fmt.Errorf("process: session dir: %w", err)
	}
	env = append(env, "HOME="+home, "TMPDIR="+home)
	argv0 := spec.Command[0]
	if local := filepath.Join(spec.Dir, argv0); !filepath.IsAbs(argv0) && isExec(local) {
		argv0 = local
	}
	cmd := exec.Command(argv0, spec.Command[1:]...)
	cmd.Dir = spec.Dir
	if spec.WorkDir != "" {
		cmd.Dir = spec.WorkDir
	}
	cmd.Env = env
	var out sandbox.Output // small-buffer pipes instead of exec's 32 KiB copy per stream
	stdout, err := out.Pipe(spec.Stdout)
	if err == nil {
		var stderr *os.File
		if stderr, err = out.Pipe(spec.Stderr); err == nil {
			cmd.Stdout, cmd.Stderr = nilOrFile(stdout), nilOrFile(stderr)
		}
	}
	if err != nil {
		out.Started()
		os.RemoveAll(home)
		return nil, fmt.Errorf("process: output pipes: %w", err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	err = cmd.Start()
	out.Started()
	if err != nil {
		os.RemoveAll(home)
		return nil, fmt.Errorf("process: start %s: %w", spec.Command[0], err)
	}
	in := &instance{cmd: cmd, ports: ports, home: home, env: env, dir: cmd.Dir, done: make(chan struct{})}
	started = true
	sandbox.AfterExit(cmd.Process.Pid, func() { // no goroutine or thread held while the agent runs
		err := cmd.Wait()
		releasePorts(ports)
		out.Wait()
		in.mu.Lock()
		in.err = err
		close(in.done)
		in.mu.Unlock()
		in.Run()
	})
	return in, nil
}

// nilOrFile keeps a nil *os.File a nil io.Writer (exec.Cmd then uses the
// null device).
func nilOrFile(f *os.File) io.Writer {
	if f == nil {
		return nil
	}
	return f
}

type instance struct {
	cmd               *exec.Cmd
	ports             map[int]int
	home              string   // per-session HOME/TMPDIR, wiped at Stop
	env               []string // the agent's environment (Exec runs with it)
	dir               string   // the agent's working directory
	done              chan struct{}
	mu                sync.Mutex
	err               error
	execs             map[*sandbox.CmdProcess]struct{} // running Exec commands, killed by Stop
	ended             bool                             // Stop has begun: no new Exec
	sandbox.ExitHooks                                  // run once done is closed
}

func (in *instance) Dial(ctx context.Context, port int) (net.Conn, error) {
	in.mu.Lock()
	hp, ok := in.ports[port]
	in.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("process: port %d not exposed", port)
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", "127.0.0.1:"+strconv.Itoa(hp))
	if err == nil || hp == port {
		return c, err
	}
	// The agent may ignore PORT and listen on the contract port itself. A
	// connect tells cheaply whether anything listens there (the common
	// case while an agent starts: nothing, refused in µs); only then is the
	// listener's owner checked (listensOn reads /proc/net/tcp, which walks
	// the kernel's whole socket hash: tens of ms on a large host).
	c, cerr := d.DialContext(ctx, "tcp", "127.0.0.1:"+strconv.Itoa(port))
	if cerr != nil {
		return nil, err
	}
	if listensOn(in.cmd.Process.Pid, port) {
		in.mu.Lock()
		in.ports[port] = port
		in.mu.Unlock()
		return c, nil
	}
	c.Close() // another process's listener (e.g. another session's)
	return nil, err
}

func (in *instance) Done() <-chan struct{} { return in.done }

func (in *instance) Err() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.err
}

// Stop sends SIGTERM to the agent's process group, then SIGKILL after a grace
// period or when ctx ends.
func (in *instance) Stop(ctx context.Context) error {
	in.mu.Lock()
	in.ended = true
	execs := in.execs
	in.execs = nil
	in.mu.Unlock()
	for p := range execs {
		p.Kill()
	}
	pgid := in.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	grace := time.NewTimer(2 * time.Second)
	defer grace.Stop()
	select {
	case <-in.done:
	case <-grace.C:
	case <-ctx.Done():
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-in.done
	return os.RemoveAll(in.home)
}

// Listen implements sandbox.Listener for a driver that shares the host's
// network: a listener on a free host loopback port (port only names the
// purpose; the agent must be told ln.Addr(), so listen before Start).
func (*Driver) Listen(ctx context.Context, port int) (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("process: listen for port %d: %w", port, err)
	}
	return ln, nil
}

// Listen implements sandbox.Listener like Driver.Listen (the environment
// is the host's loopback; the agent reaches the listener at ln.Addr()).
func (in *instance) Listen(ctx context.Context, port int) (net.Listener, error) {
	return (*Driver)(nil).Listen(ctx, port)
}

// handedOut holds the ports given to agents that have not exited: the kernel
// may offer a port again as soon as freePort's listener closes, before the
// agent it was given to binds it, so concurrent starts must not share one.
var handedOut = struct {
	sync.Mutex
	m map[int]bool
}{m: map[int]bool{}}

// reservePort is a free loopback port no live agent of this driver was given.
func reservePort() (int, error) {
	for range 64 {
		p, err := freePort()
		if err != nil {
			return 0, err
		}
		handedOut.Lock()
		if !handedOut.m[p] {
			handedOut.m[p] = true
			handedOut.Unlock()
			return p, nil
		}
		handedOut.Unlock()
	}
	return 0, errors.New("no port free of live agents after 64 tries")
}

func releasePorts(ports map[int]int) {
	handedOut.Lock()
	for _, p := range ports {
		delete(handedOut.m, p)
	}
	handedOut.Unlock()
}

// freePort is a port nothing listens on, taken below the kernel's ephemeral
// range where it can: a port the kernel picks (bind to port 0) comes from
// that range, which outgoing connections use too, so between this check and
// the agent's bind one of the server's own connections (readiness probes,
// health checks: hundreds a second with 1,000 sessions) could take it and
// the agent would fail with "address already in use".
func freePort() (int, error) {
	if lo := ephemeralLow(); lo > 2048 {
		base := max(1024, lo-16384)
		for range 32 {
			p := base + rand.IntN(lo-base)
			if l, err := net.Listen("tcp", ":"+strconv.Itoa(p)); err == nil {
				l.Close()
				return p, nil
			}
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ephemeralLow is the first port of the kernel's ephemeral range (0 when
// unknown).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(f[0])
	return n
}

func isExec(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}
