// Package sysfilter assembles the linuxns sandbox's seccomp filter. The
// server builds it (once per variant) and hands the raw program to the
// sandbox's init and agent stage, which only load it: they start before the
// heavier packages of the binary are initialised and must not import the
// libraries that assemble it.
package sysfilter

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"unsafe"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// deniedSyscalls fail with EPERM inside the sandbox: ways out of the
// namespaces, kernel-wide state changes and large kernel attack surface
// that agents do not need. Names the running architecture does not have are
// skipped.
var deniedSyscalls = []string{
	// filesystem and namespace escapes
	"mount", "umount", "umount2", "pivot_root", "chroot", "setns", "unshare",
	"move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
	"open_by_handle_at", "name_to_handle_at",
	// other processes' memory
	"ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
	// kernel code, state and attack surface
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "create_module",
	"bpf", "perf_event_open", "userfaultfd",
	"keyctl", "add_key", "request_key", "lookup_dcookie", "fanotify_init",
	"swapon", "swapoff", "reboot", "acct", "quotactl", "quotactl_fd", "syslog", "vhangup",
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname", "setdomainname",
	"iopl", "ioperm", "uselib", "nfsservctl", "_sysctl", "sysfs", "ustat",
}

// namespaceFlags may not be passed to clone: no new namespaces (a user
// namespace would hand the agent capabilities over fresh mounts).
const namespaceFlags = unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWNET |
	unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWCGROUP | unix.CLONE_NEWTIME

// Available returns nil if the kernel can load the sandbox's filter.
func Available() error {
	if !seccomp.Supported() {
		return errors.New("kernel without seccomp filter support")
	}
	_, err := Agent()
	return err
}

// Agent is the agent's filter; Exec is the exec helper's, which also allows
// setns (nsenter needs it; the command's own stage then loads Agent).
var (
	Agent = sync.OnceValues(func() ([]byte, error) { return program(nil) })
	Exec  = sync.OnceValues(func() ([]byte, error) { return program([]string{"setns"}) })
)

// program is the filter less the allowed syscalls, as the raw struct
// sock_filter array seccomp(2) takes (this machine's byte order).
func program(allow []string) ([]byte, error) {
	prog, err := seccompProgram(allow)
	if err != nil {
		return nil, err
	}
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&prog[0])), len(prog)*int(unsafe.Sizeof(prog[0])))
	return slices.Clone(raw), nil
}

// seccompProgram assembles the filter. Syscalls from another ABI (i386 via
// int 0x80 on x86_64) are killed outright, since a deny list only covers the
// native numbers.
func seccompProgram(allow []string) ([]unix.SockFilter, error) {
	info, err := arch.GetInfo("")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range deniedSyscalls {
		if _, ok := info.SyscallNames[n]; ok && !slices.Contains(allow, n) {
			names = append(names, n)
		}
	}
	eperm := seccomp.Action(uint32(seccomp.ActionErrno) | uint32(unix.EPERM))
	enosys := seccomp.Action(uint32(seccomp.ActionErrno) | uint32(unix.ENOSYS))
	groups := []seccomp.SyscallGroup{{Names: names, Action: eperm}}
	// ENOSYS rather than EPERM: callers fall back. clone3 passes its flags
	// in memory a filter cannot read, so libc falls back to clone, whose
	// flags are checked below; io_uring users fall back to plain syscalls.
	var fallback []string
	for _, n := range []string{"clone3", "io_uring_setup", "io_uring_enter", "io_uring_register"} {
		if _, ok := info.SyscallNames[n]; ok {
			fallback = append(fallback, n)
		}
	}
	groups = append(groups, seccomp.SyscallGroup{Names: fallback, Action: enosys})
	// Keep the one conditional rule last: after it the filter only returns.
	groups = append(groups, seccomp.SyscallGroup{
		NamesWithCondtions: []seccomp.NameWithConditions{{
			Name:       "clone",
			Conditions: []seccomp.Condition{{Argument: 0, Operation: seccomp.BitsSet, Value: namespaceFlags}},
		}},
		Action: eperm,
	})
	policy := seccomp.Policy{DefaultAction: seccomp.ActionAllow, Syscalls: groups}
	insts, err := policy.Assemble()
	if err != nil {
		return nil, fmt.Errorf("seccomp policy: %w", err)
	}
	prefix := []bpf.Instruction{
		bpf.LoadAbsolute{Off: 4, Size: 4}, // seccomp_data.arch
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(info.ID), SkipTrue: 1},
		bpf.RetConstant{Val: uint32(seccomp.ActionKillProcess)},
	}
	raw, err := bpf.Assemble(append(prefix, insts...))
	if err != nil {
		return nil, fmt.Errorf("seccomp policy: %w", err)
	}
	out := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		out[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	return out, nil
}
