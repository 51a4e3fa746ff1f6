//go:build linux && !amd64 && !arm64

package nsinit

// Other architectures: setns and seccomp fail with ENOSYS (the driver is
// then unavailable), ids are set with the syscall package.
const (
	sysSetns     = -1
	sysSeccomp   = -1
	sysSetgroups = -1
	sysSetresuid = -1
	sysSetresgid = -1
)
