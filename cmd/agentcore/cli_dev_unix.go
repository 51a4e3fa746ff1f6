//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// devSysProcAttr puts the agent in its own process group so that stopping
// it also stops whatever it started, and a terminal's Ctrl-C reaches only
// agentcore dev, which then stops the agent in order.
func devSysProcAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	setPdeathsig(a)
	return a
}

func terminateGroup(c *exec.Cmd) { syscall.Kill(-c.Process.Pid, syscall.SIGTERM) } //nolint:errcheck // best effort

func killGroup(c *exec.Cmd) { syscall.Kill(-c.Process.Pid, syscall.SIGKILL) } //nolint:errcheck // best effort
