// Package hostnettest provides test fixtures for code using hostnet.
package hostnettest

import (
	"context"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
	"github.com/vishvananda/netlink"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// OutsideNet is a stand-in for "the internet" in tests: a network namespace
// connected to the host by a veth whose host side is not a sandbox veth, so
// PUBLIC sessions reach it through NAT like any outside address. Tests must
// never send traffic to real outside addresses.
type OutsideNet struct {
	Path     string // namespace file
	Addr     string // the namespace's address (serve here)
	HostAddr string // the host's address on the link
}

// Outside creates an OutsideNet named id on the /30 starting at subnet (an
// address outside Pool, e.g. "10.232.7.0") and removes it when t ends.
func Outside(t testing.TB, id, subnet string) OutsideNet {
	t.Helper()
	n, err := hostnet.New(context.Background(), id, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	base := binary.BigEndian.Uint32(net.ParseIP(subnet).To4())
	host, peer := make(net.IP, 4), make(net.IP, 4)
	binary.BigEndian.PutUint32(host, base+1)
	binary.BigEndian.PutUint32(peer, base+2)
	name := "acx" + hostnet.VethName(id)[len(hostnet.VethPrefix):]
	fd, err := unix.Open(n.Path(), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: name}, PeerName: "eth0", PeerNamespace: netlink.NsFd(fd)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if l, err := netlink.LinkByName(name); err == nil {
			netlink.LinkDel(l)
		}
	})
	mask := net.CIDRMask(30, 32)
	l, err := netlink.LinkByName(name)
	must(t, err)
	must(t, netlink.AddrAdd(l, &netlink.Addr{IPNet: &net.IPNet{IP: host, Mask: mask}}))
	must(t, netlink.LinkSetUp(l))
	h, err := netlink.NewHandleAt(vnetns.NsHandle(fd))
	must(t, err)
	defer h.Close()
	p, err := h.LinkByName("eth0")
	must(t, err)
	must(t, h.AddrAdd(p, &netlink.Addr{IPNet: &net.IPNet{IP: peer, Mask: mask}}))
	must(t, h.LinkSetUp(p))
	// Until both ends are operationally up, packets may be dropped.
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(time.Millisecond) {
		a, err1 := netlink.LinkByName(name)
		b, err2 := h.LinkByName("eth0")
		if err1 == nil && err2 == nil && a.Attrs().OperState == netlink.OperUp && b.Attrs().OperState == netlink.OperUp {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outside veth %s not up", name)
		}
	}
	return OutsideNet{Path: n.Path(), Addr: peer.String(), HostAddr: host.String()}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
