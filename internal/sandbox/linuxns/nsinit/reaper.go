package nsinit

import (
	"encoding/hex"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

// agentEnv marks the agent stage: this binary started by the session's init
// to become the agent ("1": its stageConfig comes on fdStageConfig), or by
// nsenter to become a command run with Exec (the encoded stageConfig
// itself, in hex).
const agentEnv = "_AGENTCORE_LINUXNS_AGENT"

// Fds of the agent stage: where it reports setup errors (the host's error
// pipe; closed on exec, so EOF there means the agent runs) and where its
// configuration comes from once the init is ready.
const (
	fdStageErr    = 3
	fdStageConfig = 4
)

// stageConfig is what the agent stage needs.
type stageConfig struct {
	Path      string   // the resolved command ("": look Argv[0] up in Env's PATH)
	Argv, Env []string // the agent's
	WorkDir   string   // "": stay
	UserNS    bool     // already root of its user namespace
	UID, GID  int      // without UserNS: the ids to switch to
	ErrFD     int      // where setup errors go (0: fdStageErr)
	ExeFD     int      // this binary, open without close-on-exec (0: none)
	Seccomp   []byte   // the filter to load (package sysfilter)
}

// forwarded are the signals the init passes on to the agent.
var forwarded = []os.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}

// stage is a started agent stage waiting for its configuration.
type stage struct {
	pid  int
	conf *os.File // the init's end of the stage's socket pair
}

// startStage starts the agent stage (this binary again): in a new user
// namespace whose root is the agent's host uid when cfg.UserNS is set. It
// waits for its configuration (stage.run); the init waits for it to run
// (stage.running) before it changes the root. The stage inherits the host's
// error pipe.
func startStage(cfg *Config) (*stage, error) {
	// No supplementary group of the host's root may follow the agent.
	if err := syscall.Setgroups(nil); err != nil {
		return nil, fmt.Errorf("setgroups: %w", err)
	}
	sys := &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
	if cfg.UserNS {
		sys.Cloneflags = syscall.CLONE_NEWUSER
		sys.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: cfg.UID, Size: cfg.IDs}}
		sys.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: cfg.GID, Size: cfg.IDs}}
		sys.GidMappingsEnableSetgroups = false
		sys.Credential = &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: true}
	}
	// A socket pair: the stage says it runs (its libraries are loaded,
	// so the init may change the root), the init sends the configuration.
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	r, w := os.NewFile(uintptr(fds[0]), "stage"), os.NewFile(uintptr(fds[1]), "stage")
	defer r.Close()
	// Signals that arrive from now on are for the agent.
	signal.Notify(sigs, forwarded...)
	pid, err := syscall.ForkExec("/proc/self/exe", []string{"agentcore-linuxns-agent"}, &syscall.ProcAttr{
		Env:   []string{agentEnv + "=1"},
		Files: []uintptr{0, 1, 2, fdErr, r.Fd()}, // fdStageErr, fdStageConfig
		Sys:   sys,
	})
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("start the agent: %w", err)
	}
	return &stage{pid: pid, conf: w}, nil
}

// running waits until the stage says it runs (its libraries are loaded):
// only then may the init change the root.
func (s *stage) running() error {
	var b [1]byte
	if _, err := s.conf.Read(b[:]); err != nil {
		return fmt.Errorf("start the agent: the agent stage died (%v)", err)
	}
	return nil
}

// run hands the stage its configuration, which lets it exec the agent. The
// init keeps no copy of the host's error pipe after that.
func (s *stage) run(c stageConfig) error {
	_, err := s.conf.Write(frame(c.encode()))
	s.conf.Close()
	if err != nil {
		return fmt.Errorf("configure the agent stage: %w", err)
	}
	syscall.Close(fdErr)
	return nil
}

// abort ends a stage that will not be configured.
func (s *stage) abort() {
	s.conf.Close()
	syscall.Kill(s.pid, syscall.SIGKILL)
	var ws syscall.WaitStatus
	syscall.Wait4(s.pid, &ws, 0, nil)
}

