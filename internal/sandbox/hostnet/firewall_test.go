package hostnet_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
)

// TestReleaseRemovesFirewall: while a PUBLIC namespace is open the nftables
// table exists and forwarding is on; once the last user releases it, the
// table is gone and ip_forward is back to the value recorded before it was
// turned on (issue 20 point 13: both stayed after the server exited).
func TestReleaseRemovesFirewall(t *testing.T) {
	need(t)
	n, err := hostnet.New(context.Background(), "fwtest-"+strings.ReplaceAll(t.Name(), "/", "-"), true)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("nft", "list", "table", "inet", hostnet.Table).CombinedOutput(); err != nil {
		t.Fatalf("table missing while a PUBLIC namespace is open: %v %s", err, out)
	}
	if b, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward"); strings.TrimSpace(string(b)) != "1" {
		t.Fatalf("ip_forward = %q while a PUBLIC namespace is open", b)
	}
	if err := hostnet.Release(); err != nil { // a namespace is open: nothing happens
		t.Fatal(err)
	}
	if err := exec.Command("nft", "list", "table", "inet", hostnet.Table).Run(); err != nil {
		t.Fatal("Release removed the table while a namespace was open")
	}
	orig, _ := os.ReadFile(filepath.Join(hostnet.LockDir, "ip_forward.orig"))
	n.Close()
	if err := hostnet.Release(); err != nil {
		t.Fatal(err)
	}
	// Other processes (other test binaries) may use the firewall too; then
	// it must stay. Only when nobody holds it is it gone.
	f, err := os.OpenFile(filepath.Join(hostnet.LockDir, "firewall.lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
		t.Skip("another process uses the firewall now; its removal cannot be checked")
	}
	defer unix.Flock(int(f.Fd()), unix.LOCK_UN) //nolint:errcheck
	if err := exec.Command("nft", "list", "table", "inet", hostnet.Table).Run(); err == nil {
		t.Fatal("the nftables table is still there after the last Release")
	}
	if v := strings.TrimSpace(string(orig)); v != "" {
		if b, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward"); strings.TrimSpace(string(b)) != v {
			t.Fatalf("ip_forward = %q after Release, want %q (its value before)", b, v)
		}
	}
}
