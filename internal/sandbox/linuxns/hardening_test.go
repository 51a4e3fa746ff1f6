package linuxns

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
)

// TestBundleAtNeutralPath (issue 20 point 11): the bundle is at
// sandbox.BundlePath, the agent's working directory and command resolve
// there, paths in its environment are rewritten, a relocated host
// directory (Spec.Mounts) is at its target, and neither the host data dir
// nor the driver's state dir shows anywhere, /proc/self/mountinfo included.
func TestBundleAtNeutralPath(t *testing.T) {
	d := driver(t)
	data := t.TempDir()
	bundle := filepath.Join(data, "bundles", "rt", "1")
	if err := os.CopyFS(bundle, os.DirFS(probeAgentDir(t))); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(data, "codeinterpreter", "env", "site-packages")
	os.MkdirAll(lib, 0o755)
	os.WriteFile(filepath.Join(lib, "mod.py"), []byte("x = 1\n"), 0o644)
	in := probe(t, d, "neutral", func(s *sandbox.Spec) {
		s.Dir, s.WorkDir = bundle, bundle
		s.Command = []string{filepath.Join(bundle, "probe")}
		s.Env = []string{"PYTHONPATH=" + bundle + "/.deps:" + lib}
		s.Mounts = []sandbox.Mount{{Source: lib, Target: "/opt/agentcore/lib/0"}}
	})
	for _, p := range []string{data, bundle, filepath.Dir(data)} {
		if got := call(t, in, "/ls?path="+p); !strings.HasPrefix(got, "err ") {
			t.Errorf("host path %s visible inside: %q", p, got)
		}
	}
	if got := call(t, in, "/ls?path=."); !strings.Contains(got, "probe") {
		t.Errorf("working directory: %q", got)
	}
	if got := call(t, in, "/read?path=/proc/self/cmdline"); !strings.HasPrefix(got, sandbox.BundlePath+"/probe") {
		t.Errorf("command %q", got)
	}
	if got := call(t, in, "/read?path=/proc/self/environ"); !strings.Contains(got, "PYTHONPATH="+sandbox.BundlePath+"/.deps:/opt/agentcore/lib/0") {
		t.Errorf("environment not rewritten: %q", got)
	}
	if got := call(t, in, "/read?path=/opt/agentcore/lib/0/mod.py"); got != "x = 1" {
		t.Errorf("relocated mount: %q", got)
	}
	if got := call(t, in, "/write?data=x&path=/opt/agentcore/lib/0/new"); !strings.HasPrefix(got, "err ") {
		t.Errorf("relocated mount writable: %q", got)
	}
	mi := call(t, in, "/read?path=/proc/self/mountinfo")
	for _, leak := range []string{data, d.o.StateDir, in.name} {
		if strings.Contains(mi, leak) {
			t.Errorf("mountinfo mentions %s:\n%s", leak, mi)
		}
	}
}

// TestUserNamespace (issue 20 point 13a): the agent is root of its own user
// namespace, whose ids map to a range of unprivileged host ids that no other
// session holds; it has no capability there either, and the host sees it
// as the range's first uid.
func TestUserNamespace(t *testing.T) {
	d := driver(t)
	if !d.UserNS() {
		t.Skipf("no user namespaces here (%v)", userNSAvailable())
	}
	a := probe(t, d, "userns-a", nil)
	b := probe(t, d, "userns-b", nil)
	for _, in := range []*instance{a, b} {
		if in.uid < 1<<24 || in.uid%idRange != 0 {
			t.Fatalf("host id base %d", in.uid)
		}
		want := fmt.Sprintf("0 %d %d", in.uid, idRange)
		for _, f := range []string{"uid_map", "gid_map"} {
			if got := strings.Join(strings.Fields(call(t, in, "/read?path=/proc/self/"+f)), " "); got != want {
				t.Errorf("/proc/self/%s = %q, want %q", f, got, want)
			}
		}
		if got := call(t, in, "/read?path=/proc/self/setgroups"); got != "deny" {
			t.Errorf("setgroups %q", got)
		}
		if got := call(t, in, "/id"); got != "0 0" {
			t.Errorf("ids inside %q", got)
		}
		if got := call(t, in, "/read?path=/proc/self/status"); !strings.Contains(got, "CapBnd:\t0000000000000000") || !strings.Contains(got, "CapEff:\t0000000000000000") {
			t.Errorf("capabilities inside the user namespace:\n%s", got)
		}
		// The host's view of the agent process.
		pid, err := in.agentPid()
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(st), fmt.Sprintf("\nUid:\t%d\t%d\t%d\t%d\n", in.uid, in.uid, in.uid, in.uid)) {
			t.Errorf("agent's host credentials:\n%s", st)
		}
		// Commands run with Exec are in the same user namespace, as root
		// without capabilities.
		got := execOut(t, in, "id -u; cat /proc/self/uid_map; grep -E '^Cap(Eff|Bnd)' /proc/self/status")
		if f := strings.Fields(got); strings.Join(f, " ") != "0 "+want+" CapEff: 0000000000000000 CapBnd: 0000000000000000" {
			t.Errorf("exec'd command: %q", got)
		}
	}
	if a.uid == b.uid {
		t.Fatalf("two sessions share host ids %d", a.uid)
	}
	// Writing the bundle works: the session's layer belongs to the agent's root.
	if got := call(t, a, "/write?data=x&path="+sandbox.BundlePath+"/new"); got != "ok" {
		t.Fatalf("write the bundle: %s", got)
	}
}

