package testenv

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet/hostnettest"
	"github.com/agentcore-dev/agentcore/internal/sandbox/netns"
)

// OutsideHost starts an HTTP server on a test host (hostnettest.Outside: a
// network namespace the test creates, joined to the host by a veth).
// Sandboxes with PUBLIC egress reach it through NAT; nothing leaves the
// machine. It returns the server's URL; the handler answers "outside-ok" and
// the caller's address.
func OutsideHost(t testing.TB) string {
	t.Helper()
	return OutsideServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "outside-ok from %s", r.RemoteAddr)
	})) + "/"
}

// OutsideServe serves h on a test host as OutsideHost does and returns its
// base URL ("http://10.254.N.0:8088", no trailing slash).
func OutsideServe(t testing.TB, h http.Handler) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a test host network namespace")
	}
	n := time.Now().UnixNano()%200 + 20
	out := hostnettest.Outside(t, fmt.Sprintf("testenv-outside-%d", n), fmt.Sprintf("10.254.%d.0", n))
	ln, err := netns.Listen(t.Context(), out.Path, out.Addr+":8088")
	if err != nil {
		t.Fatalf("listen in test host: %v", err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + net.JoinHostPort(out.Addr, "8088")
}
