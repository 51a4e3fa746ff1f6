package hostnet_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet/hostnettest"
	"github.com/agentcore-dev/agentcore/internal/sandbox/netns"
	"github.com/vishvananda/netlink"
)

func TestMain(m *testing.M) {
	if id := os.Getenv("_HOSTNET_TEST_CRASH"); id != "" {
		// Helper for TestCleanup: create a namespace and die without Close.
		if _, err := hostnet.New(context.Background(), id, true); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func need(t *testing.T) {
	t.Helper()
	if err := hostnet.Available(); err != nil {
		t.Skip(err)
	}
}

// serveIn starts a TCP echo-ish server inside nsPath on addr.
func serveIn(t *testing.T, nsPath, addr, reply string) {
	t.Helper()
	var l net.Listener
	if err := netns.Do(nsPath, func() (err error) { l, err = net.Listen("tcp", addr); return err }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			io.WriteString(c, reply)
			c.Close()
		}
	}()
}

func TestLoopbackOnly(t *testing.T) {
	need(t)
	n, err := hostnet.New(context.Background(), "hn-test-none", false)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if _, err := hostnet.New(context.Background(), "hn-test-none", false); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second New with same id: %v", err)
	}
	serveIn(t, n.Path(), "127.0.0.1:8080", "inside")
	c, err := n.Dial(context.Background(), 8080)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(c)
	c.Close()
	if string(b) != "inside" {
		t.Fatalf("got %q", b)
	}
	var links []netlink.Link
	netns.Do(n.Path(), func() (err error) { links, err = netlink.LinkList(); return })
	if len(links) != 1 || links[0].Attrs().Name != "lo" {
		t.Fatalf("NONE namespace links: %v", links)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := os.Stat(n.Path()); !os.IsNotExist(err) {
		t.Fatalf("namespace file left: %v", err)
	}
	assertClean(t)
}

func TestPublic(t *testing.T) {
	need(t)
	a, err := hostnet.New(context.Background(), "hn-test-a", true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := hostnet.New(context.Background(), "hn-test-b", true)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if a.Addr().Equal(b.Addr()) {
		t.Fatalf("same address %v", a.Addr())
	}
	out := hostnettest.Outside(t, "hn-test-out", "10.232.7.0")
	serveIn(t, out.Path, out.Addr+":80", "outside")
	serveIn(t, b.Path(), b.Addr().String()+":8080", "session-b")
	host, err := net.Listen("tcp", "0.0.0.0:0") // the platform's listener
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	hostPort := host.Addr().(*net.TCPAddr).Port

	dial := func(addr string) (string, error) {
		var c net.Conn
		err := netns.Do(a.Path(), func() (err error) { c, err = net.DialTimeout("tcp", addr, 500*time.Millisecond); return })
		if err != nil {
			return "", err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(time.Second))
		got, err := io.ReadAll(c)
		return string(got), err
	}
	if got, err := dial(out.Addr + ":80"); err != nil || got != "outside" {
		t.Fatalf("egress: %q %v", got, err)
	}
	for _, addr := range []string{
		b.Addr().String() + ":8080",                     // another session
		vethHostIP(t, a) + fmt.Sprintf(":%d", hostPort), // the host via its gateway
		fmt.Sprintf("%s:%d", out.HostAddr, hostPort),    // the host via another of its addresses
	} {
		if got, err := dial(addr); err == nil {
			t.Errorf("reached %s from a sandbox: %q", addr, got)
		}
	}
}

func vethHostIP(t *testing.T, n *hostnet.Net) string {
	ip := n.Addr().To4()
	return net.IPv4(ip[0], ip[1], ip[2], ip[3]-1).String()
}

func TestCleanup(t *testing.T) {
	need(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "_HOSTNET_TEST_CRASH=hn-test-crash")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("helper: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(hostnet.NSDir, "hn-test-crash")); err != nil {
		t.Fatalf("helper left no namespace: %v", err)
	}
	if _, err := netlink.LinkByName(hostnet.VethName("hn-test-crash")); err != nil {
		t.Fatalf("helper left no veth: %v", err)
	}
	live, err := hostnet.New(context.Background(), "hn-test-live", true)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if err := hostnet.Cleanup(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(hostnet.NSDir, "hn-test-crash")); !os.IsNotExist(err) {
		t.Fatalf("stale namespace not removed: %v", err)
	}
	if _, err := netlink.LinkByName(hostnet.VethName("hn-test-crash")); err == nil {
		t.Fatal("stale veth not removed")
	}
	if _, err := os.Stat(live.Path()); err != nil {
		t.Fatalf("Cleanup removed a live namespace: %v", err)
	}
	if _, err := netlink.LinkByName(live.Veth()); err != nil {
		t.Fatalf("Cleanup removed a live veth: %v", err)
	}
}

func TestBadID(t *testing.T) {
	for _, id := range []string{"", "../x", "a/b", ".hidden", "sp ace"} {
		if _, err := hostnet.New(context.Background(), id, false); err == nil {
			t.Errorf("New(%q) succeeded", id)
		}
	}
}

// assertClean checks that no namespace file, lock or veth of a test id
// ("hn-test-*") is left.
func assertClean(t *testing.T) {
	t.Helper()
	for _, dir := range []string{hostnet.NSDir, hostnet.LockDir} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "hn-test-") {
				t.Errorf("left behind: %s/%s", dir, e.Name())
			}
		}
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mi), hostnet.NSDir+"/hn-test-") {
		t.Error("namespace mount left behind")
	}
}
