package hostnet

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// createNS creates a network namespace and pins it by bind-mounting its nsfs
// file onto path. The work happens on a locked OS thread that unshares and
// then returns to the host namespace.
func createNS(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDONLY, 0o444)
	if err != nil {
		return fmt.Errorf("hostnet: create %s: %w", path, err)
	}
	f.Close()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("unshare(CLONE_NEWNET): %w", err)
			return
		}
		err = unix.Mount("/proc/thread-self/ns/net", path, "", unix.MS_BIND, "")
		if err == nil {
			err = setupInside()
		}
		if serr := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); serr != nil {
			// Keep the thread locked: it exits with this goroutine rather
			// than running other goroutines in the sandbox's namespace.
			errc <- errors.Join(err, fmt.Errorf("return to host namespace: %w", serr))
			return
		}
		runtime.UnlockOSThread()
		errc <- err
	}()
	if err := <-errc; err != nil {
		unix.Unmount(path, unix.MNT_DETACH)
		os.Remove(path)
		return fmt.Errorf("hostnet: create namespace: %w", err)
	}
	return nil
}

// setupInside runs in the new namespace: loopback up, and IPv6 off for
// interfaces added later (the veth), so a sandbox has no IPv6 path out.
func setupInside() error {
	for _, p := range []string{"/proc/sys/net/ipv6/conf/default/disable_ipv6"} {
		os.WriteFile(p, []byte("1"), 0) // absent without IPv6; fine
	}
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("find lo: %w", err)
	}
	if err := netlink.LinkSetUp(lo); err != nil {
		return fmt.Errorf("lo up: %w", err)
	}
	return nil
}

// removeLeftovers deletes the veth and the namespace file of id; absent
// pieces are not an error.
func removeLeftovers(id, veth string) error {
	var errs []error
	if veth != "" {
		if l, err := netlink.LinkByName(veth); err == nil {
			if err := netlink.LinkDel(l); err != nil {
				errs = append(errs, fmt.Errorf("delete veth %s: %w", veth, err))
			}
		}
	}
	path := nsPath(id)
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		errs = append(errs, fmt.Errorf("unmount %s: %w", path, err))
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func nsPath(id string) string { return NSDir + "/" + id }

// removeStaleVeths deletes host veths with our prefix that no live namespace
// claims.
func removeStaleVeths(links []netlink.Link, keep map[string]bool) error {
	var errs []error
	for _, l := range links {
		name := l.Attrs().Name
		if l.Type() == "veth" && strings.HasPrefix(name, VethPrefix) && !keep[name] {
			if err := netlink.LinkDel(l); err != nil && !errors.Is(err, unix.ENODEV) {
				errs = append(errs, fmt.Errorf("hostnet: delete stale veth %s: %w", name, err))
			}
		}
	}
	return errors.Join(errs...)
}
