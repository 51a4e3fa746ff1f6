package nsinit

import "syscall"

const (
	sysSetns     = 308
	sysSeccomp   = 317
	sysSetgroups = syscall.SYS_SETGROUPS
	sysSetresuid = syscall.SYS_SETRESUID
	sysSetresgid = syscall.SYS_SETRESGID
)
