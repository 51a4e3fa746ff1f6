package sandboxtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// RunAttacks runs the isolation attack tests against an isolating driver:
// every attack must fail. Drivers that do not isolate are skipped.
func RunAttacks(t *testing.T, d sandbox.Driver) {
	if !d.Capabilities().Isolated {
		t.Skipf("driver %s does not isolate sessions", d.Name())
	}
	a := &attacker{t: t, d: d, dir: AgentDir(t)}
	t.Run("OtherSessionFiles", a.otherSessionFiles)
	t.Run("OtherSessionProcesses", a.otherSessionProcesses)
	t.Run("OtherSessionNetwork", a.otherSessionNetwork)
	t.Run("HostLoopbackServices", a.hostServices)
	t.Run("HostFiles", a.hostFiles)
	t.Run("EscapeSyscalls", a.escapeSyscalls)
	t.Run("SetuidBinary", a.setuidBinary)
	t.Run("ForkBomb", a.forkBomb)
	t.Run("MemoryHog", a.memoryHog)
	t.Run("TmpWipedAfterStop", a.tmpWiped)
}

type attacker struct {
	t   *testing.T
	d   sandbox.Driver
	dir string
}

func (a *attacker) start(t *testing.T, id, dir string, l sandbox.Limits) sandbox.Instance {
	t.Helper()
	in := start(t, a.d, sandbox.Spec{ID: id + fmt.Sprint(time.Now().UnixNano()%1e6), Command: []string{"agent"}, Dir: dir,
		Env: []string{"PATH=/usr/local/bin:/usr/bin:/bin"}, Ports: []int{8080}, Network: "PUBLIC", Limits: l})
	get(t, in, "/ping")
	return in
}

