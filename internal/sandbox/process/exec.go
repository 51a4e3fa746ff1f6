package process

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// Exec implements sandbox.Execer: the command runs as a child of the
// server with the agent's environment and working directory, in its own
// process group (killed as a whole).
func (in *instance) Exec(ctx context.Context, spec sandbox.ExecSpec) (sandbox.ExecProcess, error) {
	if len(spec.Argv) == 0 || spec.Argv[0] == "" {
		return nil, errors.New("process: empty command")
	}
	select {
	case <-in.done:
		return nil, errors.New("process: the session's agent has exited")
	default:
	}
	cmd := exec.Command(spec.Argv[0], spec.Argv[1:]...)
	cmd.Env = append(append([]string(nil), in.env...), spec.Env...)
	cmd.Dir = in.dir
	if spec.Dir != "" {
		cmd.Dir = spec.Dir
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = spec.Stdin, spec.Stdout, spec.Stderr
	// No Pdeathsig: it fires when the forking OS thread exits, which Go
	// may do at any time; the timeout bounds the command instead.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Background children that keep the output open must not hold Wait.
	cmd.WaitDelay = time.Second
	// Registered before it starts so a concurrent Stop cannot miss it.
	in.mu.Lock()
	if in.ended {
		in.mu.Unlock()
		return nil, errors.New("process: the session is stopped")
	}
	p, err := sandbox.StartCmd(ctx, cmd, nil)
	if err == nil {
		if in.execs == nil {
			in.execs = map[*sandbox.CmdProcess]struct{}{}
		}
		in.execs[p] = struct{}{}
	}
	in.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("process: exec %s: %w", spec.Argv[0], err)
	}
	go func() {
		p.Wait() //nolint:errcheck // only the exit matters here
		in.mu.Lock()
		delete(in.execs, p)
		in.mu.Unlock()
	}()
	return p, nil
}
