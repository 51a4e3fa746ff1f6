package linuxns

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/cgroups"
)

type instance struct {
	*box  // uid is the agent's host uid and gid (of its root with a user namespace; Exec runs as it)
	spec  sandbox.Spec
	tail  *tailWriter
	pumps sync.WaitGroup // the output pumps
	env   []string       // the agent's environment

	done              chan struct{} // closed when the session's init (so the agent) has exited
	stopped           chan struct{} // closed when Stop has released everything
	mu                sync.Mutex
	why               error // why the agent exited
	agent             int   // the agent's host pid, once Exec looked it up
	stopErr           error
	stop              sync.Once
	sandbox.ExitHooks // run once done is closed
}

var (
	_ sandbox.Instance     = (*instance)(nil)
	_ sandbox.Listener     = (*instance)(nil)
	_ sandbox.Execer       = (*instance)(nil)
	_ sandbox.ExitNotifier = (*instance)(nil)
)

// Cgroup exposes the session's cgroup (tests and benchmarks read its stats).
func (in *instance) Cgroup() *cgroups.Cgroup { return in.cg }

// wait waits until the init (so the agent) has exited and its output is
// delivered, and records why it exited.
func (in *instance) wait() {
	<-in.exited
	in.pumps.Wait()
	err := in.err
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
	in.why = err
	close(in.done)
	in.mu.Unlock()
	in.Run()
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

func (in *instance) Err() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.why
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
		in.closeFiles()
		in.stopErr = errors.Join(in.stopErr, in.release())
	})
	<-in.stopped
	return in.stopErr
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