// TestReaperIsPID1 (issue 20 point 13d): PID 1 of the session is the
// driver's init, not the agent; orphans the agent leaves are reaped (no
// zombie piles up), and SIGTERM on Stop reaches the agent, whose exit
// status is observed.
func TestReaperIsPID1(t *testing.T) {
	d := driver(t)
	// The agent orphans ten children that exit at once (the subshells
	// exit before their sleeps end), then counts zombies (the least of a
	// few looks: one may just have died) and notes PID 1's command for the
	// test, and exits 7 on SIGTERM. Without a reaper the ten would stay.
	script := `trap 'echo got-term >/tmp/term; exit 7' TERM
for i in 1 2 3 4 5 6 7 8 9 10; do ( sleep 0.05 & ) ; done
sleep 0.5
min=99; for try in 1 2 3 4 5; do
  z=0; for s in /proc/[0-9]*/stat; do read -r line <"$s" 2>/dev/null || continue; case "${line##*) }" in Z*) z=$((z+1));; esac; done
  [ $z -lt $min ] && min=$z; sleep 0.02
done
echo "zombies=$min pid1=$(tr '\0' ' ' </proc/1/cmdline) self=$$" >/tmp/report
while :; do sleep 0.05; done`
	in, err := d.Start(context.Background(), sandbox.Spec{ID: "reaper", Command: []string{"/bin/sh", "-c", script}})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Stop(context.Background())
	ins := in.(*instance)
	var report string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if report = execOut(t, ins, "cat /tmp/report 2>/dev/null"); report != "" {
			break
		}
	}
	if !strings.HasPrefix(report, "zombies=0 pid1=/proc/self/exe agentcore-linuxns-init ") || strings.HasSuffix(report, " self=1") {
		t.Fatalf("report %q: want no zombies, the init as PID 1 and the agent not", report)
	}
	t0 := time.Now()
	if err := in.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(t0); el > time.Second {
		t.Fatalf("Stop took %v: SIGTERM did not reach the agent", el)
	}
	if err := in.Err(); err == nil || !strings.Contains(err.Error(), "exit status 7") {
		t.Fatalf("Err() = %v, want the agent's exit status 7 (its TERM trap)", err)
	}
}

// execOut runs a shell line in the session and returns its trimmed output.
func execOut(t *testing.T, in *instance, line string) string {
	t.Helper()
	var out, errb sandboxtest.SyncBuffer
	p, err := in.Exec(context.Background(), sandbox.ExecSpec{Argv: []string{"/bin/sh", "-c", line}, Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Wait(); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out.String())
}

// TestSessionResolvConf (issue 20 point 13c): a session never sees the
// host's /etc/resolv.conf: PUBLIC ones get a generated file with the
// host's reachable nameservers only, NONE ones one without nameservers,
// and an image's own file is replaced too.
func TestSessionResolvConf(t *testing.T) {
	d := driver(t)
	host, _ := os.ReadFile("/etc/resolv.conf")
	const marker = "# Generated by agentcore for this session."
	pub := probe(t, d, "resolv-pub", func(s *sandbox.Spec) { s.Network = "PUBLIC" })
	got := call(t, pub, "/read?path=/etc/resolv.conf")
	if want := strings.TrimSpace(hostnet.ResolvConf(true)); got != want || !strings.HasPrefix(got, marker) {
		t.Fatalf("PUBLIC resolv.conf %q, want %q", got, want)
	}
	if strings.TrimSpace(string(host)) == got {
		t.Fatal("the host's resolv.conf is visible")
	}
	if strings.Contains(got, "search") || strings.Contains(got, "127.") {
		t.Fatalf("PUBLIC resolv.conf names the host's search domains or loopback resolver: %q", got)
	}
	if got := call(t, pub, "/write?data=x&path=/etc/resolv.conf"); !strings.HasPrefix(got, "err ") {
		t.Fatal("resolv.conf writable")
	}
	none := probe(t, d, "resolv-none", nil)
	if got := call(t, none, "/read?path=/etc/resolv.conf"); !strings.HasPrefix(got, marker) || strings.Contains(got, "nameserver") {
		t.Fatalf("NONE resolv.conf %q", got)
	}
	rootfs := t.TempDir()
	if err := os.CopyFS(filepath.Join(rootfs, "app"), os.DirFS(probeAgentDir(t))); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755)
	os.Symlink("/run/elsewhere/resolv.conf", filepath.Join(rootfs, "etc", "resolv.conf"))
	img := probe(t, d, "resolv-image", func(s *sandbox.Spec) { s.RootFS, s.Dir, s.Command = rootfs, "", []string{"/app/probe"} })
	if got := call(t, img, "/read?path=/etc/resolv.conf"); !strings.HasPrefix(got, marker) {
		t.Fatalf("image resolv.conf %q", got)
	}
	if l, err := os.Readlink(filepath.Join(rootfs, "etc", "resolv.conf")); err != nil || l != "/run/elsewhere/resolv.conf" {
		t.Fatalf("the image itself was changed: %q %v", l, err)
	}
}
