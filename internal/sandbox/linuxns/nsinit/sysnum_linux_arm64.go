package nsinit

import "syscall"

const (
	sysSetns     = syscall.SYS_SETNS
	sysSeccomp   = syscall.SYS_SECCOMP
	sysSetgroups = syscall.SYS_SETGROUPS
	sysSetresuid = syscall.SYS_SETRESUID
	sysSetresgid = syscall.SYS_SETRESGID
)
