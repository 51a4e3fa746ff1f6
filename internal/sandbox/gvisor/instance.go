package gvisor

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

var (
	_ sandbox.Listener = (*instance)(nil)
	_ sandbox.Execer   = (*instance)(nil)
)

// instance is one running runsc container.
type instance struct {
	d     *Driver
	cfg   runscConfig
	cid   string
	dir   string // bundle (config.json, root/), runsc state and log
	net   sessionNet
	ports map[int]bool
	cmd   *exec.Cmd  // the attached "runsc run"
	proc  ociProcess // the agent's process (Exec runs like it)

	done     chan struct{}
	mu       sync.Mutex
	err      error
	stopOnce sync.Once
	stopErr  error
}

func (in *instance) globalFlags() []string {
	f := []string{
		"--root", filepath.Join(in.dir, "state"),
		"--log", filepath.Join(in.dir, "runsc.log"),
		"--platform", in.cfg.platform,
		"--network", in.cfg.network, // why host: runscConfig.network
		"--overlay2", "root:memory",
	}
	if in.cfg.sharedRoot {
		f = append(f, "--shared-root", in.d.sharedDir())
	}
	return f
}

// wait reaps "runsc run" and records why the sandbox ended.
func (in *instance) wait() {
	err := in.cmd.Wait()
	if err != nil {
		if msg := lastError(filepath.Join(in.dir, "runsc.log")); msg != "" {
			err = fmt.Errorf("gvisor: sandbox %s: %w: %s", in.cid, err, msg)
		} else {
			err = fmt.Errorf("gvisor: sandbox %s: agent exited: %w", in.cid, err)
		}
	}
	in.mu.Lock()
	in.err = err
	in.mu.Unlock()
	close(in.done)
}

// lastError returns runsc's last warning/fatal log line, if any.
func lastError(logFile string) string {
	f, err := os.Open(logFile)
	if err != nil {
		return ""
	}
	defer f.Close()
	var last string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var j struct{ Msg, Level string }
		if json.Unmarshal([]byte(line), &j) == nil && (j.Level == "error" || j.Level == "fatal") {
			last = j.Msg
		} else if i := strings.Index(line, "FATAL ERROR: "); i >= 0 {
			last = line[i+len("FATAL ERROR: "):]
		}
	}
	return last
}

func (in *instance) Dial(ctx context.Context, port int) (net.Conn, error) {
	if !in.ports[port] {
		return nil, fmt.Errorf("gvisor: port %d is not one of the session's ports", port)
	}
	select {
	case <-in.done:
		return nil, fmt.Errorf("gvisor: sandbox %s has exited", in.cid)
	default:
	}
	return in.net.Dial(ctx, port)
}

// Listen implements sandbox.Listener: a listener on 127.0.0.1:port inside
// the session's network namespace. runsc runs with --network=host in that
// namespace, so the agent's 127.0.0.1 is the namespace's loopback.
func (in *instance) Listen(ctx context.Context, port int) (net.Listener, error) {
	select {
	case <-in.done:
		return nil, fmt.Errorf("gvisor: sandbox %s has exited", in.cid)
	default:
	}
	return in.net.Listen(ctx, port)
}

func (in *instance) Done() <-chan struct{} { return in.done }

func (in *instance) Err() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.err
}

// Stop kills the container, waits for runsc to exit, deletes its state,
// cgroups, network namespace and bundle (with the writable layer).
func (in *instance) Stop(ctx context.Context) error {
	in.stopOnce.Do(func() { in.stopErr = in.stop(ctx) })
	return in.stopErr
}

func (in *instance) stop(ctx context.Context) error {
	var errs []error
	if in.cmd != nil {
		select {
		case <-in.done:
		default:
			in.runscCmd(ctx, "kill", "--all", in.cid, "KILL") //nolint:errcheck // may have exited meanwhile
		}
		grace := time.NewTimer(5 * time.Second)
		select {
		case <-in.done:
		case <-grace.C:
		case <-ctx.Done():
		}
		grace.Stop()
		// The sandbox and gofer run attached: they die with "runsc run".
		syscall.Kill(-in.cmd.Process.Pid, syscall.SIGKILL)
		<-in.done
		if out, err := in.runscCmd(ctx, "delete", "--force", in.cid); err != nil {
			errs = append(errs, fmt.Errorf("gvisor: runsc delete %s: %v: %s", in.cid, err, out))
		}
	}
	errs = append(errs, in.release())
	err := errors.Join(errs...)
	if err != nil {
		in.d.opts.Log.Warn("gvisor sandbox stop", "container", in.cid, "err", err)
	}
	return err
}

// release frees what Start allocated on the host: cgroups left by a runsc
// that died early, the network namespace and the session directory.
func (in *instance) release() error {
	var errs []error
	ctrls, _ := filepath.Glob("/sys/fs/cgroup/*" + CgroupParent + "/" + in.cid)
	if st, err := os.Stat("/sys/fs/cgroup" + CgroupParent + "/" + in.cid); err == nil && st.IsDir() {
		ctrls = append(ctrls, "/sys/fs/cgroup"+CgroupParent+"/"+in.cid) // cgroup v2
	}
	for _, c := range ctrls {
		if err := rmdirRetry(c); err != nil {
			errs = append(errs, fmt.Errorf("gvisor: remove cgroup: %w", err))
		}
	}
	if in.net != nil {
		if err := in.net.Close(); err != nil {
			errs = append(errs, fmt.Errorf("gvisor: release network namespace: %w", err))
		}
	}
	if err := os.RemoveAll(in.dir); err != nil {
		errs = append(errs, fmt.Errorf("gvisor: remove session dir: %w", err))
	}
	return errors.Join(errs...)
}

// rmdirRetry removes a cgroup directory; it is busy until its last task
// has been reaped, which follows the kill shortly.
func rmdirRetry(dir string) error {
	var err error
	for i := 0; i < 50; i++ {
		if err = syscall.Rmdir(dir); err == nil || errors.Is(err, syscall.ENOENT) {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("%s: %w", dir, err)
}

// runscCmd runs a short runsc subcommand for this container, bounded in time.
func (in *instance) runscCmd(ctx context.Context, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	return in.runscCmdCtx(ctx, args...)
}

// runscCmdCtx runs a runsc subcommand for this container, bounded by ctx.
func (in *instance) runscCmdCtx(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, in.cfg.path, append(in.globalFlags(), args...)...)
	cmd.WaitDelay = time.Second
	return cmd.CombinedOutput()
}
