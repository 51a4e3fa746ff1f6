package linuxns

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/cgroups"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
)

// testTag marks this test binary's sessions (see Options.NameTag), so the
// leak check ignores sessions other packages' tests run at the same time.
var testTag = fmt.Sprintf("t%d_", os.Getpid())

func TestMain(m *testing.M) {
	if dir := os.Getenv("_LINUXNS_TEST_CRASH"); dir != "" {
		// Helper for TestCleanupAfterCrash: start a session, then die.
		in, err := New(Options{}).Start(context.Background(), sandbox.Spec{ID: "crash", Command: []string{"probe"}, Dir: dir, Network: "PUBLIC"})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Print(in.(*instance).name)
		os.Exit(0)
	}
	code := m.Run()
	if New(Options{}).Available() == nil {
		if err := hostLeaks(); err != nil {
			fmt.Fprintln(os.Stderr, "host not clean after tests:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// hostLeaks looks for anything of this package's sessions (host-side names
// start with "ns-") left on the host: mounts, cgroups, namespace files,
// session dirs, processes.
func hostLeaks() error {
	var leaks []string
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mi), "\n") {
		if strings.Contains(line, "/ns-"+testTag) && strings.Contains(line, "agentcore") {
			leaks = append(leaks, "mount: "+line)
		}
	}
	globs := []string{
		filepath.Join(hostnet.NSDir, "ns-"+testTag+"*"),
		filepath.Join(hostnet.LockDir, "ns-"+testTag+"*"),
		filepath.Join(New(Options{}).o.StateDir, "ns-"+testTag+"*"),
		filepath.Join("/sys/fs/cgroup/*", cgroups.Base, "ns-"+testTag+"*"),
		filepath.Join("/sys/fs/cgroup", cgroups.Base, "ns-"+testTag+"*"),
	}
	for _, g := range globs {
		m, _ := filepath.Glob(g)
		leaks = append(leaks, m...)
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cgroup")
	for _, p := range procs {
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), cgroups.Base+"/ns-"+testTag) {
			leaks = append(leaks, "process "+filepath.Dir(p))
		}
	}
	if len(leaks) > 0 {
		return fmt.Errorf("%s", strings.Join(leaks, "\n"))
	}
	return nil
}

func driver(t testing.TB) *Driver {
	t.Helper()
	// PREPARED=n runs the tests on sandboxes a pool prepared.
	prepared, _ := strconv.Atoi(os.Getenv("PREPARED"))
	d := New(Options{NameTag: testTag, NoUserNS: os.Getenv("NOUSERNS") != "", Prepared: prepared})
	if err := d.Available(); err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { d.pool.close() })
	return d
}

func TestConformance(t *testing.T) {
	sandboxtest.Run(t, driver(t))
}

func TestRegistered(t *testing.T) {
	d, err := sandbox.New("linuxns", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := d.Capabilities(); c != (sandbox.Capabilities{Isolation: "namespaces", Isolated: true, FixedPorts: true}) {
		t.Fatalf("capabilities %+v", c)
	}
	if !d.(sandbox.ImageDriver).SupportsImages() {
		t.Fatal("SupportsImages false")
	}
	if _, err := sandbox.New("linuxns", map[string]string{"bogus": "1"}); err == nil {
		t.Fatal("unknown option accepted")
	}
}

func TestLimitsApplied(t *testing.T) {
	d := driver(t)
	want := sandbox.Limits{MemoryBytes: 256 << 20, CPUMillis: 500, Pids: 64}
	in := probe(t, d, "limits", func(s *sandbox.Spec) { s.Limits = want })
	got, err := in.Cgroup().Limits()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("limits in force %+v, want %+v", got, want)
	}
	in2 := probe(t, d, "defaults", nil)
	if got, _ := in2.Cgroup().Limits(); got != (sandbox.Limits{}).WithDefaults() {
		t.Fatalf("default limits %+v", got)
	}
}

