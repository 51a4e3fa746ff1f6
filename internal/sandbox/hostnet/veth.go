package hostnet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/vishvananda/netlink"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// connect gives a PUBLIC namespace its veth pair, addresses, default route
// and NAT.
func (n *Net) connect() error {
	if err := ensureFirewall(); err != nil {
		return err
	}
	n.public = true
	nsFd, err := unix.Open(n.path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("hostnet: open %s: %w", n.path, err)
	}
	defer unix.Close(nsFd)
	inside, err := netlink.NewHandleAt(vnetns.NsHandle(nsFd))
	if err != nil {
		return fmt.Errorf("hostnet: netlink handle in %s: %w", n.id, err)
	}
	defer inside.Close()

	hostIP, nsIP, err := n.claimSubnet(nsFd)
	if err != nil {
		return err
	}
	mask := net.CIDRMask(30, 32)
	host, err := netlink.LinkByName(n.veth)
	if err == nil {
		err = netlink.LinkSetUp(host)
	}
	if err != nil {
		return fmt.Errorf("hostnet: configure %s: %w", n.veth, err)
	}
	peer, err := inside.LinkByName("eth0")
	if err == nil {
		err = inside.AddrAdd(peer, &netlink.Addr{IPNet: &net.IPNet{IP: nsIP, Mask: mask}})
	}
	if err == nil {
		err = inside.LinkSetUp(peer)
	}
	if err == nil {
		err = inside.RouteAdd(&netlink.Route{LinkIndex: peer.Attrs().Index, Gw: hostIP})
	}
	if err != nil {
		return fmt.Errorf("hostnet: configure eth0 in %s: %w", n.id, err)
	}
	if err := waitUp(netlink.LinkByName, n.veth); err != nil {
		return err
	}
	if err := waitUp(inside.LinkByName, "eth0"); err != nil {
		return err
	}
	n.addr = nsIP
	return nil
}

// claimSubnet allocates the namespace's /30 and creates the veth pair with
// the host side's address, under a host-wide lock held only for that: the
// host-side addresses are the allocation table, so once the address is on
// the veth the /30 is taken and other sessions may allocate. The rest of the
// set-up (links up, the namespace side, waiting for carrier) runs unlocked,
// in parallel with other sessions'.
func (n *Net) claimSubnet(nsFd int) (hostIP, nsIP net.IP, err error) {
	alloc, err := os.OpenFile(filepath.Join(LockDir, ".alloc"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("hostnet: %w", err)
	}
	defer alloc.Close() // unlocks
	if err := unix.Flock(int(alloc.Fd()), unix.LOCK_EX); err != nil {
		return nil, nil, fmt.Errorf("hostnet: alloc lock: %w", err)
	}
	if hostIP, nsIP, err = freeSubnet(); err != nil {
		return nil, nil, err
	}
	veth := &netlink.Veth{
		LinkAttrs:     netlink.LinkAttrs{Name: n.veth},
		PeerName:      "eth0",
		PeerNamespace: netlink.NsFd(nsFd),
	}
	if err := netlink.LinkAdd(veth); err != nil {
		return nil, nil, fmt.Errorf("hostnet: add veth %s: %w", n.veth, err)
	}
	os.WriteFile("/proc/sys/net/ipv6/conf/"+n.veth+"/disable_ipv6", []byte("1"), 0)
	host, err := netlink.LinkByName(n.veth)
	if err == nil {
		err = netlink.AddrAdd(host, &netlink.Addr{IPNet: &net.IPNet{IP: hostIP, Mask: net.CIDRMask(30, 32)}})
	}
	if err != nil {
		return nil, nil, fmt.Errorf("hostnet: configure %s: %w", n.veth, err)
	}
	return hostIP, nsIP, nil
}

// waitUp waits until the kernel reports the link operationally up: until
// then its queueing discipline may still drop packets, and an agent's first
// connection would stall for a TCP retransmission timeout.
func waitUp(byName func(string) (netlink.Link, error), name string) error {
	deadline := time.Now().Add(3 * time.Second)
	for {
		l, err := byName(name)
		if err != nil {
			return fmt.Errorf("hostnet: %s: %w", name, err)
		}
		if l.Attrs().OperState == netlink.OperUp {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("hostnet: %s not up after 3s (state %s)", name, l.Attrs().OperState)
		}
		time.Sleep(time.Millisecond)
	}
}

// freeSubnet returns the host and namespace addresses of the lowest /30 of
// Pool not assigned to any host interface.
func freeSubnet() (host, ns net.IP, err error) {
	_, pool, _ := net.ParseCIDR(Pool)
	base := binary.BigEndian.Uint32(pool.IP.To4())
	addrs, err := addrList()
	if err != nil {
		return nil, nil, fmt.Errorf("hostnet: list addresses: %w", err)
	}
	used := map[uint32]bool{}
	for _, a := range addrs {
		if ip := a.IP.To4(); ip != nil && pool.Contains(ip) {
			used[(binary.BigEndian.Uint32(ip)-base)/4] = true
		}
	}
	ones, bits := pool.Mask.Size()
	for i := uint32(0); i < 1<<(bits-ones)/4; i++ {
		if !used[i] {
			h, s := make(net.IP, 4), make(net.IP, 4)
			binary.BigEndian.PutUint32(h, base+4*i+1)
			binary.BigEndian.PutUint32(s, base+4*i+2)
			return h, s, nil
		}
	}
	return nil, nil, fmt.Errorf("hostnet: address pool %s exhausted", Pool)
}

// addrList lists the host's IPv4 addresses. A dump the kernel interrupted
// (addresses changed meanwhile: other sessions starting) is retried; it is
// not a failure of the session being started.
func addrList() ([]netlink.Addr, error) {
	var addrs []netlink.Addr
	var err error
	for i := 0; i < 10; i++ {
		if addrs, err = netlink.AddrList(nil, unix.AF_INET); !errors.Is(err, netlink.ErrDumpInterrupted) {
			return addrs, err
		}
		time.Sleep(time.Duration(i+1) * time.Millisecond)
	}
	return addrs, err
}
