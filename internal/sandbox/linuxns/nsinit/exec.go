package nsinit

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// ExecEnv marks a process as the exec helper ("ExecEnv=1"): the first step
// of a command run inside a live session (sandbox.Execer). It receives an
// ExecConfig on fd 3 (once it is in the session's cgroup), sets
// no_new_privs, installs the sandbox's seccomp filter (with setns allowed,
// which nsenter needs) and execs nsenter, which joins the agent's
// namespaces (its user namespace last) and forks, inside the PID namespace,
// this binary again (ExecExeFD, inherited) as the agent stage: that drops
// every privilege as it does for the agent (joining a user namespace hands
// nsenter all its capabilities) and execs the command.
//
// A Go process cannot join a mount or user namespace itself (setns needs a
// single-threaded caller), hence nsenter.
const ExecEnv = "_AGENTCORE_LINUXNS_EXEC"

// ExecConfig is what the exec helper needs.
type ExecConfig struct {
	Nsenter string   // path of nsenter on the host
	Argv    []string // nsenter's argv, ending in "/proc/self/fd/<ExecExeFD>"
	Env     []string // nsenter's environment: ExecStageEnv's result
}

// ExecExeFD is where the exec helper leaves this binary open for nsenter's
// child to run.
const ExecExeFD = 10

// ExecStageEnv is the environment that makes this binary, run inside the
// session, the agent stage for a command (argv, env; argv[0] looked up in
// env's PATH): as root of the agent's user namespace when userNS, else
// switching to uid and gid. Its setup errors go to stderr (exit 126).
func ExecStageEnv(argv, env []string, userNS bool, uid, gid int) ([]string, error) {
	b, err := json.Marshal(stageConfig{Argv: argv, Env: env, UserNS: userNS, UID: uid, GID: gid, ErrFD: 2, ExeFD: ExecExeFD})
	if err != nil {
		return nil, err
	}
	return []string{agentEnv + "=" + string(b)}, nil
}

// Fds the exec helper receives, as cmd.ExtraFiles.
const (
	fdExecConfig = 3 // JSON ExecConfig
	fdExecErr    = 4 // setup errors; closed on exec (EOF means success)
)

func execHelper() {
	runtime.LockOSThread()
	err := execSetup()
	unix.Write(fdExecErr, []byte(err.Error()))
	os.Exit(126)
}

func execSetup() error {
	unix.CloseOnExec(fdExecErr)
	f := os.NewFile(fdExecConfig, "config")
	var cfg ExecConfig
	err := json.NewDecoder(f).Decode(&cfg)
	f.Close()
	if err != nil {
		return fmt.Errorf("read exec config: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	if err := loadSeccomp("setns"); err != nil {
		return err
	}
	exe, err := unix.Open("/proc/self/exe", unix.O_RDONLY, 0) // no O_CLOEXEC: for nsenter's child (when it runs the stage)
	if err != nil {
		return fmt.Errorf("open own executable: %w", err)
	}
	if exe != ExecExeFD {
		if err := unix.Dup2(exe, ExecExeFD); err != nil {
			return fmt.Errorf("dup own executable: %w", err)
		}
		unix.Close(exe)
	}
	err = syscall.Exec(cfg.Nsenter, cfg.Argv, cfg.Env)
	return fmt.Errorf("exec %s: %w", cfg.Nsenter, err)
}
