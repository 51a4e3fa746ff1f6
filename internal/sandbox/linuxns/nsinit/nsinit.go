// Package nsinit is the in-sandbox half of the linuxns driver: the code that
// runs as PID 1 of a new session and builds its root filesystem, then starts
// the agent (this binary again, which drops privileges, installs the seccomp
// filter and execs the agent) and stays as the session's init: it forwards
// signals to the agent, reaps orphans and exits with the agent's status.
//
// It runs from this package's init function when the process was started
// with Env set, before the rest of the binary is initialised.
package nsinit

import (
	"errors"
	"fmt"
	"os"
	"path"
	"runtime"
	"strings"
	"syscall"
)

// Env marks a process as the sandbox init ("Env=1").
//
// Keep this package's imports to packages the Go runtime initialises early
// (os, syscall, strings, fmt; not encoding/json, path/filepath or
// golang.org/x/sys/unix): Go initialises packages in import-path order as
// soon as their dependencies are, so with a small early dependency set the
// init and the agent stage run a few milliseconds after exec instead of
// after the server's hundreds of packages (≈ 10–25 ms in agentcore).
const Env = "_AGENTCORE_LINUXNS_INIT"

// Fds the init receives, in this order, as cmd.ExtraFiles.
const (
	// fdConfig is a unix socket from the host, which sends on it: the
	// sandbox's part of the Config (EncodeBox) with the session's network
	// namespace attached (SCM_RIGHTS); the byte InCgroup once the init is
	// in the session's cgroup; the session's part (EncodeSession) when the
	// sandbox is given a session, which may be much later (prepared
	// sandboxes wait for one with the agent stage started).
	fdConfig = 3
	fdErr    = 4 // setup errors; closed on exec (EOF means success)
)

// InCgroup is the byte the host sends on fdConfig once the init is in the
// session's cgroup; the init forks nothing before it.
const InCgroup = 'g'

// DefaultPath is the agent's PATH when its environment has none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Bind shows host directory Source at Target: read-only (an overlay naming
// no host path), or Writable (a nosuid, nodev bind mount of Source itself).
type Bind struct {
	Source, Target string
	Writable       bool
}

// Config is what the init needs to build the sandbox: the sandbox's part
// (Session to Seccomp), known before the session is, and the session's.
type Config struct {
	Hostname  string
	Argv, Env []string
	Dir       string // the artifact on the host ("" = none)
	DirAt     string // where Dir appears inside (sandbox.BundlePath)
	WorkDir   string
	RootFS    string
	HostPaths []string // host dirs shown read-only at their own path
	Binds     []Bind   // host dirs shown at another path
	Session   string   // empty host dir; the session tmpfs is mounted on it
	UID, GID  int      // the agent's host ids (with UserNS: of its root)
	// UserNS runs the agent as root of a user namespace mapping ids
	// 0..IDs-1 to UID.. and GID.. on the host.
	UserNS     bool
	IDs        int
	ResolvConf string // the session's /etc/resolv.conf
	TmpBytes   int64
	LayerBytes int64
	Seccomp    []byte // the agent's seccomp filter (package sysfilter)
}

func init() {
	if os.Getenv(ExecEnv) == "1" {
		execHelper()
	}
	if os.Getenv(agentEnv) != "" {
		agentStage()
	}
	if os.Getenv(Env) != "1" {
		return
	}
	// The network namespace joined below applies to this thread, the one
	// that starts the agent.
	runtime.LockOSThread()
	agent, err := sandboxInit()
	if err != nil {
		syscall.Write(fdErr, []byte(err.Error()))
		os.Exit(1)
	}
	os.Exit(reap(agent))
}