func TestPrivileges(t *testing.T) {
	d := driver(t)
	in := probe(t, d, "privs", nil)
	// Root only of its own user namespace (TestUserNamespace), else never.
	if id := call(t, in, "/id"); d.UserNS() && id != "0 0" || !d.UserNS() && (strings.HasPrefix(id, "0 ") || strings.HasSuffix(id, " 0")) {
		t.Fatalf("agent runs as uid/gid %s", id)
	}
	status := call(t, in, "/read?path=/proc/self/status")
	for _, want := range []string{"CapInh:\t0000000000000000", "CapPrm:\t0000000000000000", "CapEff:\t0000000000000000",
		"CapBnd:\t0000000000000000", "CapAmb:\t0000000000000000", "NoNewPrivs:\t1", "Seccomp:\t2"} {
		if !strings.Contains(status, want) {
			t.Errorf("/proc/self/status lacks %q:\n%s", want, status)
		}
	}
	for _, name := range []string{"setuid0", "setuid1"} {
		if got := call(t, in, "/syscall?name="+name); got != "operation not permitted" && !(d.UserNS() && name == "setuid0" && got == "<nil>") {
			t.Errorf("%s: %s", name, got)
		}
	}
	if got := call(t, in, "/hostname"); got != "privs" {
		t.Errorf("hostname %q", got)
	}
}

func TestSeccomp(t *testing.T) {
	in := probe(t, driver(t), "seccomp", nil)
	for _, name := range []string{"mount", "ptrace", "unshare", "clone-newuser"} {
		if got := call(t, in, "/syscall?name="+name); !strings.HasSuffix(got, "operation not permitted") {
			t.Errorf("%s: %s, want EPERM", name, got)
		}
	}
}

func TestFilesystem(t *testing.T) {
	d := driver(t)
	// A data dir with a secret next to the bundle the agent runs from.
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "secret.db"), []byte("s3cret"), 0o644); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(data, "bundle")
	if err := os.CopyFS(bundle, os.DirFS(probeAgentDir(t))); err != nil {
		t.Fatal(err)
	}
	in := probe(t, d, "fs", func(s *sandbox.Spec) { s.Dir = bundle })
	if got := call(t, in, "/read?path="+filepath.Join(data, "secret.db")); !strings.HasPrefix(got, "err ") {
		t.Fatalf("data dir visible: %q", got)
	}
	if got := call(t, in, "/ls?path="+data); !strings.HasPrefix(got, "err ") {
		t.Fatalf("data dir listing: %q", got)
	}
	if got := call(t, in, "/ls?path="+sandbox.BundlePath); !strings.Contains(got, "probe") {
		t.Fatalf("bundle at %s: %q", sandbox.BundlePath, got)
	}
	for _, p := range []string{"/usr/agentcore-test", "/etc/agentcore-test", "/agentcore-test", "/dev/agentcore-test", "/proc/agentcore-test"} {
		if got := call(t, in, "/write?data=x&path="+p); !strings.HasPrefix(got, "err ") {
			t.Errorf("wrote %s", p)
		}
	}
	if got := call(t, in, "/ls?path=/run"); !strings.HasPrefix(got, "err ") {
		t.Errorf("/run visible: %q", got)
	}
	for _, p := range []string{"/tmp/scratch", filepath.Join(sandbox.BundlePath, "written")} {
		if got := call(t, in, "/write?data=x&path="+p); got != "ok" {
			t.Fatalf("write %s: %s", p, got)
		}
	}
	if _, err := os.Stat(filepath.Join(bundle, "written")); !os.IsNotExist(err) {
		t.Fatalf("a write in Dir reached the host: %v", err)
	}
	if err := in.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(in.dir); !os.IsNotExist(err) {
		t.Fatalf("session dir %s left: %v", in.dir, err)
	}
	again := probe(t, d, "fs2", func(s *sandbox.Spec) { s.Dir = bundle })
	for _, p := range []string{"/tmp/scratch", filepath.Join(sandbox.BundlePath, "written")} {
		if got := call(t, again, "/read?path="+p); !strings.HasPrefix(got, "err ") {
			t.Errorf("%s survived the session: %q", p, got)
		}
	}
}

