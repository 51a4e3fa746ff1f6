package hostnet

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// rules is the whole "inet agentcore" table. Replacing it is atomic and
// idempotent, so concurrent processes may all install it.
var rules = strings.NewReplacer("POOL", Pool, "VETH", VethPrefix+"*", "TABLE", Table).Replace(`
table inet TABLE
delete table inet TABLE
table inet TABLE {
	chain input {
		type filter hook input priority filter - 10; policy accept;
		iifname "VETH" drop
	}
	chain forward {
		type filter hook forward priority filter - 10; policy accept;
		iifname "VETH" oifname "VETH" drop
		iifname "VETH" meta nfproto ipv6 drop
		iifname "VETH" ip daddr { POOL, 169.254.0.0/16, 127.0.0.0/8, 0.0.0.0/8, 224.0.0.0/4 } drop
		oifname "VETH" ct state established,related accept
		oifname "VETH" drop
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr POOL oifname != "VETH" masquerade
	}
}
`)

// The firewall (the nftables table and IPv4 forwarding) is shared by every
// process that runs PUBLIC sessions. Each holds a shared flock on
// fwLockPath while it uses it; the last one to let go (Release gets the
// lock exclusively) removes the table and puts ip_forward back to what it
// was before the first one turned it on (fwOrigPath).
var (
	fwLockPath = filepath.Join(LockDir, "firewall.lock")
	fwOrigPath = filepath.Join(LockDir, "ip_forward.orig")
	ipForward  = "/proc/sys/net/ipv4/ip_forward"
)

var (
	fwMu     sync.Mutex
	fwLock   *os.File // shared flock while this process uses the firewall
	fwPublic int      // this process's open PUBLIC namespaces
)

// ensureFirewall installs the nftables table and turns on IPv4 forwarding,
// once per process (again after a Release), and counts a PUBLIC namespace.
func ensureFirewall() error {
	fwMu.Lock()
	defer fwMu.Unlock()
	if fwLock == nil {
		f, err := os.OpenFile(fwLockPath, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("hostnet: firewall lock: %w", err)
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_SH); err != nil {
			f.Close()
			return fmt.Errorf("hostnet: firewall lock: %w", err)
		}
		if err := installFirewall(); err != nil {
			f.Close()
			return err
		}
		fwLock = f
	}
	fwPublic++
	return nil
}

func installFirewall() error {
	cmd := exec.Command("nft", "-f", "-")
	cmd.Stdin = strings.NewReader(rules)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("hostnet: install nftables table %s: %v: %s", Table, err, strings.TrimSpace(out.String()))
	}
	cur, err := os.ReadFile(ipForward)
	if err != nil {
		return fmt.Errorf("hostnet: read ip_forward: %w", err)
	}
	if _, err := os.Stat(fwOrigPath); errors.Is(err, os.ErrNotExist) {
		// The first user records the host's setting (O_EXCL: one writer).
		if f, err := os.OpenFile(fwOrigPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
			f.Write(bytes.TrimSpace(cur)) //nolint:errcheck // an unreadable record restores nothing
			f.Close()
		}
	}
	if err := os.WriteFile(ipForward, []byte("1"), 0); err != nil {
		return fmt.Errorf("hostnet: enable ip_forward: %w", err)
	}
	return nil
}

// publicClosed uncounts a closed PUBLIC namespace.
func publicClosed() {
	fwMu.Lock()
	defer fwMu.Unlock()
	if fwPublic > 0 {
		fwPublic--
	}
}

// Release gives up this process's use of the firewall when it has no
// PUBLIC namespace open; the last process to do so removes the nftables
// table and restores ip_forward. Drivers call it when they close; a later
// PUBLIC namespace installs the firewall again.
func Release() error {
	fwMu.Lock()
	defer fwMu.Unlock()
	if fwLock == nil || fwPublic > 0 {
		return nil
	}
	fwLock.Close() // drops the shared lock
	fwLock = nil
	f, err := os.OpenFile(fwLockPath, os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	defer f.Close()
	if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
		return nil // another process still uses it
	}
	var errs []error
	if out, err := exec.Command("nft", "delete", "table", "inet", Table).CombinedOutput(); err != nil && !strings.Contains(string(out), "No such file") {
		errs = append(errs, fmt.Errorf("hostnet: delete nftables table %s: %v: %s", Table, err, strings.TrimSpace(string(out))))
	}
	if orig, err := os.ReadFile(fwOrigPath); err == nil {
		if v := string(bytes.TrimSpace(orig)); v == "0" || v == "1" {
			if err := os.WriteFile(ipForward, []byte(v), 0); err != nil {
				errs = append(errs, fmt.Errorf("hostnet: restore ip_forward: %w", err))
			}
		}
		os.Remove(fwOrigPath)
	}
	return errors.Join(errs...)
}
