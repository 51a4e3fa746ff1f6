package gvisor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// Exec implements sandbox.Execer with "runsc exec": the command runs in the
// session's sandbox as the agent's user, with its environment (plus
// spec.Env), no capabilities and no_new_privs. Killing it kills the
// command's process group inside the sandbox, then the attached runsc.
func (in *instance) Exec(ctx context.Context, spec sandbox.ExecSpec) (sandbox.ExecProcess, error) {
	if len(spec.Argv) == 0 || spec.Argv[0] == "" {
		return nil, errors.New("gvisor: empty command")
	}
	select {
	case <-in.done:
		return nil, fmt.Errorf("gvisor: sandbox %s has exited", in.cid)
	default:
	}
	proc := in.proc
	proc.Args = spec.Argv
	proc.Env = append(append([]string(nil), in.proc.Env...), spec.Env...)
	if spec.Dir != "" {
		proc.Cwd = spec.Dir
	}
	var r [6]byte
	rand.Read(r[:])
	name := filepath.Join(in.dir, "exec-"+hex.EncodeToString(r[:]))
	b, _ := json.Marshal(proc)
	if err := os.WriteFile(name+".json", b, 0o600); err != nil {
		return nil, fmt.Errorf("gvisor: exec: %w", err)
	}
	cmd := exec.Command(in.cfg.path, append(in.globalFlags(), "exec", "--process", name+".json",
		"--internal-pid-file", name+".pid", in.cid)...)
	cmd.Stdin = spec.Stdin
	// runsc donates its stdio to the sandboxed process: pipes, never files.
	cmd.Stdout, cmd.Stderr = writerOrDiscard(spec.Stdout), writerOrDiscard(spec.Stderr)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = time.Second
	kill := func() {
		if b, err := os.ReadFile(name + ".pid"); err == nil {
			pid := strings.TrimSpace(string(b))
			// The command leads its own process group inside the sandbox:
			// end the group (its background children too), then the leader.
			in.runscCmd(context.Background(), "exec", "--user", fmt.Sprintf("%d:%d", proc.User.UID, proc.User.GID), in.cid, //nolint:errcheck // best effort
				"/bin/sh", "-c", "kill -9 -"+pid+" 2>/dev/null; true")
			in.runscCmd(context.Background(), "kill", "--pid", pid, in.cid, "KILL") //nolint:errcheck // may have exited
		}
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck // may have exited
	}
	p, err := sandbox.StartCmd(ctx, cmd, kill)
	if err != nil {
		os.Remove(name + ".json")
		return nil, fmt.Errorf("gvisor: runsc exec: %w", err)
	}
	return &gvisorProc{CmdProcess: p, files: []string{name + ".json", name + ".pid"}}, nil
}

// gvisorProc removes the exec's files once it has been waited for.
type gvisorProc struct {
	*sandbox.CmdProcess
	files []string
}

func (g *gvisorProc) Wait() (int, error) {
	code, err := g.CmdProcess.Wait()
	for _, f := range g.files {
		os.Remove(f)
	}
	return code, err
}
