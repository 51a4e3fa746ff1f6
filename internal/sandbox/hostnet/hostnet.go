// Package hostnet gives each sandbox session its own network namespace,
// created from the host without a long-lived process: the namespace is kept
// alive by a bind mount of its nsfs file under /run/agentcore/netns/<id>, a
// path usable with setns(2) and in an OCI runtime config.
//
// A NONE session's namespace has only loopback. A PUBLIC session also gets a
// veth pair to the host with a /30 from 10.231.0.0/16, a default route and
// NAT; the nftables table "inet agentcore" drops everything a sandbox sends to
// the host itself (the API listener, PostgreSQL, any loopback or LAN service
// bound on the host's addresses), traffic between sandboxes, link-local
// metadata addresses and connections initiated towards a sandbox.
//
// Several processes may use the package at once (the server and test
// binaries of several drivers): /30s are allocated under a host-wide file
// lock by looking at the addresses in use, and each live namespace holds a
// flock on /run/agentcore/hostnet/<id>.lock so Cleanup can tell the leftovers
// of a crashed process from namespaces that are still in use.
package hostnet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox/netns"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Host paths and names owned by the package.
const (
	NSDir      = "/run/agentcore/netns"   // bind-mounted namespace files
	LockDir    = "/run/agentcore/hostnet" // one flock per live namespace
	VethPrefix = "acv"                    // host side of every sandbox veth
	Table      = "agentcore"              // nftables table (family inet)
	Pool       = "10.231.0.0/16"          // PUBLIC sessions' /30s
)

// Net is one session's network namespace.
type Net struct {
	id     string
	path   string
	veth   string // host-side veth name, "" for NONE
	addr   net.IP // the namespace's own address, nil for NONE
	lock   *os.File
	mu     sync.Mutex
	closed bool
	public bool // counted by ensureFirewall
}

// New creates a fresh network namespace named id with loopback up. With
// public set it also connects the namespace to the host through a veth pair
// with NAT towards the outside world. It fails if id is already in use by a
// live namespace; nothing is left behind on error.
func New(ctx context.Context, id string, public bool) (*Net, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, d := range []string{NSDir, LockDir} {
		if err := os.MkdirAll(d, 0o711); err != nil {
			return nil, fmt.Errorf("hostnet: %w", err)
		}
	}
	lock, err := lockID(id, false)
	if err != nil {
		return nil, err
	}
	n := &Net{id: id, path: filepath.Join(NSDir, id), lock: lock}
	if public {
		n.veth = VethName(id)
	}
	// A file left by a crashed owner is ours to clear now that we hold the lock.
	removeLeftovers(id, n.veth)
	if err := lock.Truncate(0); err == nil && n.veth != "" {
		_, err = lock.WriteAt([]byte(n.veth), 0) // lets Cleanup find the veth
		if err != nil {
			n.Close()
			return nil, fmt.Errorf("hostnet: record veth: %w", err)
		}
	}
	if err := createNS(n.path); err != nil {
		n.Close()
		return nil, err
	}
	if public {
		if err := n.connect(); err != nil {
			n.Close()
			return nil, err
		}
	}
	return n, nil
}

// Path returns the namespace file (for setns(2) or an OCI config).
func (n *Net) Path() string { return n.path }

// Veth returns the host side veth name, or "" for a loopback-only namespace.
func (n *Net) Veth() string { return n.veth }

// Addr returns the namespace's address on its veth, or nil for NONE.
func (n *Net) Addr() net.IP { return n.addr }

// Dial connects to 127.0.0.1:port inside the namespace.
func (n *Net) Dial(ctx context.Context, port int) (net.Conn, error) {
	n.mu.Lock()
	closed := n.closed
	n.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("hostnet: dial %s: namespace closed", n.id)
	}
	return netns.Dial(ctx, n.path, "tcp", "127.0.0.1:"+strconv.Itoa(port))
}

// Listen opens a listener on 127.0.0.1:port inside the namespace: a socket
// the platform serves and only that session's agent can reach.
func (n *Net) Listen(ctx context.Context, port int) (net.Listener, error) {
	n.mu.Lock()
	closed := n.closed
	n.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("hostnet: listen %s: namespace closed", n.id)
	}
	ln, err := netns.Listen(ctx, n.path, "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return nil, fmt.Errorf("hostnet: listen on port %d in %s: %w", port, n.id, err)
	}
	return ln, nil
}

