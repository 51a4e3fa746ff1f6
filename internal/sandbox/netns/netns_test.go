package netns_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox/netns"
)

func TestDialIntoNamespace(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace")
	}
	cmd := exec.Command("unshare", "--net", "sh", "-c", "ip link set lo up && sleep 30")
	if err := cmd.Start(); err != nil {
		t.Skipf("unshare unavailable: %v", err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	ns := fmt.Sprintf("/proc/%d/ns/net", cmd.Process.Pid)
	host, _ := os.Readlink("/proc/self/ns/net")
	deadline := time.Now().Add(5 * time.Second)
	for { // wait until unshare(1) has entered its new namespace
		if cur, _ := os.Readlink(ns); cur != "" && cur != host {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("unshare never entered a new namespace")
		}
		time.Sleep(5 * time.Millisecond)
	}
	var ln net.Listener
	for {
		err := netns.Do(ns, func() error {
			var err error
			ln, err = net.Listen("tcp", "127.0.0.1:0")
			return err
		})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Write([]byte("inside"))
			c.Close()
		}
	}()
	addr := ln.Addr().String()
	// From the host namespace the address is not reachable...
	// (A host process may happen to listen on the same port: only the
	// listener's own greeting counts.)
	if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
		c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		b, _ := io.ReadAll(c)
		c.Close()
		if string(b) == "inside" {
			t.Fatalf("listener inside the namespace was reachable from the host at %s", addr)
		}
	}
	// ...but a socket opened inside the namespace reaches it.
	var c net.Conn
	for { // the namespace's loopback comes up asynchronously
		var err error
		if c, err = netns.Dial(context.Background(), ns, "tcp", addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	b, _ := io.ReadAll(c)
	c.Close()
	if !strings.Contains(string(b), "inside") {
		t.Fatalf("got %q", b)
	}
}
