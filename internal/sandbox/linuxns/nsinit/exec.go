package nsinit

import (
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
	"syscall"
)

// ExecEnv marks a process as the exec helper ("ExecEnv=1"): the first step
// of a command run inside a live session (sandbox.Execer). It receives an
// ExecConfig on fd 3 (once it is in the session's cgroup), sets
// no_new_privs, installs the sandbox's seccomp filter (sysfilter.Exec, with
// setns allowed, which nsenter needs) and execs nsenter, which joins the agent's
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
	Seccomp []byte   // the exec helper's filter (sysfilter.Exec)
}

// Encode frames c for the exec helper's fd 3.
func (c *ExecConfig) Encode() []byte { return frame(c.encode()) }

// ExecExeFD is where the exec helper leaves this binary open for nsenter's
// child to run.
const ExecExeFD = 10

// ExecStageEnv is the environment that makes this binary, run inside the
// session, the agent stage for a command (argv, env; argv[0] looked up in
// env's PATH): as root of the agent's user namespace when userNS, else
// switching to uid and gid, under seccomp filter prog (sysfilter.Agent).
// Its setup errors go to stderr (exit 126).
func ExecStageEnv(argv, env []string, userNS bool, uid, gid int, prog []byte) []string {
	c := stageConfig{Argv: argv, Env: env, UserNS: userNS, UID: uid, GID: gid, ErrFD: 2, ExeFD: ExecExeFD, Seccomp: prog}
	return []string{agentEnv + "=" + hex.EncodeToString(c.encode())}
}

// Fds the exec helper receives, as cmd.ExtraFiles.
const (
	fdExecConfig = 3 // JSON ExecConfig
	fdExecErr    = 4 // setup errors; closed on exec (EOF means success)
)

func execHelper() {
	runtime.LockOSThread()
	err := execSetup()
	syscall.Write(fdExecErr, []byte(err.Error()))
	os.Exit(126)
}

func execSetup() error {
	syscall.CloseOnExec(fdExecErr)
	b, err := readFrame(fdExecConfig)
	syscall.Close(fdExecConfig)
	if err != nil {
		return fmt.Errorf("read exec config: %w", err)
	}
	cfg, err := decodeExec(b)
	if err != nil {
		return err
	}
	if err := prctl(prSetNoNewPrivs, 1); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	if err := loadSeccomp(cfg.Seccomp); err != nil {
		return err
	}
	exe, err := syscall.Open("/proc/self/exe", syscall.O_RDONLY, 0) // no O_CLOEXEC: for nsenter's child (when it runs the stage)
	if err != nil {
		return fmt.Errorf("open own executable: %w", err)
	}
	if exe != ExecExeFD {
		if err := syscall.Dup3(exe, ExecExeFD, 0); err != nil {
			return fmt.Errorf("dup own executable: %w", err)
		}
		syscall.Close(exe)
	}
	err = syscall.Exec(cfg.Nsenter, cfg.Argv, cfg.Env)
	return fmt.Errorf("exec %s: %w", cfg.Nsenter, err)
}