var sigs = make(chan os.Signal, 32)

// reap is the init's life once the agent runs: it forwards signals to the
// agent, reaps every process that ends up its child (orphans are
// re-parented to it) and returns the agent's exit code (128+n when signal n
// ended it). The kernel kills the rest of the session when the init exits.
func reap(agent int) int {
	runtime.UnlockOSThread()
	go func() {
		for s := range sigs {
			syscall.Kill(agent, s.(syscall.Signal)) //nolint:errcheck // the agent may be gone
		}
	}()
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil { // ECHILD: cannot happen while the agent lives
			return 1
		}
		if pid != agent {
			continue
		}
		switch {
		case ws.Exited():
			return ws.ExitStatus()
		case ws.Signaled():
			return 128 + int(ws.Signal())
		}
	}
}

// agentStage runs in the agent's process: it drops every privilege (as the
// agent's uid, or as root of its user namespace: no capabilities in any
// set either way), installs the seccomp filter and execs the agent. It
// never returns.
func agentStage() {
	runtime.LockOSThread()
	c := &stageConfig{}
	var err error
	if v := os.Getenv(agentEnv); v == "1" {
		syscall.Write(fdStageConfig, []byte{'r'}) // running: the init may pivot
		var b []byte
		if b, err = readFrame(fdStageConfig); err == nil { // blocks until the init is ready
			c, err = decodeStage(b)
		}
		syscall.Close(fdStageConfig)
	} else {
		var b []byte
		if b, err = hex.DecodeString(v); err == nil {
			c, err = decodeStage(b)
		}
	}
	if err == nil {
		err = stageExec(c)
	}
	if c.ErrFD == 0 {
		c.ErrFD = fdStageErr
	}
	if c.ErrFD == 2 { // a command's stderr: end the line, exit like a shell that cannot run it
		syscall.Write(2, []byte("agentcore: "+err.Error()+"\n"))
		os.Exit(126)
	}
	syscall.Write(c.ErrFD, []byte(err.Error()))
	os.Exit(1)
}

func stageExec(c *stageConfig) error {
	if c.ErrFD == 0 || c.ErrFD > 2 {
		syscall.CloseOnExec(fdStageErr)
	}
	if c.ExeFD > 2 {
		syscall.CloseOnExec(c.ExeFD)
	}
	if c.WorkDir != "" {
		if err := syscall.Chdir(c.WorkDir); err != nil {
			return fmt.Errorf("working directory %s: %w", c.WorkDir, err)
		}
	}
	if c.Path == "" {
		if len(c.Argv) == 0 {
			return fmt.Errorf("empty command")
		}
		p, err := lookPath(c.Argv[0], "", c.Env)
		if err != nil {
			return err
		}
		c.Path = p
	}
	uid, gid := c.UID, c.GID
	if c.UserNS {
		uid, gid = 0, 0
	}
	if err := dropPrivileges(uid, gid, !c.UserNS); err != nil {
		return err
	}
	if err := loadSeccomp(c.Seccomp); err != nil {
		return err
	}
	err := syscall.Exec(c.Path, c.Argv, c.Env)
	return fmt.Errorf("exec %s: %w", c.Path, err)
}

// readFrame reads one framed message (see frame) from fd.
func readFrame(fd int) ([]byte, error) {
	var hdr [4]byte
	if err := readFull(fd, hdr[:]); err != nil {
		return nil, err
	}
	b := make([]byte, int(uint32(hdr[0])<<24|uint32(hdr[1])<<16|uint32(hdr[2])<<8|uint32(hdr[3])))
	return b, readFull(fd, b)
}

func readFull(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := syscall.Read(fd, b)
		if err == syscall.EINTR {
			continue
		}
		if n <= 0 {
			return fmt.Errorf("short read (%v)", err)
		}
		b = b[n:]
	}
	return nil
}
