package testenv

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox/netns"
)

// OutsideHost starts an HTTP server on a test host: a network namespace the
// test creates, joined to the host by a veth pair (host 10.254.N.1, test host
// 10.254.N.2). Sandboxes with PUBLIC egress can reach it through the host's
// routing; nothing leaves the machine. It returns the server's URL; the
// handler answers "outside-ok" and the caller's address.
func OutsideHost(t testing.TB) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a test host network namespace")
	}
	n := time.Now().UnixNano()%200 + 20
	ns := fmt.Sprintf("acouts%d", n)
	hostIf, nsIf := fmt.Sprintf("acoh%d", n), fmt.Sprintf("acon%d", n)
	hostIP, nsIP := fmt.Sprintf("10.254.%d.1", n), fmt.Sprintf("10.254.%d.2", n)
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}
	exec.Command("ip", "netns", "del", ns).Run()
	exec.Command("ip", "link", "del", hostIf).Run()
	run("netns", "add", ns)
	t.Cleanup(func() {
		exec.Command("ip", "link", "del", hostIf).Run()
		exec.Command("ip", "netns", "del", ns).Run()
	})
	run("link", "add", hostIf, "type", "veth", "peer", "name", nsIf)
	run("link", "set", nsIf, "netns", ns)
	run("addr", "add", hostIP+"/30", "dev", hostIf)
	run("link", "set", hostIf, "up")
	run("-n", ns, "addr", "add", nsIP+"/30", "dev", nsIf)
	run("-n", ns, "link", "set", nsIf, "up")
	run("-n", ns, "link", "set", "lo", "up")
	run("-n", ns, "route", "add", "default", "via", hostIP)
	var ln net.Listener
	err := netns.Do("/var/run/netns/"+ns, func() error {
		var err error
		ln, err = net.Listen("tcp", nsIP+":8088")
		return err
	})
	if err != nil {
		t.Fatalf("listen in test host: %v", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "outside-ok from %s", r.RemoteAddr)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + nsIP + ":8088/"
}
