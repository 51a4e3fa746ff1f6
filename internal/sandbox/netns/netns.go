// Package netns reaches into network namespaces: it opens sockets inside a
// namespace (so the platform can talk to an agent listening on 127.0.0.1:8080
// in its own namespace without any route from the host).
package netns

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// Dial connects to addr from inside the network namespace at nsPath (e.g.
// /proc/PID/ns/net). The socket belongs to that namespace for its life.
func Dial(ctx context.Context, nsPath, network, addr string) (net.Conn, error) {
	var conn net.Conn
	err := Do(nsPath, func() error {
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		conn = c
		return err
	})
	return conn, err
}

// Do runs fn on an OS thread switched into the namespace at nsPath. fn must
// not start goroutines that expect to stay in the namespace; sockets it
// creates stay in the namespace.
func Do(nsPath string, fn func() error) error {
	target, err := os.Open(nsPath)
	if err != nil {
		return fmt.Errorf("netns: open %s: %w", nsPath, err)
	}
	defer target.Close()
	runtime.LockOSThread()
	self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("netns: open own namespace: %w", err)
	}
	defer self.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("netns: enter %s: %w", nsPath, err)
	}
	ferr := fn()
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		// Leave the thread locked: it dies with this goroutine instead of
		// running other goroutines in the wrong namespace.
		return fmt.Errorf("netns: return to own namespace: %w", err)
	}
	runtime.UnlockOSThread()
	return ferr
}

// Listen opens a TCP listener on addr inside the namespace at nsPath.
func Listen(ctx context.Context, nsPath, addr string) (net.Listener, error) {
	var ln net.Listener
	err := Do(nsPath, func() error {
		var lc net.ListenConfig
		l, err := lc.Listen(ctx, "tcp", addr)
		ln = l
		return err
	})
	return ln, err
}
