// Package nsinit is the in-sandbox half of the linuxns driver: the code that
// runs as PID 1 of a new session and builds its root filesystem, then starts
// the agent (this binary again, which drops privileges, installs the seccomp
// filter and execs the agent) and stays as the session's init: it forwards
// signals to the agent, reaps orphans and exits with the agent's status.
//
// It runs from this package's init function when the process was started
// with Env set, before the rest of the binary is initialised. Keep its
// imports few: Go initialises a package as soon as its dependencies are, so
// a small dependency set lets the sandbox start without waiting for the
// server's heavier packages.
package nsinit

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Env marks a process as the sandbox init ("Env=1").
const Env = "_AGENTCORE_LINUXNS_INIT"

// Fds the init receives, in this order, as cmd.ExtraFiles.
const (
	fdConfig = 3 // JSON Config; written once the init is in its cgroup
	fdNetNS  = 4 // the session's network namespace
	fdErr    = 5 // setup errors; closed on exec (EOF means success)
)

// DefaultPath is the agent's PATH when its environment has none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Bind shows host directory Source at Target: read-only (an overlay naming
// no host path), or Writable (a nosuid, nodev bind mount of Source itself).
type Bind struct {
	Source, Target string
	Writable       bool
}

// Config is what the init needs to build the sandbox.
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
		unix.Write(fdErr, []byte(err.Error()))
		os.Exit(1)
	}
	os.Exit(reap(agent))
}

// sandboxInit runs as PID 1 of the new PID namespace, in fresh mount, UTS
// and IPC namespaces. It returns the agent's pid once it is started.
func sandboxInit() (int, error) {
	unix.CloseOnExec(fdErr)
	f := os.NewFile(fdConfig, "config")
	var cfg Config
	err := json.NewDecoder(f).Decode(&cfg) // blocks until the parent has added us to the cgroup
	f.Close()
	if err != nil {
		return 0, fmt.Errorf("read sandbox config: %w", err)
	}
	if err := unix.Setns(fdNetNS, unix.CLONE_NEWNET); err != nil {
		return 0, fmt.Errorf("join network namespace: %w", err)
	}
	unix.Close(fdNetNS)
	// Now in the session cgroup: a cgroup namespace rooted there hides the
	// host's hierarchy.
	if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil && !errors.Is(err, unix.EINVAL) {
		return 0, fmt.Errorf("cgroup namespace: %w", err)
	}
	if err := unix.Sethostname([]byte(cfg.Hostname)); err != nil {
		return 0, fmt.Errorf("sethostname: %w", err)
	}
	root, err := buildRoot(&cfg)
	if err != nil {
		return 0, err
	}
	// The agent stage starts from the host's root, where this binary and
	// its libraries are (an image may have neither); pivot_root moves it
	// into the new root with the init. The session's /proc over the host's
	// (in this mount namespace only) lets it be started in a user
	// namespace: its id maps are written under /proc/<pid in the session>.
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return 0, fmt.Errorf("mount the session's /proc: %w", err)
	}
	st, err := startStage(&cfg)
	if err != nil {
		return 0, err
	}
	fail := func(err error) (int, error) {
		st.abort()
		return 0, err
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
	if err := unix.Chdir(workDir); err != nil {
		return fail(fmt.Errorf("working directory %s: %w", workDir, err))
	}
	path, err := lookPath(cfg.Argv[0], cfg.DirAt, cfg.Env)
	if err != nil {
		return fail(err)
	}
	if err := st.run(stageConfig{Path: path, Argv: cfg.Argv, Env: cfg.Env, WorkDir: workDir, UserNS: cfg.UserNS, UID: cfg.UID, GID: cfg.GID}); err != nil {
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
	dirs = append(dirs, filepath.SplitList(path)...)
	for _, d := range dirs {
		if d == "" {
			d = "."
		}
		if p := filepath.Join(d, argv0); executable(p) == nil {
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

// dropPrivileges switches to uid/gid with no supplementary groups (cleared
// here when setGroups) and no capabilities in any set (bounding and ambient
// included), sets no_new_privs and re-arms the parent-death signal, which a
// credential change clears.
func dropPrivileges(uid, gid int, setGroups bool) error {
	for c := 0; c <= unix.CAP_LAST_CAP; c++ {
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil && !errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("drop capability %d: %w", c, err)
		}
	}
	unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
	if setGroups {
		if err := syscall.Setgroups(nil); err != nil {
			return fmt.Errorf("setgroups: %w", err)
		}
	}
	if err := syscall.Setresgid(gid, gid, gid); err != nil {
		return fmt.Errorf("setresgid: %w", err)
	}
	if err := syscall.Setresuid(uid, uid, uid); err != nil {
		return fmt.Errorf("setresuid: %w", err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("clear capabilities: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return fmt.Errorf("pdeathsig: %w", err)
	}
	return nil
}
