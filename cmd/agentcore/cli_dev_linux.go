package main

import "syscall"

// setPdeathsig kills the agent if agentcore dev dies without stopping it.
func setPdeathsig(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
