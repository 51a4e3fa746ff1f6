package api_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/agentcore-dev/agentcore/internal/testenv/pywheel"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestCodeInterpreterIsolation shows, under the linuxns and gvisor drivers, that two
// sessions share no files, processes or variables; that SANDBOX sessions
// have no network but loopback (no other interface, no route, and a server
// on a test host in a network namespace the test made is unreachable);
// that PUBLIC sessions reach that test host (pip installs from a package
// index served there) but neither the host's loopback nor the server's data
// directory; and that a session's files are gone after stop.
func TestCodeInterpreterIsolation(t *testing.T) {
	for _, driver := range []string{"linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) { testIsolation(t, driver) })
	}
}

func testIsolation(t *testing.T, driver string) {
	testenv.RequireImageDriver(t, driver) // skips with the reason
	cfg := testenv.Fast()
	cfg.Sandbox = driver
	cfg.Limits = sandbox.Limits{MemoryBytes: 1 << 30} // and the default 512 processes
	cfg.CodeInterpreterTimeout = 20 * time.Second
	e := testenv.Start(t, cfg)
	d := e.Data
	py := types.ProgrammingLanguagePython
	run := func(interp, sid, code string) string {
		t.Helper()
		res, out := ciRun(t, d, interp, sid, py, code, false)
		if aws.ToBool(res.IsError) {
			t.Fatalf("python %q failed: %s", code, ciText(res))
		}
		return strings.TrimSpace(out)
	}
	sh := func(interp, sid, cmd string) string {
		t.Helper()
		res := ciMust(t, d, interp, sid, types.ToolNameExecuteCommand, &types.ToolArguments{Command: aws.String(cmd)})
		return strings.TrimSpace(aws.ToString(res.StructuredContent.Stdout))
	}
	a := ciStartSession(t, d, builtinCI, 0)
	b := ciStartSession(t, d, builtinCI, 0)
	marker := fmt.Sprintf("marker-%d.txt", time.Now().UnixNano())

	t.Run("files", func(t *testing.T) {
		ciMust(t, d, builtinCI, a, types.ToolNameWriteFiles, &types.ToolArguments{Content: []types.InputContentBlock{
			{Path: aws.String(marker), Text: aws.String("only in a")}}})
		if got := run(builtinCI, a, "open("+pyq(marker)+").read()"); got != "'only in a'" {
			t.Fatalf("a reads its own file: %q", got)
		}
		if res := ciMust(t, d, builtinCI, b, types.ToolNameReadFiles, &types.ToolArguments{Paths: []string{marker}}); !aws.ToBool(res.IsError) {
			t.Fatalf("b read a's file: %+v", res.Content)
		}
		if out := sh(builtinCI, b, "find / -xdev -name "+marker+" 2>/dev/null; find /tmp -name "+marker+" 2>/dev/null"); out != "" {
			t.Fatalf("b sees a's file: %q", out)
		}
	})
	t.Run("variables", func(t *testing.T) {
		run(builtinCI, a, "secret_var = 41 + 1")
		if got := run(builtinCI, a, "secret_var"); got != "42" {
			t.Fatalf("a's variable: %q", got)
		}
		res, _ := ciRun(t, d, builtinCI, b, py, "secret_var", false)
		if !aws.ToBool(res.IsError) || !strings.Contains(aws.ToString(res.StructuredContent.Stderr), "NameError") {
			t.Fatalf("b sees a's variable: %s", ciText(res))
		}
	})
	t.Run("processes", func(t *testing.T) {
		ciMust(t, d, builtinCI, a, types.ToolNameStartCommandExecution, &types.ToolArguments{Command: aws.String("exec sleep 4242")})
		ps := "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done"
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(sh(builtinCI, a, ps), "sleep 4242") {
			if time.Now().After(deadline) {
				t.Fatal("a does not see its own task")
			}
			time.Sleep(50 * time.Millisecond)
		}
		if out := sh(builtinCI, b, ps); strings.Contains(out, "4242") {
			t.Fatalf("b sees a's process: %q", out)
		}
	})
	t.Run("sandbox-network", func(t *testing.T) {
		if got := run(builtinCI, a, "import socket; sorted(n for _, n in socket.if_nameindex())"); got != "['lo']" {
			t.Fatalf("SANDBOX interfaces: %s", got)
		}
		if got := run(builtinCI, a, "open('/proc/net/route').read().splitlines()[1:]"); got != "[]" {
			t.Fatalf("SANDBOX routes: %s", got)
		}
		outside := testenv.OutsideHost(t) // skips without root
		if got := run(builtinCI, a, fetchProbe(outside)); strings.HasPrefix(got, "ok") || !strings.Contains(got, "unreachable") {
			t.Fatalf("SANDBOX and the test host %s: %s", outside, got)
		}
	})
	t.Run("public", func(t *testing.T) {
		index := outsideIndex(t) // skips without root
		pub := ciCreate(t, e.Control, "iso_public", ctltypes.CodeInterpreterNetworkModePublic)
		p := ciStartSession(t, d, pub, 0)
		if got := run(pub, p, fetchProbe(index+"/simple/")); !strings.HasPrefix(got, "ok") {
			t.Fatalf("PUBLIC egress to the test host: %s", got)
		}
		// pip from inside the session, over the network, from the index on
		// the test host; the package imports at once.
		res := ciMust(t, d, pub, p, types.ToolNameExecuteCommand, &types.ToolArguments{Command: aws.String(
			"pip install --index-url " + index + "/simple/ --trusted-host " + strings.Split(strings.TrimPrefix(index, "http://"), ":")[0] + " isodemo")})
		if aws.ToInt32(res.StructuredContent.ExitCode) != 0 {
			t.Fatalf("pip install in a PUBLIC session: %s", ciText(res))
		}
		if got := run(pub, p, "import isodemo; isodemo.VALUE"); got != "'installed over the network'" {
			t.Fatalf("import after pip install: %q", got)
		}
		// The server's port on the host's loopback, and on the session's
		// default gateway (the host's side of its veth).
		_, port, _ := net.SplitHostPort(strings.TrimPrefix(e.URL, "http://"))
		gw := run(pub, p, "import socket, struct\nr = [l.split() for l in open('/proc/net/route').read().splitlines()[1:] if l.split()[1] == '00000000']\nprint(socket.inet_ntoa(struct.pack('<L', int(r[0][2], 16))) if r else '')")
		for _, addr := range []string{"127.0.0.1:" + port, net.JoinHostPort(gw, port)} {
			if got := run(pub, p, fetchProbe("http://"+addr+"/_agentcore/health")); strings.HasPrefix(got, "ok") {
				t.Fatalf("PUBLIC reached the host's %s: %s", addr, got)
			}
		}
		// Of the server's data directory the session sees only the kernel's
		// own files (read-only, at the path the server installed them):
		// no database, artifacts, logs or other sessions' directories.
		seen := run(pub, p, "import os\nfor r, ds, fs in os.walk("+pyq(e.DataDir)+"):\n    for f in fs: print(os.path.relpath(os.path.join(r, f), "+pyq(e.DataDir)+"))")
		for _, f := range strings.Fields(seen) {
			if !strings.HasPrefix(f, "codeinterpreter/kernel/") {
				t.Errorf("PUBLIC session sees %s in the server's data directory", f)
			}
		}
		// Writing there lands in the session's own layer, if anywhere, never
		// in the host's directory.
		kx := filepath.Join(e.DataDir, "codeinterpreter", "kernel", "from-session")
		run(pub, p, "try:\n    open("+pyq(kx)+", 'w').write('x')\nexcept OSError as e:\n    print(e)")
		if _, err := os.Stat(kx); err == nil {
			t.Errorf("a session wrote %s on the host", kx)
		}
	})
	t.Run("exhaustion", func(t *testing.T) {
		// A session that exhausts memory or forks without limit may die (its
		// whole sandbox is one cgroup); its neighbours and the server keep
		// serving, and the dead session answers ResourceNotFoundException.
		for name, code := range map[string]string{
			"memory": "hog = bytearray(3 << 30)",
			"fork":   "import os, time\nfor _ in range(1000):\n    if os.fork() == 0:\n        time.sleep(30); os._exit(0)",
		} {
			h := ciStartSession(t, d, builtinCI, 0)
			res, err := ciCall(d, builtinCI, h, types.ToolNameExecuteCode, &types.ToolArguments{Code: aws.String(code), Language: py})
			if err == nil && !aws.ToBool(res.IsError) {
				t.Fatalf("%s: exhausting the session's limits succeeded: %s", name, ciText(res))
			}
			after, err := ciCall(d, builtinCI, h, types.ToolNameExecuteCode, &types.ToolArguments{Code: aws.String("1 + 1"), Language: py})
			var nf *types.ResourceNotFoundException
			switch {
			case err == nil && strings.TrimSpace(aws.ToString(after.StructuredContent.Stdout)) == "2":
				t.Logf("%s: the session survived", name)
			case errors.As(err, &nf):
				t.Logf("%s: the session died: %v", name, err)
			default:
				t.Fatalf("%s: the session after it: %v %+v", name, err, after)
			}
			if got := run(builtinCI, b, "6 * 7"); got != "42" {
				t.Fatalf("neighbour after %s: %q", name, got)
			}
		}
	})
	t.Run("gone-after-stop", func(t *testing.T) {
		c := ciStartSession(t, d, builtinCI, 0)
		gone := "gone-" + marker
		ciMust(t, d, builtinCI, c, types.ToolNameWriteFiles, &types.ToolArguments{Content: []types.InputContentBlock{
			{Path: aws.String(gone), Text: aws.String("x")}}})
		where := run(builtinCI, c, "import os; os.getcwd()")
		ciStop(t, d, builtinCI, c)
		n := ciStartSession(t, d, builtinCI, 0)
		if out := sh(builtinCI, n, "ls -a "+strings.Trim(where, "'")+"; find / -xdev -name "+gone+" 2>/dev/null"); strings.Contains(out, gone) {
			t.Fatalf("a new session sees the stopped one's file: %q", out)
		}
		for _, root := range []string{e.DataDir, os.TempDir()} {
			filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error { //nolint:errcheck // unreadable entries are not the point
				if err == nil && strings.Contains(p, gone) {
					t.Errorf("stopped session's file left on the host: %s", p)
				}
				return nil
			})
		}
	})
}

// fetchProbe is Python code that prints "ok <body>" for url, or "error <why>".
func fetchProbe(url string) string {
	return "import urllib.request\ntry:\n    _r = 'ok ' + urllib.request.urlopen(" + pyq(url) +
		", timeout=3).read().decode()[:200]\nexcept Exception as _e:\n    _r = 'error ' + str(_e)\nprint(_r)"
}

func pyq(s string) string { return fmt.Sprintf("%q", s) }

// outsideIndex serves a PEP 503 package index holding one wheel (isodemo)
// on a test host in a network namespace the test made; it returns its base
// URL.
func outsideIndex(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	whl, err := pywheel.Write(dir, "isodemo", "1.0", map[string]string{"isodemo/__init__.py": "VALUE = 'installed over the network'\n"})
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(whl)
	mux := http.NewServeMux()
	mux.HandleFunc("/simple/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<html><body><a href="/files/%s">%s</a></body></html>`, name, name)
	})
	mux.Handle("/files/", http.StripPrefix("/files/", http.FileServer(http.Dir(dir))))
	return testenv.OutsideServe(t, mux)
}
