package sandbox

import (
	"os"

	"golang.org/x/sys/unix"
)

// WaitExited blocks until process pid has exited, without reaping it (the
// caller's cmd.Wait then returns at once). It parks the goroutine in the
// runtime's poller on a pidfd, where cmd.Wait alone holds an OS thread in
// waitid(2) for the process's whole life: a thread (its stacks and runtime
// structures, tens of KiB of server memory) per idle session. It returns
// false, having waited for nothing, when pidfds are unavailable.
func WaitExited(pid int) bool {
	fd, err := unix.PidfdOpen(pid, unix.PIDFD_NONBLOCK)
	if err != nil {
		return false
	}
	f := os.NewFile(uintptr(fd), "pidfd")
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	err = rc.Read(func(fd uintptr) bool {
		// A pidfd polls readable once the process has exited.
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 0)
		return n > 0 || (err != nil && err != unix.EINTR)
	})
	return err == nil
}
