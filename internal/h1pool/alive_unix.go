//go:build unix

package h1pool

import (
	"net"
	"syscall"
)

// Alive reports whether an idle keep-alive connection is still open and
// quiet: the peer may have closed it (its keep-alive timeout) while it sat
// in the pool. One non-blocking peek: EAGAIN is open and quiet; 0 bytes is
// closed; data is an answer nobody asked for; other errors are broken.
// Connections without a file descriptor count as alive (a dead one then
// fails its request, and a replayable one is sent again).
func Alive(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	open := false
	var b [1]byte
	if err := rc.Read(func(fd uintptr) bool {
		_, _, rerr := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		open = rerr == syscall.EAGAIN || rerr == syscall.EWOULDBLOCK
		return true
	}); err != nil {
		return false
	}
	return open
}
