package linuxns

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/cgroups"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
)

// TestPrepared starts sessions from prepared sandboxes: each gets its own
// limits, environment, hostname and network, and Close leaves nothing of
// the unused ones behind.
func TestPrepared(t *testing.T) {
	d := New(Options{NameTag: testTag, Prepared: 2})
	if err := d.Available(); err != nil {
		t.Skip(err)
	}
	dir := sandboxtest.AgentDir(t)
	spec := func(id string) sandbox.Spec {
		return sandbox.Spec{ID: id, Command: []string{"agent"}, Dir: dir, Ports: []int{8080}, Network: "PUBLIC",
			Env: []string{"GREETING=hi-" + id}, Limits: sandbox.Limits{MemoryBytes: 96 << 20, Pids: 64}}
	}
	first, err := d.Start(context.Background(), spec("first")) // no pool yet: prepared for this Start
	if err != nil {
		t.Fatal(err)
	}
	defer first.Stop(context.Background())
	if strings.Contains(first.(*instance).name, "prepared") {
		t.Fatal("the first session came from an empty pool")
	}
	waitPool(t, d, true, 2)
	for _, id := range []string{"second", "third"} {
		in, err := d.Start(context.Background(), spec(id))
		if err != nil {
			t.Fatal(err)
		}
		defer in.Stop(context.Background())
		if !strings.Contains(in.(*instance).name, "prepared") {
			t.Fatalf("%s: not from the pool (%s)", id, in.(*instance).name)
		}
		if err := waitReady(in, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		if got := agentGet(t, in, "/env?k=GREETING"); got != "hi-"+id {
			t.Fatalf("%s: GREETING = %q", id, got)
		}
		l, err := in.(*instance).Cgroup().Limits()
		if err != nil || l.MemoryBytes != 96<<20 || l.Pids != 64 {
			t.Fatalf("%s: limits %+v %v", id, l, err)
		}
	}
	waitPool(t, d, true, 2) // refilled
	var unused []string
	d.pool.mu.Lock()
	for _, b := range d.pool.ready[true] {
		unused = append(unused, b.name)
	}
	d.pool.mu.Unlock()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range unused {
		for _, g := range []string{filepath.Join(hostnet.NSDir, name), filepath.Join(d.o.StateDir, name),
			filepath.Join("/sys/fs/cgroup/*", cgroups.Base, name), filepath.Join("/sys/fs/cgroup", cgroups.Base, name)} {
			if m, _ := filepath.Glob(g); len(m) > 0 {
				t.Errorf("unused prepared sandbox left after Close: %v", m)
			}
		}
		if mi, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(mi), name) {
			t.Errorf("mount of unused prepared sandbox %s left after Close", name)
		}
	}
	in, err := d.Start(context.Background(), spec("after-close")) // prepared for the Start, as without a pool
	if err != nil {
		t.Fatalf("start after Close: %v", err)
	}
	in.Stop(context.Background())
	if b, done := d.pool.take(true); b != nil {
		t.Fatal("pool refilled after Close")
	} else {
		done()
	}
}

func waitPool(t *testing.T, d *Driver, public bool, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		d.pool.mu.Lock()
		have := len(d.pool.ready[public])
		d.pool.mu.Unlock()
		if have >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pool has %d prepared sandboxes after 30s, want %d", have, n)
		}
	}
}

func agentGet(t *testing.T, in sandbox.Instance, path string) string {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return in.Dial(ctx, 8080) }}}
	resp, err := c.Get("http://agent" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
