//go:build unix

package openapi

import (
	"net"
	"syscall"
)

// alive reports whether an idle keep-alive connection is still open and
// quiet: a non-blocking peek sees the backend's close (EOF) or stray bytes.
func alive(nc net.Conn) bool {
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
