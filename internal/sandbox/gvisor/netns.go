package gvisor

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/agentcore-dev/agentcore/internal/sandbox/netns"
)

// sessionNet is a session's network namespace: the sandbox joins Path, and
// the platform reaches the agent's ports with Dial. *hostnet.Net has the
// same methods.
type sessionNet interface {
	Path() string
	Dial(ctx context.Context, port int) (net.Conn, error)
	Listen(ctx context.Context, port int) (net.Listener, error)
	Close() error
}

// loopNet is a loopback-only network namespace the driver creates itself,
// kept alive by a bind mount of its nsfs file at path.
type loopNet struct{ path string }

// newLoopNet creates a fresh network namespace with lo up, pinned at file.
func newLoopNet(file string) (*loopNet, error) {
	f, err := os.OpenFile(file, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("gvisor: netns file: %w", err)
	}
	f.Close()
	errc := make(chan error, 1)
	go func() {
		// The thread that unshares never runs other goroutines again: it
		// exits with this goroutine because it is never unlocked.
		runtime.LockOSThread()
		errc <- func() error {
			if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
				return fmt.Errorf("unshare(CLONE_NEWNET): %w", err)
			}
			src := "/proc/thread-self/ns/net"
			if err := unix.Mount(src, file, "", unix.MS_BIND, ""); err != nil {
				return fmt.Errorf("bind %s: %w", src, err)
			}
			return loUp()
		}()
	}()
	if err := <-errc; err != nil {
		(&loopNet{path: file}).Close()
		return nil, fmt.Errorf("gvisor: network namespace: %w", err)
	}
	return &loopNet{path: file}, nil
}

// loUp sets the loopback interface of the calling thread's namespace up.
func loUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("lo flags: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("lo up: %w", err)
	}
	return nil
}

func (n *loopNet) Path() string { return n.path }

func (n *loopNet) Listen(ctx context.Context, port int) (net.Listener, error) {
	return netns.Listen(ctx, n.path, "127.0.0.1:"+strconv.Itoa(port))
}

func (n *loopNet) Dial(ctx context.Context, port int) (net.Conn, error) {
	return netns.Dial(ctx, n.path, "tcp", "127.0.0.1:"+strconv.Itoa(port))
}

// Close releases the namespace (it disappears once the sandbox is gone).
func (n *loopNet) Close() error {
	err := unix.Unmount(n.path, unix.MNT_DETACH)
	if err == unix.EINVAL || err == unix.ENOENT {
		err = nil // never mounted
	}
	if rerr := os.Remove(n.path); rerr != nil && !os.IsNotExist(rerr) && err == nil {
		err = rerr
	}
	return err
}
