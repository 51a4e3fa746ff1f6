package linuxns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/linuxns/nsinit"
)

// Exec implements sandbox.Execer. The command joins every namespace of the
// session's agent (mount, PID, network, UTS, IPC, cgroup), runs in its
// cgroup as its uid with no capabilities, no_new_privs and the seccomp
// filter, in the agent's working directory (or spec.Dir inside the
// sandbox). See nsinit.ExecEnv for how.
func (in *instance) Exec(ctx context.Context, spec sandbox.ExecSpec) (sandbox.ExecProcess, error) {
	if len(spec.Argv) == 0 || spec.Argv[0] == "" {
		return nil, errors.New("linuxns: empty command")
	}
	select {
	case <-in.done:
		return nil, errors.New("linuxns: the session's agent has exited")
	default:
	}
	nsenter, err := exec.LookPath("nsenter")
	if err != nil {
		return nil, fmt.Errorf("linuxns: exec needs nsenter (util-linux): %w", err)
	}
	argv := spec.Argv
	if spec.Dir != "" { // resolved inside the sandbox, so not nsenter --wd=DIR
		argv = append([]string{"/bin/sh", "-c", `cd -- "$0" && exec "$@"`, spec.Dir}, argv...)
	}
	id := strconv.Itoa(in.uid)
	cfg := nsinit.ExecConfig{
		Nsenter: nsenter,
		Argv: append([]string{"nsenter", "--target", strconv.Itoa(in.cmd.Process.Pid),
			"--mount", "--uts", "--ipc", "--net", "--pid", "--cgroup", "--setuid", id, "--setgid", id, "--wd", "--"}, argv...),
		Env: append(append([]string(nil), in.env...), spec.Env...),
	}
	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("linuxns: %w", err)
	}
	defer cfgW.Close()
	errR, errW, err := os.Pipe()
	if err != nil {
		cfgR.Close()
		return nil, fmt.Errorf("linuxns: %w", err)
	}
	defer errR.Close()
	cmd := exec.Command("/proc/self/exe", "agentcore-linuxns-exec", in.name)
	cmd.Env = []string{nsinit.ExecEnv + "=1"}
	cmd.ExtraFiles = []*os.File{cfgR, errW} // fds 3, 4
	cmd.Stdin, cmd.Stdout, cmd.Stderr = spec.Stdin, spec.Stdout, spec.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = time.Second
	p, err := sandbox.StartCmd(ctx, cmd, nil)
	cfgR.Close()
	errW.Close()
	if err != nil {
		return nil, fmt.Errorf("linuxns: start exec helper: %w", err)
	}
	fail := func(err error) (sandbox.ExecProcess, error) {
		p.Kill()
		p.Wait() //nolint:errcheck // failed anyway
		return nil, err
	}
	if err := in.cg.Add(cmd.Process.Pid); err != nil {
		return fail(fmt.Errorf("linuxns: %w", err))
	}
	if err := json.NewEncoder(cfgW).Encode(cfg); err != nil {
		return fail(fmt.Errorf("linuxns: configure exec helper: %w", err))
	}
	cfgW.Close()
	errR.SetReadDeadline(time.Now().Add(setupTimeout))
	msg, rerr := io.ReadAll(errR) // EOF without data: nsenter was exec'd
	switch {
	case len(msg) > 0:
		return fail(fmt.Errorf("linuxns: exec: %s", strings.TrimSpace(string(msg))))
	case rerr != nil:
		return fail(fmt.Errorf("linuxns: exec setup: %w", rerr))
	}
	return p, nil
}
