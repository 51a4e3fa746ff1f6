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
// which nsenter needs and which an unprivileged process cannot use) and
// execs nsenter, which joins the agent's namespaces, drops to its uid and
// gid and forks the command inside the PID namespace.
//
// A Go process cannot join a mount namespace itself (setns needs a
// single-threaded caller), hence nsenter.
const ExecEnv = "_AGENTCORE_LINUXNS_EXEC"

// ExecConfig is what the exec helper needs.
type ExecConfig struct {
	Nsenter string   // path of nsenter on the host
	Argv    []string // nsenter's argv
	Env     []string // the command's environment
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
	err = syscall.Exec(cfg.Nsenter, cfg.Argv, cfg.Env)
	return fmt.Errorf("exec %s: %w", cfg.Nsenter, err)
}
