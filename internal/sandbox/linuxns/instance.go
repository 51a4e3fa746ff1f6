package linuxns

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/cgroups"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
)

type instance struct {
	d    *Driver
	spec sandbox.Spec
	name string // host-side name of the session's cgroup, netns and dir
	cg   *cgroups.Cgroup
	net  *hostnet.Net
	dir  string // per-session state dir
	cmd  *exec.Cmd
	tail *tailWriter
	out  sandbox.Output // the agent's stdout and stderr pipes
	uid  int            // the agent's host uid and gid (of its root with a user namespace; Exec runs as it)
	env  []string       // the agent's environment

	done    chan struct{} // closed when the session's init (so the agent) has exited
	stopped chan struct{} // closed when Stop has released everything
	mu      sync.Mutex
	err     error // why the agent exited
	agent   int   // the agent's host pid, once Exec looked it up
	stopErr error
	stop    sync.Once
	onExit  []func() // run once done is closed (OnExit)
}

var (
	_ sandbox.Instance = (*instance)(nil)
	_ sandbox.Listener = (*instance)(nil)
	_ sandbox.Execer   = (*instance)(nil)

	_ sandbox.ExitNotifier = (*instance)(nil)
)

// Cgroup exposes the session's cgroup (tests and benchmarks read its stats).
func (in *instance) Cgroup() *cgroups.Cgroup { return in.cg }

// wait reaps the agent and records why it exited (sandbox.AfterExit runs
// it once the agent has exited).
func (in *instance) wait() {
	err := in.cmd.Wait()
	in.out.Wait() // everything the agent wrote is delivered (and in tail)
	if err != nil {
		why := err.Error()
		if st, serr := in.cg.Stats(); serr == nil && st.OOMKills > 0 {
			why += fmt.Sprintf("; out of memory (limit %d bytes)", in.spec.Limits.WithDefaults().MemoryBytes)
		}
		if t := in.tail.String(); t != "" {
			why += "; stderr: " + t
		}
		err = fmt.Errorf("linuxns: agent %s exited: %s: %w", in.spec.Command[0], why, err)
	}
	in.mu.Lock()
	in.err = err
	close(in.done)
	onExit := in.onExit
	in.onExit = nil
	in.mu.Unlock()
	for _, f := range onExit {
		f()
	}
}

// Dial implements sandbox.Instance: it connects to 127.0.0.1:port inside the
// session's network namespace.
func (in *instance) Dial(ctx context.Context, port int) (net.Conn, error) {
	if len(in.spec.Ports) > 0 && !slices.Contains(in.spec.Ports, port) {
		return nil, fmt.Errorf("linuxns: port %d not exposed (ports %v)", port, in.spec.Ports)
	}
	select {
	case <-in.stopped:
		return nil, errors.New("linuxns: sandbox stopped")
	default:
	}
	return in.net.Dial(ctx, port)
}

// Listen implements sandbox.Listener: a listener on 127.0.0.1:port inside
// the session's network namespace (the socket stays there for its life).
func (in *instance) Listen(ctx context.Context, port int) (net.Listener, error) {
	select {
	case <-in.stopped:
		return nil, errors.New("linuxns: sandbox stopped")
	default:
	}
	return in.net.Listen(ctx, port)
}

func (in *instance) Done() <-chan struct{} { return in.done }

// OnExit implements sandbox.ExitNotifier.
func (in *instance) OnExit(f func()) {
	in.mu.Lock()
	defer in.mu.Unlock()
	select {
	case <-in.done:
		go f()
	default:
		in.onExit = append(in.onExit, f)
	}
}

func (in *instance) Err() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.err
}

// Stop implements sandbox.Instance: SIGTERM (the session's init passes it
// on to the agent), SIGKILL after the grace period or when ctx ends, then
// the cgroup, namespace and session dir are removed. Concurrent and
// repeated calls return the first call's result.
func (in *instance) Stop(ctx context.Context) error {
	in.stop.Do(func() {
		defer close(in.stopped)
		select {
		case <-in.done:
		default:
			in.cmd.Process.Signal(syscall.SIGTERM)
			t := time.NewTimer(in.d.o.StopGrace)
			select {
			case <-in.done:
			case <-t.C:
			case <-ctx.Done():
			}
			t.Stop()
		}
		in.kill()
		select {
		case <-in.done:
		case <-time.After(10 * time.Second):
			in.stopErr = fmt.Errorf("linuxns: %s: agent did not exit after SIGKILL", in.name)
		}
		in.stopErr = errors.Join(in.stopErr, in.release())
	})
	<-in.stopped
	return in.stopErr
}

// kill ends every process of the session.
func (in *instance) kill() {
	in.cmd.Process.Kill() // the init: the kernel kills the whole namespace
	in.cg.KillAll()
}

// release frees the host resources; safe on a partly built instance.
func (in *instance) release() error {
	var errs []error
	if in.cg != nil {
		errs = append(errs, in.cg.Remove())
	}
	if in.net != nil {
		errs = append(errs, in.net.Close())
	}
	if in.dir != "" {
		if err := os.Remove(in.dir); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if in.uid != 0 {
		in.d.ids.give(in.uid) // release runs once per instance
	}
	return errors.Join(errs...)
}

// nilOrFile keeps a nil *os.File a nil io.Writer (exec.Cmd then uses the
// null device).
func nilOrFile(f *os.File) io.Writer {
	if f == nil {
		return nil
	}
	return f
}

// tailWriter forwards to w and keeps the last bytes written, for errors.
type tailWriter struct {
	w  io.Writer
	mu sync.Mutex
	b  []byte
}

const tailMax = 512

func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.b = append(t.b, p...)
	if len(t.b) > tailMax {
		t.b = t.b[len(t.b)-tailMax:]
	}
	t.mu.Unlock()
	if t.w != nil {
		t.w.Write(p) //nolint:errcheck // a failing log sink must not kill the agent
	}
	return len(p), nil
}

func (t *tailWriter) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}

// Usage implements sandbox.UsageReporter from the session's cgroup.
func (in *instance) Usage() (sandbox.Usage, error) {
	if in.cg == nil {
		return sandbox.Usage{}, fmt.Errorf("linuxns: session has no cgroup")
	}
	st, err := in.cg.Stats()
	if err != nil {
		return sandbox.Usage{}, err
	}
	return sandbox.Usage{MemoryBytes: st.MemoryBytes, CPUTime: time.Duration(st.CPUNanos)}, nil
}
