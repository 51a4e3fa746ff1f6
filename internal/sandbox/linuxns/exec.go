package linuxns

import (
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/linuxns/nsinit"
	"github.com/agentcore-dev/agentcore/internal/sandbox/linuxns/sysfilter"
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
	env := append(append([]string(nil), in.env...), spec.Env...)
	// Joined at the init's namespaces (the agent's, but for the user
	// namespace, which is the agent's own).
	nsArgs := []string{"nsenter", "--target", strconv.Itoa(in.cmd.Process.Pid), "--mount", "--uts", "--ipc", "--net", "--pid", "--cgroup"}
	prog, err := sysfilter.Agent()
	if err != nil {
		return nil, fmt.Errorf("linuxns: %w", err)
	}
	cfg := nsinit.ExecConfig{Nsenter: nsenter}
	if cfg.Seccomp, err = sysfilter.Exec(); err != nil {
		return nil, fmt.Errorf("linuxns: %w", err)
	}
	if in.d.userNS && (in.spec.RootFS == "" || selfStatic()) {
		// Into the agent's user namespace, through the agent stage (this
		// binary, which must be able to run in the session's root).
		pid, err := in.agentPid()
		if err != nil {
			return nil, err
		}
		cfg.Env = nsinit.ExecStageEnv(argv, env, true, 0, 0, prog)
		cfg.Argv = append(nsArgs, "--user=/proc/"+strconv.Itoa(pid)+"/ns/user", "--wd", "--", "/proc/self/fd/"+strconv.Itoa(nsinit.ExecExeFD))
	} else {
		// As the agent's host ids, outside any user namespace: an image
		// may lack the libraries this (dynamically linked) binary needs.
		id := strconv.Itoa(in.uid)
		cfg.Env = env
		cfg.Argv = append(append(nsArgs, "--setuid", id, "--setgid", id, "--wd", "--"), argv...)
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
	if _, err := cfgW.Write(cfg.Encode()); err != nil {
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

// selfStatic reports whether this binary is statically linked (it then
// runs in any root, an image's included).
var selfStatic = sync.OnceValue(func() bool {
	f, err := elf.Open("/proc/self/exe")
	if err != nil {
		return false
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false
		}
	}
	return true
})

// agentPid finds the agent's host pid (its user namespace is not the
// init's): the child of the init that is oldest in the session's PID
// namespace (the others are orphans the init adopted). It is looked up once.
func (in *instance) agentPid() (int, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.agent != 0 {
		return in.agent, nil
	}
	init := strconv.Itoa(in.cmd.Process.Pid)
	dirs, _ := os.ReadDir("/proc")
	best, bestNS := 0, 0
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/status")
		if err != nil || !strings.Contains(string(b), "\nPPid:\t"+init+"\n") {
			continue
		}
		_, nspid, _ := strings.Cut(string(b), "\nNSpid:")
		nspid, _, _ = strings.Cut(nspid, "\n")
		f := strings.Fields(nspid)
		if len(f) == 0 {
			continue
		}
		if ns, err := strconv.Atoi(f[len(f)-1]); err == nil && (best == 0 || ns < bestNS) {
			best, bestNS = pid, ns
		}
	}
	if best == 0 {
		return 0, errors.New("linuxns: the session's agent process is gone")
	}
	in.agent = best
	return best, nil
}
