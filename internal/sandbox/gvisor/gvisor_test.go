package gvisor_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
)

func TestConformance(t *testing.T) {
	d := driver(t)
	agentDir(t)
	sandboxtest.Run(t, d)
}

func TestHostProcessesInvisible(t *testing.T) {
	in := start(t, driver(t), agentSpec(t, "procs"))
	// A shell glob reads /proc with getdents (the 2022 sentry rejects the
	// statx flags of Debian 12's ls).
	out := sh(t, in, "for p in /proc/[0-9]*; do echo $p; done")
	if n := len(strings.Fields(out)); n == 0 || n > 5 {
		t.Fatalf("sandbox sees %d processes: %q", n, out)
	}
	if cmd := sh(t, in, "cat /proc/1/cmdline"); !strings.Contains(cmd, "agent") {
		t.Fatalf("pid 1 in the sandbox is %q, not the agent", cmd)
	}
	if m := call(t, in, "/read", "path", "/proc/"+strconv.Itoa(os.Getpid())+"/cmdline"); strings.Contains(m["data"].(string), "gvisor.test") {
		t.Fatal("sandbox read the test process's cmdline")
	}
}

func TestHostLoopbackUnreachable(t *testing.T) {
	lo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lo.Close()
	for _, network := range []string{"NONE", "PUBLIC"} {
		s := agentSpec(t, "lo-"+network)
		s.Network = network
		in := start(t, driver(t), s)
		if m := call(t, in, "/dial", "addr", lo.Addr().String()); m["err"] == "" {
			t.Fatalf("%s sandbox reached the host's loopback listener %s", network, lo.Addr())
		}
		if m := call(t, in, "/dial", "addr", "127.0.0.1:8080"); m["err"] != "" {
			t.Fatalf("%s sandbox cannot reach its own agent: %v", network, m)
		}
	}
}

func TestUnprivileged(t *testing.T) {
	in := start(t, driver(t), agentSpec(t, "uid"))
	m := call(t, in, "/syscall", "name", "setuid")
	if m["uid"] != float64(65534) || m["err"] == "" {
		t.Fatalf("agent uid/setuid(0): %v", m)
	}
	for _, name := range []string{"mount", "unshare", "chroot"} {
		if m := call(t, in, "/syscall", "name", name); m["err"] == "" {
			t.Errorf("%s succeeded inside the sandbox", name)
		}
	}
}

func TestHostFilesReadOnly(t *testing.T) {
	dir := agentDir(t)
	in := start(t, driver(t), agentSpec(t, "files"))
	for _, p := range []string{filepath.Join(dir, "written"), "/usr/agentcore-gvisor-was-here", "/etc/agentcore-gvisor"} {
		if m := call(t, in, "/write", "path", p, "data", "x"); m["err"] == "" {
			t.Errorf("sandbox wrote %s", p)
		}
		if _, err := os.Stat(p); err == nil {
			os.Remove(p)
			t.Errorf("a sandbox write reached the host: %s", p)
		}
	}
	secret, err := os.MkdirTemp("/var/tmp", "agentcore-gvisor-data-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(secret)
	os.Chmod(secret, 0o755)
	os.WriteFile(filepath.Join(secret, "agentcore.db"), []byte("host-secret"), 0o644)
	if m := call(t, in, "/read", "path", filepath.Join(secret, "agentcore.db")); m["data"] == "host-secret" {
		t.Fatal("sandbox read a host file outside its root")
	}
	if m := call(t, in, "/write", "path", "/tmp/ok", "data", "x"); m["err"] != "" {
		t.Fatalf("sandbox cannot write its /tmp: %v", m)
	}
}

func TestTmpGoneAfterStop(t *testing.T) {
	d := driver(t)
	s := agentSpec(t, "wipe")
	first, err := d.Start(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := waitServing(first, 20*time.Second); err != nil {
		first.Stop(context.Background())
		t.Fatal(err)
	}
	call(t, first, "/write", "path", "/tmp/left-behind", "data", "x")
	if err := first.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := first.Stop(context.Background()); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	second := start(t, d, s)
	if m := call(t, second, "/read", "path", "/tmp/left-behind"); m["err"] == "" {
		t.Fatal("/tmp survived into the next session with the same id")
	}
}

func TestMemoryLimit(t *testing.T) {
	d := driver(t)
	bystander := start(t, d, agentSpec(t, "bystander"))
	s := agentSpec(t, "hog")
	s.Limits = sandbox.Limits{MemoryBytes: 128 << 20}
	hog := start(t, d, s)
	m := call(t, hog, "/hog", "mb", "600")
	if held, _ := m["held"].(float64); held >= 600 {
		t.Fatalf("memory hog held %v MB past a 128 MB limit", held)
	}
	select {
	case <-hog.Done():
		t.Logf("hog ended: %v", hog.Err())
	case <-time.After(20 * time.Second):
		t.Fatal("memory hog still running after exceeding its limit")
	}
	if m := call(t, bystander, "/env", "k", "PATH"); m["raw"] != "/usr/bin:/bin" {
		t.Fatalf("bystander stopped serving: %v", m)
	}
}

func TestBadInput(t *testing.T) {
	d := driver(t)
	bad := map[string]func(*sandbox.Spec){
		"not found":          func(s *sandbox.Spec) { s.Command = []string{"no-such-agent"} },
		"no such file":       func(s *sandbox.Spec) { s.Command = []string{"/nonexistent/agent"} },
		"not an executable":  func(s *sandbox.Spec) { s.Command = []string{"./main.go"} },
		"empty command":      func(s *sandbox.Spec) { s.Command = nil },
		"unknown network":    func(s *sandbox.Spec) { s.Network = "VPC" },
		"artifact dir":       func(s *sandbox.Spec) { s.Dir = "/nonexistent/dir" },
		"is not a directory": func(s *sandbox.Spec) { s.RootFS = "/etc/hostname" },
		"bad port":           func(s *sandbox.Spec) { s.Ports = []int{0} },
	}
	for want, mut := range bad {
		s := agentSpec(t, "bad")
		mut(&s)
		t0 := time.Now()
		in, err := d.Start(context.Background(), s)
		if err == nil {
			in.Stop(context.Background())
			t.Errorf("%s: Start succeeded", want)
			continue
		}
		if !strings.Contains(err.Error(), want) || time.Since(t0) > time.Second {
			t.Errorf("Start error %q after %v; want %q fast", err, time.Since(t0), want)
		}
	}
	if n := runscProcesses(); n != 0 {
		t.Fatalf("%d runsc processes after failed starts", n)
	}
}

func TestStoppedSessionLeavesNothing(t *testing.T) {
	d := driver(t)
	in := start(t, d, agentSpec(t, "clean"))
	if runscProcesses() == 0 {
		t.Fatal("no runsc process seen for a running session")
	}
	if err := in.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := hostLeftovers(true); err != nil {
		t.Fatal(err)
	}
}

func TestAttacks(t *testing.T) {
	// The suite's probes are Go code in the agent, so they work although
	// Debian 12's runsc (20221219) cannot run GNU ls/stat (statx with
	// AT_NO_AUTOMOUNT gives EINVAL).
	sandboxtest.RunAttacks(t, driver(t))
}
