package linuxns

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet/hostnettest"
	"github.com/agentcore-dev/agentcore/internal/sandbox/netns"
)

func TestProcessesInvisible(t *testing.T) {
	in := probe(t, driver(t), "ps", nil)
	call(t, in, "/spawn?n=2")
	var pids []int
	for _, name := range strings.Fields(call(t, in, "/ls?path=/proc")) {
		if pid, err := strconv.Atoi(name); err == nil {
			pids = append(pids, pid)
			cmd := call(t, in, fmt.Sprintf("/read?path=/proc/%d/cmdline", pid))
			if pid == 1 && !strings.Contains(cmd, "agentcore-linuxns-init") || pid != 1 && !strings.Contains(cmd, "probe") && !strings.Contains(cmd, "sleep") {
				t.Errorf("foreign process %d visible: %q", pid, cmd)
			}
		}
	}
	if len(pids) != 4 || pids[0] != 1 {
		t.Fatalf("pids in sandbox %v, want the init (1), the agent and its two children", pids)
	}
}

// serve answers every connection on l with reply.
func serve(l net.Listener, reply string) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		io.WriteString(c, reply)
		c.Close()
	}
}

func TestNetworkIsolation(t *testing.T) {
	d := driver(t)
	// The platform's own loopback services.
	host, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	go serve(host, "host-loopback")
	anyHost, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer anyHost.Close()
	go serve(anyHost, "host-any")

	a := probe(t, d, "net-a", func(s *sandbox.Spec) { s.Network = "PUBLIC" })
	b := probe(t, d, "net-b", func(s *sandbox.Spec) { s.Network = "PUBLIC" })
	none := probe(t, d, "net-none", nil)
	gw := a.net.Addr().To4()
	gateway := net.IPv4(gw[0], gw[1], gw[2], gw[3]-1).String()
	anyPort := strconv.Itoa(anyHost.Addr().(*net.TCPAddr).Port)
	for _, in := range []*instance{a, none} {
		for _, addr := range []string{
			host.Addr().String(),                            // host loopback service
			"127.0.0.1:" + anyPort,                          // host service on all addresses
			net.JoinHostPort(gateway, anyPort),              // ... through the session's gateway
			net.JoinHostPort(b.net.Addr().String(), "8080"), // another session's agent
		} {
			if got := call(t, in, "/dial?addr="+addr); strings.HasPrefix(got, "ok") {
				t.Errorf("%s reached %s: %q", in.spec.ID, addr, got)
			}
		}
	}
}

func TestEgress(t *testing.T) {
	d := driver(t)
	out := hostnettest.Outside(t, "ns-test-outside", "10.232.9.0")
	var l net.Listener
	if err := netns.Do(out.Path, func() (err error) { l, err = net.Listen("tcp", out.Addr+":80"); return }); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go serve(l, "hello from outside")
	addr := out.Addr + ":80"
	pub := probe(t, d, "egress-public", func(s *sandbox.Spec) { s.Network = "PUBLIC" })
	if got := call(t, pub, "/dial?addr="+addr); got != "ok hello from outside" {
		t.Fatalf("PUBLIC egress: %q", got)
	}
	none := probe(t, d, "egress-none", nil)
	if got := call(t, none, "/dial?addr="+addr); !strings.Contains(got, "network is unreachable") {
		t.Fatalf("NONE egress: %q", got)
	}
}

func TestMemoryHog(t *testing.T) {
	d := driver(t)
	lim := func(s *sandbox.Spec) { s.Limits.MemoryBytes = 64 << 20 }
	hog := probe(t, d, "hog", lim)
	calm := probe(t, d, "calm", lim)
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return hog.Dial(ctx, 8080) }}}
	if resp, err := c.Get("http://agent/alloc?mb=256"); err == nil { // it should die mid-request
		resp.Body.Close()
	}
	select {
	case <-hog.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("memory hog not killed")
	}
	if err := hog.Err(); err == nil || !strings.Contains(err.Error(), "out of memory") {
		t.Fatalf("hog Err() = %v", err)
	}
	if got := call(t, calm, "/ping"); got != "ok" {
		t.Fatalf("neighbour: %q", got)
	}
}

func TestForkBomb(t *testing.T) {
	d := driver(t)
	calm := probe(t, d, "calm2", nil)
	bomb, err := d.Start(context.Background(), sandbox.Spec{
		ID: "forkbomb", Command: []string{"/bin/sh", "-c", "while :; do sleep 100 & done"},
		Limits: sandbox.Limits{Pids: 32},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bomb.Stop(context.Background()) })
	cg := bomb.(*instance).Cgroup()
	peak, denied := 0, 0
	for i := 0; i < 100 && (i < 20 || denied == 0); i++ {
		st, err := cg.Stats()
		if err != nil {
			t.Fatal(err)
		}
		peak, denied = max(peak, st.Pids), st.PidsDenied
		time.Sleep(10 * time.Millisecond)
	}
	if peak > 32 || denied == 0 {
		t.Fatalf("peak pids %d, %d forks denied, with limit 32", peak, denied)
	}
	if got := call(t, calm, "/ping"); got != "ok" {
		t.Fatalf("neighbour: %q", got)
	}
	t0 := time.Now()
	if err := bomb.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if time.Since(t0) > 3*time.Second {
		t.Fatalf("stopping the fork bomb took %v", time.Since(t0))
	}
}
