package sandbox

import (
	"context"
	"errors"
	"io"
	"os/exec"
	"sync"
	"syscall"
)

// ExecSpec is a command to run inside a running session environment, next
// to the agent (InvokeAgentRuntimeCommand).
type ExecSpec struct {
	// Argv is the command; Argv[0] is looked up in the environment's PATH
	// (callers usually pass "/bin/sh", "-c", line).
	Argv []string
	// Env is added to the session's environment (later entries win).
	Env []string
	// Dir is the working directory; empty means the agent's.
	Dir string
	// Stdin feeds the command (nil: empty input); Stdout and Stderr receive
	// its output (nil discards it). Writes may come from several goroutines
	// but never concurrently on one writer.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// ExecProcess is a command started by Execer.Exec.
type ExecProcess interface {
	// Wait waits for the command to exit and its output to be delivered.
	// It returns the exit code (128+n when a signal n ended it) or an error
	// when the command could not be waited for.
	Wait() (int, error)
	// Kill ends the command and every process it started. Idempotent.
	Kill()
}

// Execer is implemented by instances that can run extra commands inside
// their environment (same filesystem, namespaces, user and limits as the
// agent). Ending ctx kills the command.
type Execer interface {
	Exec(ctx context.Context, spec ExecSpec) (ExecProcess, error)
}

// CmdProcess adapts an exec.Cmd that a driver has prepared (and not yet
// started) to ExecProcess. kill ends the whole command tree; nil kills the
// command's process group (the cmd must then set Setpgid).
type CmdProcess struct {
	cmd      *exec.Cmd
	kill     func()
	killOnce sync.Once
	done     chan struct{}
	code     int
	err      error
}

// StartCmd starts cmd and returns it as an ExecProcess; ending ctx kills it.
func StartCmd(ctx context.Context, cmd *exec.Cmd, kill func()) (*CmdProcess, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &CmdProcess{cmd: cmd, kill: kill, done: make(chan struct{})}
	if p.kill == nil {
		pid := cmd.Process.Pid
		p.kill = func() { syscall.Kill(-pid, syscall.SIGKILL) } //nolint:errcheck // may have exited
	}
	go p.wait()
	go func() {
		select {
		case <-ctx.Done():
			p.Kill()
		case <-p.done:
		}
	}()
	return p, nil
}

func (p *CmdProcess) wait() {
	err := p.cmd.Wait()
	if errors.Is(err, exec.ErrWaitDelay) {
		// Exited, but a background child kept its output open: the
		// output was cut after WaitDelay; the status is the command's.
		err = nil
		if !p.cmd.ProcessState.Success() {
			err = &exec.ExitError{ProcessState: p.cmd.ProcessState}
		}
	}
	p.code, p.err = ExitCode(err)
	close(p.done)
}

// Wait implements ExecProcess.
func (p *CmdProcess) Wait() (int, error) {
	<-p.done
	return p.code, p.err
}

// Kill implements ExecProcess.
func (p *CmdProcess) Kill() {
	p.killOnce.Do(func() {
		select {
		case <-p.done:
		default:
			p.kill()
		}
	})
}

// ExitCode turns the error of exec.Cmd.Wait into a shell-style exit code:
// the status, or 128+signal; other errors are returned as they are.
func ExitCode(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return -1, err
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return ee.ExitCode(), nil
}
