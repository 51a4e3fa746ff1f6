//go:build !unix

package main

import (
	"os/exec"
	"syscall"
)

func devSysProcAttr() *syscall.SysProcAttr { return nil }

func terminateGroup(c *exec.Cmd) { c.Process.Kill() } //nolint:errcheck // best effort

func killGroup(c *exec.Cmd) { c.Process.Kill() } //nolint:errcheck // best effort