// Close deletes the veth (freeing its /30), unmounts and removes the
// namespace file and releases the id. It is idempotent.
func (n *Net) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil
	}
	n.closed = true
	err := removeLeftovers(n.id, n.veth)
	if n.public {
		publicClosed()
	}
	os.Remove(lockPath(n.id))
	n.lock.Close()
	if err != nil {
		return fmt.Errorf("hostnet: close %s: %w", n.id, err)
	}
	return nil
}

// Cleanup removes the namespace files, lock files and veths left by
// processes that died without closing their namespaces. Namespaces whose
// owner is alive (its lock is held) are left alone.
func Cleanup() error {
	var errs []error
	// Links first: New records a veth's name in its lock file before creating
	// it, so every veth listed here belongs to a lock file found below.
	links, err := netlink.LinkList()
	for i := 0; errors.Is(err, netlink.ErrDumpInterrupted) && i < 10; i++ {
		time.Sleep(time.Duration(i+1) * time.Millisecond) // links changed during the dump: ask again
		links, err = netlink.LinkList()
	}
	if err != nil {
		return fmt.Errorf("hostnet: list links: %w", err)
	}
	ids := map[string]bool{}
	for _, pat := range []string{filepath.Join(NSDir, "*"), filepath.Join(LockDir, "*.lock")} {
		m, _ := filepath.Glob(pat)
		for _, p := range m {
			ids[trimLock(filepath.Base(p))] = true
		}
	}
	referenced := map[string]bool{}
	for id := range ids {
		if validID(id) != nil {
			continue
		}
		lock, err := lockID(id, true)
		if err != nil {
			b, _ := os.ReadFile(lockPath(id)) // live: keep its veth
			referenced[string(b)] = true
			continue
		}
		b, _ := os.ReadFile(lockPath(id))
		if err := removeLeftovers(id, string(b)); err != nil {
			errs = append(errs, err)
		}
		os.Remove(lockPath(id))
		lock.Close()
	}
	errs = append(errs, removeStaleVeths(links, referenced))
	return errors.Join(errs...)
}

// Available returns nil when namespaces can be created, or the reason not.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("hostnet: must run as root to create network namespaces")
	}
	if _, err := os.Stat("/proc/thread-self/ns/net"); err != nil {
		return fmt.Errorf("hostnet: kernel without network namespaces: %w", err)
	}
	if _, err := exec.LookPath("nft"); err != nil {
		return errors.New("hostnet: nft not found in PATH (install the nftables package)")
	}
	return nil
}

func validID(id string) error {
	if id == "" || len(id) > 200 || id[0] == '.' {
		return fmt.Errorf("hostnet: invalid namespace id %q", id)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("hostnet: invalid namespace id %q (allowed: letters, digits, - _ .)", id)
		}
	}
	return nil
}

// VethName derives the host-side veth name (at most 15 bytes) from id.
func VethName(id string) string {
	sum := sha256.Sum256([]byte(id))
	return VethPrefix + hex.EncodeToString(sum[:5])
}

func lockPath(id string) string { return filepath.Join(LockDir, id+".lock") }

func trimLock(name string) string {
	if filepath.Ext(name) == ".lock" {
		return name[:len(name)-len(".lock")]
	}
	return name
}

// lockID takes the id's flock. probe is used by Cleanup: it does not create
// the lock file.
func lockID(id string, probe bool) (*os.File, error) {
	flags := os.O_RDWR | os.O_CREATE
	if probe {
		flags = os.O_RDWR
	}
	f, err := os.OpenFile(lockPath(id), flags, 0o600)
	if err != nil {
		if probe && errors.Is(err, os.ErrNotExist) {
			// A namespace file with no lock file: its owner is gone.
			return os.OpenFile(os.DevNull, os.O_RDONLY, 0)
		}
		return nil, fmt.Errorf("hostnet: lock %s: %w", id, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("hostnet: namespace %q is in use by another sandbox", id)
		}
		return nil, fmt.Errorf("hostnet: lock %s: %w", id, err)
	}
	// Cleanup may have unlinked the file between our open and flock; a lock
	// on an unlinked file protects nothing.
	var held, now unix.Stat_t
	if unix.Fstat(int(f.Fd()), &held) != nil || unix.Stat(lockPath(id), &now) != nil || held.Ino != now.Ino {
		f.Close()
		if probe {
			return nil, fmt.Errorf("hostnet: namespace %q changed owner", id)
		}
		return lockID(id, probe)
	}
	return f, nil
}
