package nsinit

import (
	"fmt"
	"runtime"
	"syscall"
	"unsafe"
)

// The few system calls the syscall package lacks, made directly: this
// package imports nothing that is initialised late in the binary (see
// Env), so not golang.org/x/sys/unix.

const (
	prSetPdeathsig   = 1
	prCapbsetDrop    = 24
	prSetNoNewPrivs  = 38
	prCapAmbient     = 47
	prCapAmbientClrA = 4
	seccompSetFilter = 1
	capVersion3      = 0x20080522
)

func prctl(op, arg uintptr) error {
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, op, arg, 0, 0, 0, 0); e != 0 {
		return e
	}
	return nil
}

func setns(fd, nstype int) error {
	if sysSetns < 0 {
		return syscall.ENOSYS
	}
	if _, _, e := syscall.RawSyscall(uintptr(sysSetns), uintptr(fd), uintptr(nstype), 0); e != 0 {
		return e
	}
	return nil
}

// clearCaps empties every capability set of the calling thread.
func clearCaps() error {
	hdr := struct{ version, pid uint32 }{capVersion3, 0}
	var data [2]struct{ effective, permitted, inheritable uint32 }
	if _, _, e := syscall.RawSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
		return e
	}
	return nil
}

// setIDs drops supplementary groups (when groups) and switches the calling
// thread's gid and uid. Only for a thread about to exec: the syscall
// package's versions change every thread of the process, which stops the
// world to do so.
func setIDs(uid, gid int, groups bool) error {
	if sysSetresuid < 0 {
		return setIDsAllThreads(uid, gid, groups)
	}
	if groups {
		if _, _, e := syscall.RawSyscall(uintptr(sysSetgroups), 0, 0, 0); e != 0 {
			return fmt.Errorf("setgroups: %w", e)
		}
	}
	if _, _, e := syscall.RawSyscall(uintptr(sysSetresgid), uintptr(gid), uintptr(gid), uintptr(gid)); e != 0 {
		return fmt.Errorf("setresgid: %w", e)
	}
	if _, _, e := syscall.RawSyscall(uintptr(sysSetresuid), uintptr(uid), uintptr(uid), uintptr(uid)); e != 0 {
		return fmt.Errorf("setresuid: %w", e)
	}
	return nil
}

func setIDsAllThreads(uid, gid int, groups bool) error {
	if groups {
		if err := syscall.Setgroups(nil); err != nil {
			return fmt.Errorf("setgroups: %w", err)
		}
	}
	if err := syscall.Setresgid(gid, gid, gid); err != nil {
		return fmt.Errorf("setresgid: %w", err)
	}
	if err := syscall.Setresuid(uid, uid, uid); err != nil {
		return fmt.Errorf("setresuid: %w", err)
	}
	return nil
}

// loadSeccomp installs prog (a raw struct sock_filter array, see package
// sysfilter) on the calling thread, the one that execs. no_new_privs must
// already be set.
func loadSeccomp(prog []byte) error {
	const insn = 8 // sizeof(struct sock_filter)
	if len(prog) == 0 || len(prog)%insn != 0 || len(prog)/insn > 0xffff {
		return fmt.Errorf("load seccomp filter: bad program (%d bytes)", len(prog))
	}
	if sysSeccomp < 0 {
		return fmt.Errorf("load seccomp filter: %w", syscall.ENOSYS)
	}
	filter := make([]uint64, len(prog)/insn) // aligned copy
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&filter[0])), len(prog)), prog)
	fprog := struct {
		len    uint16
		filter *uint64
	}{uint16(len(filter)), &filter[0]}
	if _, _, e := syscall.RawSyscall(uintptr(sysSeccomp), seccompSetFilter, 0, uintptr(unsafe.Pointer(&fprog))); e != 0 {
		return fmt.Errorf("load seccomp filter: %w", e)
	}
	runtime.KeepAlive(filter)
	return nil
}