// sandboxInit runs as PID 1 of the new PID namespace, in fresh mount, UTS
// and IPC namespaces. It returns the agent's pid once it is started.
func sandboxInit() (int, error) {
	syscall.CloseOnExec(fdErr)
	syscall.CloseOnExec(fdConfig)
	host := &hostConn{}
	cfg, netns, err := host.readBox()
	if err != nil {
		return 0, fmt.Errorf("read sandbox config: %w", err)
	}
	err = setns(netns, syscall.CLONE_NEWNET)
	syscall.Close(netns)
	if err != nil {
		return 0, fmt.Errorf("join network namespace: %w", err)
	}
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return 0, fmt.Errorf("make mounts private: %w", err)
	}
	// The agent stage starts from the host's root, where this binary and
	// its libraries are (an image may have neither); pivot_root moves it
	// into the new root with the init. The session's /proc over the host's
	// (in this mount namespace only) lets it be started in a user
	// namespace: its id maps are written under /proc/<pid in the session>.
	if err := syscall.Mount("proc", "/proc", "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return 0, fmt.Errorf("mount the session's /proc: %w", err)
	}
	// Nothing is forked before the host has put the init in the session's
	// cgroup (the agent stage inherits it); a cgroup namespace rooted there
	// then hides the host's hierarchy.
	if b, err := host.read(1); err != nil || b[0] != InCgroup {
		return 0, errors.New("the host did not place the sandbox in its cgroup")
	}
	if err := syscall.Unshare(syscall.CLONE_NEWCGROUP); err != nil && !errors.Is(err, syscall.EINVAL) {
		return 0, fmt.Errorf("cgroup namespace: %w", err)
	}
	st, err := startStage(cfg)
	if err != nil {
		return 0, err
	}
	fail := func(err error) (int, error) {
		st.abort()
		return 0, err
	}
	// The root's base, from the host, before the session is known (a
	// session with an image root has it rebuilt).
	base, baseErr := buildBase(cfg)
	// Ready: the session's part may come much later (a prepared sandbox).
	b, err := host.frame()
	if err == nil {
		err = cfg.decodeSession(b)
	}
	syscall.Close(fdConfig)
	if err != nil {
		return fail(fmt.Errorf("read session config: %w", err))
	}
	if err := syscall.Sethostname([]byte(cfg.Hostname)); err != nil {
		return fail(fmt.Errorf("sethostname: %w", err))
	}
	root := base
	if baseErr == nil && cfg.RootFS == "" {
		err = finishRoot(cfg, root)
	} else {
		syscall.Unmount(cfg.Session, syscall.MNT_DETACH) // what the base had mounted
		root, err = buildRoot(cfg)
	}
	if err != nil {
		return fail(err)
	}
	if err := st.running(); err != nil {
		return fail(err)
	}
	if err := pivot(root); err != nil {
		return fail(err)
	}
	workDir := cfg.WorkDir
	if workDir == "" {
		workDir = cfg.DirAt
	}
	if workDir == "" {
		workDir = "/"
	}
	if err := syscall.Chdir(workDir); err != nil {
		return fail(fmt.Errorf("working directory %s: %w", workDir, err))
	}
	path, err := lookPath(cfg.Argv[0], cfg.DirAt, cfg.Env)
	if err != nil {
		return fail(err)
	}
	if err := st.run(stageConfig{Path: path, Argv: cfg.Argv, Env: cfg.Env, WorkDir: workDir, UserNS: cfg.UserNS, UID: cfg.UID, GID: cfg.GID, Seccomp: cfg.Seccomp}); err != nil {
		return fail(err)
	}
	return st.pid, nil
}

// lookPath resolves argv0 inside the sandbox: a path as given (relative to
// the working directory), else Dir, else PATH from the agent's environment.
func lookPath(argv0, dir string, env []string) (string, error) {
	if strings.Contains(argv0, "/") {
		if err := executable(argv0); err != nil {
			return "", fmt.Errorf("command %s: %w", argv0, err)
		}
		return argv0, nil
	}
	path := DefaultPath
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	var dirs []string
	if dir != "" {
		dirs = append(dirs, dir)
	}
	dirs = append(dirs, strings.Split(path, ":")...)
	for _, d := range dirs {
		if d == "" {
			d = "."
		}
		if p := pathJoin(d, argv0); executable(p) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("command %q not found in the sandbox (looked in %s and PATH=%s)", argv0, dir, path)
}

func executable(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

// dropPrivileges switches the calling thread (which execs next) to uid/gid
// with no supplementary groups (cleared here when setGroups) and no
// capabilities in any set (bounding and ambient included), sets
// no_new_privs and re-arms the parent-death signal, which a credential
// change clears.
func dropPrivileges(uid, gid int, setGroups bool) error {
	for c := 0; c < 64; c++ {
		if err := prctl(prCapbsetDrop, uintptr(c)); err != nil {
			if errors.Is(err, syscall.EINVAL) {
				break // past the kernel's last capability
			}
			return fmt.Errorf("drop capability %d: %w", c, err)
		}
	}
	prctl(prCapAmbient, prCapAmbientClrA)
	if err := setIDs(uid, gid, setGroups); err != nil {
		return err
	}
	if err := clearCaps(); err != nil {
		return fmt.Errorf("clear capabilities: %w", err)
	}
	if err := prctl(prSetNoNewPrivs, 1); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	if err := prctl(prSetPdeathsig, uintptr(syscall.SIGKILL)); err != nil {
		return fmt.Errorf("pdeathsig: %w", err)
	}
	return nil
}

// pathJoin joins and cleans like filepath.Join (this package avoids
// path/filepath; see Env).
func pathJoin(elem ...string) string { return path.Join(elem...) }