func TestBadInput(t *testing.T) {
	d := driver(t)
	dir := probeAgentDir(t)
	base := sandbox.Spec{ID: "bad", Command: []string{"probe"}, Dir: dir, Ports: []int{8080}}
	for name, tc := range map[string]struct {
		tweak func(*sandbox.Spec)
		want  string
	}{
		"missing command": {func(s *sandbox.Spec) { s.Command = []string{"no-such-agent"} }, "not found"},
		"missing path":    {func(s *sandbox.Spec) { s.Command = []string{"/nonexistent/agent"} }, "no such file"},
		"not executable":  {func(s *sandbox.Spec) { s.Command = []string{"/etc/passwd"} }, "not an executable"},
		"bad workdir":     {func(s *sandbox.Spec) { s.WorkDir = "/nonexistent" }, "working directory"},
		"empty command":   {func(s *sandbox.Spec) { s.Command = nil }, "empty command"},
		"memory too low":  {func(s *sandbox.Spec) { s.Limits.MemoryBytes = 1 << 20 }, "memory limit"},
		"negative cpu":    {func(s *sandbox.Spec) { s.Limits.CPUMillis = -1 }, "CPU limit"},
		"pids too high":   {func(s *sandbox.Spec) { s.Limits.Pids = 1 << 30 }, "pids limit"},
		"network mode":    {func(s *sandbox.Spec) { s.Network = "VPC" }, "network mode"},
		"missing dir":     {func(s *sandbox.Spec) { s.Dir = "/nonexistent" }, "no such file"},
		"missing rootfs":  {func(s *sandbox.Spec) { s.RootFS = "/nonexistent" }, "no such file"},
	} {
		t.Run(name, func(t *testing.T) {
			s := base
			tc.tweak(&s)
			t0 := time.Now()
			in, err := d.Start(context.Background(), s)
			if err == nil {
				in.Stop(context.Background())
				t.Fatal("Start succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err, tc.want)
			}
			if time.Since(t0) > 2*time.Second {
				t.Fatalf("took %v", time.Since(t0))
			}
		})
	}
	t.Run("exits at once", func(t *testing.T) {
		s := base
		s.Command = []string{"/bin/sh", "-c", "echo boom >&2; exit 3"}
		in, err := d.Start(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		defer in.Stop(context.Background())
		select {
		case <-in.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("exit not detected")
		}
		if err := in.Err(); err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "boom") {
			t.Fatalf("Err() = %v", err)
		}
	})
}

func TestCleanupAfterCrash(t *testing.T) {
	d := driver(t)
	live := probe(t, d, "live", func(s *sandbox.Spec) { s.Network = "PUBLIC" })
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "_LINUXNS_TEST_CRASH="+probeAgentDir(t))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	name := string(out)
	left := []string{filepath.Join(hostnet.NSDir, name), filepath.Join(d.o.StateDir, name)}
	cgs, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*", cgroups.Base, name))
	v2, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", cgroups.Base, name))
	left = append(append(left, cgs...), v2...)
	for _, p := range left {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("the crashed server left no %s to clean: %v", p, err)
		}
	}
	// The agent died with its server (parent-death signal); once its cgroup
	// is empty everything can go.
	gone := func() bool {
		for _, p := range left {
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				return false
			}
		}
		return true
	}
	for deadline := time.Now().Add(5 * time.Second); !gone() && time.Now().Before(deadline); {
		if err := Cleanup(""); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, p := range left {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("Cleanup left %s: %v", p, err)
		}
	}
	if got := call(t, live, "/ping"); got != "ok" {
		t.Fatalf("Cleanup broke a live session: %q", got)
	}
}

func TestImageRootFS(t *testing.T) {
	d := driver(t)
	rootfs := t.TempDir()
	if err := os.CopyFS(filepath.Join(rootfs, "app"), os.DirFS(probeAgentDir(t))); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755)
	os.WriteFile(filepath.Join(rootfs, "etc", "image-release"), []byte("test-image"), 0o644)
	in := probe(t, d, "image", func(s *sandbox.Spec) {
		s.RootFS, s.Dir, s.Command = rootfs, "", []string{"/app/probe"}
	})
	if got := call(t, in, "/ls?path=/"); got != "app dev etc proc tmp" {
		t.Fatalf("image root: %q", got)
	}
	if got := call(t, in, "/read?path=/etc/image-release"); got != "test-image" {
		t.Fatalf("image file: %q", got)
	}
	if got := call(t, in, "/write?data=x&path=/tmp/x"); got != "ok" {
		t.Fatalf("/tmp: %q", got)
	}
	in.Stop(context.Background())
	if ents, _ := os.ReadDir(rootfs); len(ents) != 2 {
		t.Fatalf("image modified: %v", ents)
	}
}

// TestAttacks runs the shared isolation attack suite (the same one the gvisor
// driver runs).
func TestAttacks(t *testing.T) {
	sandboxtest.RunAttacks(t, driver(t))
}