// call GETs path on the agent and decodes its JSON answer.
func call(t *testing.T, in sandbox.Instance, path string, args ...string) map[string]any {
	t.Helper()
	v := url.Values{}
	for i := 0; i+1 < len(args); i += 2 {
		v.Set(args[i], args[i+1])
	}
	c := client(in)
	c.Timeout = 30 * time.Second
	resp, err := c.Get("http://agent" + path + "?" + v.Encode())
	if err != nil {
		return map[string]any{"transportErr": err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := map[string]any{}
	json.Unmarshal(b, &m)
	return m
}

func sh(t *testing.T, in sandbox.Instance, cmd string) string {
	t.Helper()
	m := call(t, in, "/exec", "cmd", cmd)
	out, _ := m["out"].(string)
	return out
}

func (a *attacker) otherSessionFiles(t *testing.T) {
	victim := a.start(t, "victim", a.dir, sandbox.Limits{})
	thief := a.start(t, "thief", a.dir, sandbox.Limits{})
	call(t, victim, "/write", "path", "/tmp/secret-of-victim", "data", "s3cr3t")
	// Isolating drivers show the artifact dir at sandbox.BundlePath.
	call(t, victim, "/write", "path", path.Join(sandbox.BundlePath, "written-by-victim"), "data", "s3cr3t")
	if m := call(t, thief, "/read", "path", "/tmp/secret-of-victim"); m["data"] == "s3cr3t" {
		t.Fatal("thief read the victim's /tmp")
	}
	if m := call(t, thief, "/read", "path", path.Join(sandbox.BundlePath, "written-by-victim")); m["data"] == "s3cr3t" {
		t.Fatal("thief read a file the victim wrote into the shared artifact dir")
	}
	for _, pattern := range []string{"/proc/*/root/tmp/secret-of-victim", "/*/secret-of-victim", "/*/*/secret-of-victim", "/tmp/*/secret-of-victim"} {
		if m, _ := call(t, thief, "/glob", "pattern", pattern)["matches"].([]any); len(m) > 0 {
			t.Fatalf("thief found the victim's file: %v", m)
		}
	}
	if _, err := os.Stat(filepath.Join(a.dir, "written-by-victim")); err == nil {
		t.Fatal("a sandbox wrote into the host's artifact directory")
	}
}

func (a *attacker) otherSessionProcesses(t *testing.T) {
	victim := a.start(t, "victim", a.dir, sandbox.Limits{})
	thief := a.start(t, "thief", a.dir, sandbox.Limits{})
	m := call(t, thief, "/procs")
	if n, _ := m["count"].(float64); n == 0 || n > 10 {
		t.Fatalf("thief sees %v processes; a sandbox should see only its own few", m)
	}
	sh(t, thief, "kill -9 -1 2>/dev/null; true") // kill everything it can see
	time.Sleep(200 * time.Millisecond)
	if got := get(t, victim, "/ping"); !strings.Contains(got, "Healthy") {
		t.Fatalf("victim hurt by the thief's kill -1: %q", got)
	}
}

func (a *attacker) otherSessionNetwork(t *testing.T) {
	victim := a.start(t, "victim", a.dir, sandbox.Limits{})
	thief := a.start(t, "thief", a.dir, sandbox.Limits{})
	ips, _ := call(t, victim, "/ips")["ips"].([]any)
	for _, ip := range ips {
		addr := net.JoinHostPort(ip.(string), "8080")
		if m := call(t, thief, "/dial", "addr", addr); m["err"] == "" {
			t.Fatalf("thief connected to the victim's agent at %s", addr)
		}
	}
	if m := call(t, thief, "/dial", "addr", "127.0.0.1:8080"); m["err"] != "" {
		t.Fatalf("a sandbox cannot reach its own agent on loopback: %v", m)
	}
}

// gateway reads the sandbox's default gateway from /proc/net/route.
func gateway(t *testing.T, in sandbox.Instance) string {
	route, _ := call(t, in, "/read", "path", "/proc/net/route")["data"].(string)
	for _, line := range strings.Split(route, "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 2 && f[1] == "00000000" {
			v, err := strconv.ParseUint(f[2], 16, 32)
			if err == nil {
				return net.IPv4(byte(v), byte(v>>8), byte(v>>16), byte(v>>24)).String()
			}
		}
	}
	return ""
}

func (a *attacker) hostServices(t *testing.T) {
	lo, _ := net.Listen("tcp", "127.0.0.1:0") // stands for the API port and PostgreSQL
	defer lo.Close()
	all, _ := net.Listen("tcp", "0.0.0.0:0") // a service on every host address
	defer all.Close()
	thief := a.start(t, "thief", a.dir, sandbox.Limits{})
	if m := call(t, thief, "/dial", "addr", lo.Addr().String()); m["err"] == "" {
		t.Fatalf("sandbox reached the host loopback service %s", lo.Addr())
	}
	if gw := gateway(t, thief); gw != "" {
		addr := net.JoinHostPort(gw, strconv.Itoa(all.Addr().(*net.TCPAddr).Port))
		if m := call(t, thief, "/dial", "addr", addr); m["err"] == "" {
			t.Fatalf("sandbox reached a host service through its gateway %s", addr)
		}
	}
}

func (a *attacker) hostFiles(t *testing.T) {
	secretDir, err := os.MkdirTemp("/var/tmp", "agentcore-attack-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(secretDir)
	secret := filepath.Join(secretDir, "agentcore.db")
	os.WriteFile(secret, []byte("host-secret"), 0o644)
	thief := a.start(t, "thief", a.dir, sandbox.Limits{})
	for _, p := range []string{secret, "/proc/1/root" + secret, "/proc/self/root" + secret, "/etc/shadow"} {
		if m := call(t, thief, "/read", "path", p); m["err"] == "" {
			t.Errorf("sandbox read host file %s", p)
		}
	}
	if m := call(t, thief, "/write", "path", "/usr/agentcore-was-here", "data", "x"); m["err"] == "" {
		os.Remove("/usr/agentcore-was-here")
		t.Error("sandbox wrote into /usr")
	}
	if _, err := os.Stat("/usr/agentcore-was-here"); err == nil {
		os.Remove("/usr/agentcore-was-here")
		t.Error("a sandbox write reached the host's /usr")
	}
}

func (a *attacker) escapeSyscalls(t *testing.T) {
	thief := a.start(t, "thief", a.dir, sandbox.Limits{})
	for _, name := range []string{"mount", "unshare", "ptrace", "setuid", "chroot"} {
		m := call(t, thief, "/syscall", "name", name, "pid", "1")
		if m["err"] == "" {
			t.Errorf("%s succeeded inside the sandbox", name)
		}
		if m["uid"] == float64(0) && hostRoot(t, thief) {
			t.Errorf("agent runs as the host's uid 0")
		}
	}
}

// hostRoot reports whether uid 0 inside the sandbox is the host's root:
// true unless /proc/self/uid_map maps it elsewhere (an agent may be root of
// its own user namespace).
func hostRoot(t *testing.T, in sandbox.Instance) bool {
	m, _ := call(t, in, "/read", "path", "/proc/self/uid_map")["data"].(string)
	for _, line := range strings.Split(m, "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "0" {
			return f[1] == "0"
		}
	}
	return true
}

func (a *attacker) setuidBinary(t *testing.T) {
	dir, err := os.MkdirTemp("", "sandboxtest-suid")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	copyFile(t, filepath.Join(a.dir, "agent"), filepath.Join(dir, "agent"), 0o755)
	id, err := exec.LookPath("id")
	if err == nil {
		id, err = filepath.EvalSymlinks(id)
	}
	if err != nil {
		t.Skip("no id binary on the host")
	}
	copyFile(t, id, filepath.Join(dir, "suid-id"), 0o4755)
	os.Chmod(filepath.Join(dir, "suid-id"), 0o4755|os.ModeSetuid)
	thief := a.start(t, "suid", dir, sandbox.Limits{})
	out := strings.TrimSpace(sh(t, thief, path.Join(sandbox.BundlePath, "suid-id")+" -u"))
	if _, err := strconv.Atoi(out); err != nil {
		t.Fatalf("could not run the setuid binary in the sandbox: %q", out)
	}
	if own := strings.TrimSpace(sh(t, thief, "id -u")); out != own {
		t.Fatalf("a setuid-root binary changed the sandbox's uid from %s to %s", own, out)
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}

func (a *attacker) forkBomb(t *testing.T) {
	bystander := a.start(t, "bystander", a.dir, sandbox.Limits{})
	bomber := a.start(t, "bomber", a.dir, sandbox.Limits{Pids: 64})
	m := call(t, bomber, "/forkbomb", "n", "2000")
	if started, _ := m["started"].(float64); started >= 64 {
		t.Fatalf("fork bomb started %v processes past a pids limit of 64", started)
	}
	if got := get(t, bystander, "/ping"); !strings.Contains(got, "Healthy") {
		t.Fatalf("bystander stopped serving during the fork bomb: %q", got)
	}
	bomber.Stop(context.Background())
}

func (a *attacker) memoryHog(t *testing.T) {
	bystander := a.start(t, "bystander", a.dir, sandbox.Limits{})
	hog := a.start(t, "hog", a.dir, sandbox.Limits{MemoryBytes: 96 << 20})
	m := call(t, hog, "/hog", "mb", "400")
	if held, _ := m["held"].(float64); held >= 400 {
		t.Fatalf("memory hog held %v MB past a 96 MB limit", held)
	}
	select {
	case <-hog.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("memory hog still running after exceeding its limit")
	}
	if got := get(t, bystander, "/ping"); !strings.Contains(got, "Healthy") {
		t.Fatalf("bystander stopped serving: %q", got)
	}
}

func (a *attacker) tmpWiped(t *testing.T) {
	spec := sandbox.Spec{ID: "wipe-me", Command: []string{"agent"}, Dir: a.dir, Env: []string{"PATH=/usr/bin:/bin"}, Ports: []int{8080}}
	first := start(t, a.d, spec)
	get(t, first, "/ping")
	call(t, first, "/write", "path", "/tmp/left-behind", "data", "x")
	if err := first.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	second := start(t, a.d, spec)
	get(t, second, "/ping")
	if m := call(t, second, "/read", "path", "/tmp/left-behind"); m["err"] == "" {
		t.Fatal("a file left in /tmp survived into the next environment with the same id")
	}
}
