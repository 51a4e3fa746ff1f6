package linuxns

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/cgroups"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
	"github.com/agentcore-dev/agentcore/internal/sandbox/linuxns/nsinit"
	"github.com/agentcore-dev/agentcore/internal/sandbox/linuxns/sysfilter"
)

// box is a sandbox without a session: cgroup (default limits until
// claimed), network namespace, session dir, host ids, and the init in its
// namespaces and cgroup with the agent stage started, waiting for the
// session's configuration. Start prepares one, or takes one a pool
// prepared earlier (Options.Prepared); no agent code runs in it before it
// is claimed.
type box struct {
	d      *Driver
	name   string // host-side name of the cgroup, netns and dir
	public bool
	cg     *cgroups.Cgroup
	net    *hostnet.Net
	dir    string // per-session state dir
	uid    int    // the agent's host uid and gid (of its root with a user namespace)
	cmd    *exec.Cmd
	sock   int      // the host's end of the init's config socket
	errR   *os.File // the init's setup errors (EOF: the agent was exec'd)
	outR   *os.File // the init's (so the agent's) stdout and stderr
	errOut *os.File
	exited chan struct{} // closed when the init has exited
	err    error         // cmd.Wait's, once exited is closed
	exitMu sync.Mutex    // guards then and the closing of exited
	then   func()        // run after the init exited (whenExited)
}

// whenExited runs f once the init has exited: on the goroutine that saw the
// exit, or at once in its own when it already has. No goroutine waits for
// the exit meanwhile (an idle session holds none).
func (b *box) whenExited(f func()) {
	b.exitMu.Lock()
	defer b.exitMu.Unlock()
	select {
	case <-b.exited:
		go f()
	default:
		b.then = f
	}
}

// prepare builds a box named after tag. It starts the init first and,
// while it starts, puts it in the cgroup (a cgroup v1 migration waits for
// an RCU grace period, several milliseconds) and creates the network
// namespace, then sends the init the sandbox's part of its configuration
// with the namespace. Nothing is left behind on error.
func (d *Driver) prepare(ctx context.Context, tag string, public bool) (_ *box, err error) {
	b := &box{d: d, name: instanceName(tag), public: public, sock: -1, exited: make(chan struct{})}
	defer func() {
		if err != nil {
			b.discard() //nolint:errcheck // the setup error is the one to report
		}
	}()
	if b.cg, err = cgroups.New(b.name, sandbox.Limits{}); err != nil {
		return nil, fmt.Errorf("linuxns: %w", err)
	}
	b.uid = d.ids.take(d.userNS)
	b.dir = filepath.Join(d.o.StateDir, b.name)
	if err := os.MkdirAll(d.o.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("linuxns: state dir: %w", err)
	}
	if err := os.Mkdir(b.dir, 0o700); err != nil {
		return nil, fmt.Errorf("linuxns: session dir: %w", err)
	}
	if err := b.startInit(); err != nil {
		return nil, err
	}
	added := make(chan error, 1)
	go func() { added <- b.cg.Add(b.cmd.Process.Pid) }()
	if b.net, err = hostnet.New(ctx, b.name, public); err != nil {
		<-added
		return nil, fmt.Errorf("linuxns: %w", err)
	}
	prog, err := sysfilter.Agent()
	if err == nil {
		err = b.sendBox(prog)
	}
	if aerr := <-added; aerr != nil {
		return nil, fmt.Errorf("linuxns: %w", aerr)
	}
	if err != nil {
		return nil, fmt.Errorf("linuxns: configure sandbox init: %w", err)
	}
	if _, err := syscall.Write(b.sock, []byte{nsinit.InCgroup}); err != nil {
		return nil, fmt.Errorf("linuxns: configure sandbox init: %w", err)
	}
	return b, nil
}

// startInit starts the init process in new mount, PID, UTS and IPC
// namespaces, with its config socket, error pipe and output pipes.
func (b *box) startInit() error {
	socks, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("linuxns: %w", err)
	}
	b.sock = socks[0]
	var ends []*os.File // the init's ends, closed here once it started
	defer func() {
		for _, f := range ends {
			f.Close()
		}
	}()
	ends = append(ends, os.NewFile(uintptr(socks[1]), "config"))
	var errW, outW, errOutW *os.File
	for _, p := range []struct{ r, w **os.File }{{&b.errR, &errW}, {&b.outR, &outW}, {&b.errOut, &errOutW}} {
		if *p.r, *p.w, err = os.Pipe(); err != nil {
			return fmt.Errorf("linuxns: %w", err)
		}
		ends = append(ends, *p.w)
	}
	cmd := exec.Command("/proc/self/exe", "agentcore-linuxns-init", b.name)
	cmd.Env = []string{nsinit.Env + "=1"}
	cmd.ExtraFiles = []*os.File{ends[0], errW} // fds 3, 4
	cmd.Stdout, cmd.Stderr = outW, errOutW
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC,
		Setsid:     true,
		Pdeathsig:  syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("linuxns: start sandbox init: %w", err)
	}
	b.cmd = cmd
	sandbox.AfterExit(cmd.Process.Pid, func() { // no goroutine or thread held while the agent runs
		err := cmd.Wait()
		b.exitMu.Lock()
		b.err = err
		close(b.exited)
		f := b.then
		b.exitMu.Unlock()
		if f != nil {
			f()
		}
	})
	return nil
}

func (b *box) sendBox(prog []byte) error {
	cfg := nsinit.Config{
		Session:    b.dir,
		UID:        b.uid,
		GID:        b.uid,
		UserNS:     b.d.userNS,
		IDs:        idRange,
		TmpBytes:   b.d.o.TmpBytes,
		LayerBytes: b.d.o.LayerBytes,
		Seccomp:    prog,
	}
	nsFd, err := syscall.Open(b.net.Path(), syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(nsFd)
	return nsinit.SendBox(b.sock, &cfg, nsFd)
}

// alive reports whether the init still waits for a session.
func (b *box) alive() bool {
	select {
	case <-b.exited:
		return false
	default:
		return true
	}
}

// kill ends every process of the sandbox.
func (b *box) kill() {
	if b.cmd != nil {
		b.cmd.Process.Kill() // the init: the kernel kills the whole namespace
	}
	if b.cg != nil {
		b.cg.KillAll()
	}
}

// discard kills a box that will not be used and frees what it holds.
func (b *box) discard() error {
	b.kill()
	if b.cmd != nil {
		<-b.exited
	}
	b.closeFiles()
	return b.release()
}

func (b *box) closeFiles() {
	if b.sock >= 0 {
		syscall.Close(b.sock)
		b.sock = -1
	}
	for _, f := range []*os.File{b.errR, b.outR, b.errOut} {
		if f != nil {
			f.Close()
		}
	}
}

// release frees the host resources; safe on a partly built box, once the
// init has exited.
func (b *box) release() error {
	var errs []error
	if b.cg != nil {
		errs = append(errs, b.cg.Remove())
	}
	if b.net != nil {
		errs = append(errs, b.net.Close())
	}
	if b.dir != "" {
		if err := os.Remove(b.dir); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if b.uid != 0 {
		b.d.ids.give(b.uid) // release runs once per box
	}
	return errors.Join(errs...)
}
