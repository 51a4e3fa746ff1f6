package gvisor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/gvisor"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
)

// testDir holds every bundle and runsc state this test binary creates, so
// TestMain can check that nothing is left behind.
var testDir = fmt.Sprintf("/run/agentcore-gvisor-test-%d", os.Getpid())

// testPrefix names this package's sessions, so the leftover check ignores
// sessions of other packages' tests running at the same time.
var testPrefix = fmt.Sprintf("gvt%d-", os.Getpid())

func TestMain(m *testing.M) {
	code := m.Run()
	if err := gvisor.New(gvisor.Options{Dir: testDir}).Close(); err != nil {
		fmt.Fprintln(os.Stderr, "driver close:", err)
		code = 1
	}
	if err := hostLeftovers(false); err != nil {
		fmt.Fprintln(os.Stderr, "host not clean after the tests:", err)
		code = 1
	}
	os.RemoveAll(testDir)
	os.Exit(code)
}

// hostLeftovers reports runsc processes, session dirs, mounts, cgroups and
// namespace files that outlived their sessions. With shared, the driver's
// shared dir (runsc's pinned null network namespace, kept until the
// driver's Close) is not a leftover.
func hostLeftovers(shared bool) error {
	var bad []string
	sharedDir := filepath.Join(testDir, "shared")
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, _ := os.ReadFile(p)
		if cmd := strings.ReplaceAll(string(b), "\x00", " "); strings.Contains(cmd, testDir) {
			bad = append(bad, "process: "+cmd)
		}
	}
	ents, _ := os.ReadDir(testDir)
	ents = slices.DeleteFunc(ents, func(e os.DirEntry) bool { return shared && e.Name() == "shared" })
	if len(ents) > 0 {
		bad = append(bad, fmt.Sprintf("session dirs: %v", ents))
	}
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	for _, l := range strings.Split(string(mounts), "\n") {
		if strings.Contains(l, testDir) && !(shared && strings.Contains(l, sharedDir+"/")) {
			bad = append(bad, "mount: "+l)
		}
	}
	cg, _ := filepath.Glob("/sys/fs/cgroup/*" + gvisor.CgroupParent + "/" + testPrefix + "*")
	bad = append(bad, cg...)
	ns, _ := filepath.Glob(filepath.Join(hostnet.NSDir, testPrefix+"*"))
	bad = append(bad, ns...)
	if len(bad) > 0 {
		return fmt.Errorf("%d leftovers:\n%s", len(bad), strings.Join(bad, "\n"))
	}
	return nil
}

// driver returns the driver, or skips with the exact reason it cannot run.
func driver(t testing.TB) *gvisor.Driver {
	t.Helper()
	d := gvisor.New(gvisor.Options{Dir: testDir, IDPrefix: testPrefix, Runsc: os.Getenv(gvisor.RunscEnv)})
	if err := d.Available(); err != nil {
		t.Skipf("gvisor driver not available: %v", err)
	}
	return d
}

// agentDir is the suite's agent directory, made enterable by the sandbox
// user (the agent runs as uid 65534; os.MkdirTemp creates it 0700).
func agentDir(t testing.TB) string {
	dir := sandboxtest.AgentDir(t)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func agentSpec(t testing.TB, id string) sandbox.Spec {
	return sandbox.Spec{ID: id, Command: []string{"agent"}, Dir: agentDir(t),
		Env: []string{"PATH=/usr/bin:/bin"}, Ports: []int{8080}, Network: "NONE"}
}

// start starts s and waits until the agent answers /ping.
func start(t testing.TB, d sandbox.Driver, s sandbox.Spec) sandbox.Instance {
	t.Helper()
	in, err := d.Start(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := in.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	if _, err := waitServing(in, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	return in
}

func client(in sandbox.Instance) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DisableKeepAlives: true,
		DialContext:       func(ctx context.Context, _, _ string) (net.Conn, error) { return in.Dial(ctx, 8080) },
	}}
}

// waitServing polls /ping until the agent answers; it returns how long it took.
func waitServing(in sandbox.Instance, timeout time.Duration) (time.Duration, error) {
	t0 := time.Now()
	c := client(in)
	c.Timeout = 2 * time.Second
	for {
		resp, err := c.Get("http://agent/ping")
		if err == nil {
			resp.Body.Close()
			return time.Since(t0), nil
		}
		select {
		case <-in.Done():
			return 0, fmt.Errorf("agent exited before serving: %v", in.Err())
		default:
		}
		if time.Since(t0) > timeout {
			return 0, fmt.Errorf("agent not serving after %v: %v", timeout, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// call GETs path with query args from the agent and decodes its JSON answer.
func call(t testing.TB, in sandbox.Instance, path string, args ...string) map[string]any {
	t.Helper()
	v := url.Values{}
	for i := 0; i+1 < len(args); i += 2 {
		v.Set(args[i], args[i+1])
	}
	resp, err := client(in).Get("http://agent" + path + "?" + v.Encode())
	if err != nil {
		return map[string]any{"transportErr": err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		m["raw"] = string(b)
	}
	return m
}

func sh(t testing.TB, in sandbox.Instance, cmd string) string {
	t.Helper()
	out, _ := call(t, in, "/exec", "cmd", cmd)["out"].(string)
	return out
}

func runscProcesses() int {
	out, _ := exec.Command("pgrep", "-f", testDir).Output()
	return len(strings.Fields(string(out)))
}
