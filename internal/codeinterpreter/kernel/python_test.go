package kernel

import (
	"encoding/base64"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestPythonStateAcrossCalls(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	wantOut(t, k.py("x = 41\nimport math\ndef f(v):\n    return v * 2"), "")
	wantOut(t, k.py("x + 1"), "42\n")
	wantOut(t, k.py("print(f(x), math.pi > 3)"), "82 True\n")
	wantOut(t, k.py("'a' + 'b'"), "'ab'\n")
	wantOut(t, k.py("None"), "")
	wantOut(t, k.py("x;"), "") // a trailing ';' hides the value, as in Jupyter
	wantOut(t, k.py("import asyncio\nawait asyncio.sleep(0)\nx * 2"), "82\n")
	r := k.py("print('hi')\nimport os\nos.system('echo from-shell; echo e >&2')")
	if r.Structured.Stdout != "hi\nfrom-shell\n0\n" || r.Structured.Stderr != "e\n" {
		t.Fatalf("output of a subprocess: %+v", r.Structured)
	}
	if c := r.Content; len(c) != 1 || c[0].Type != "text" || c[0].Text != "hi\nfrom-shell\n0\ne\n" {
		t.Fatalf("content = %+v", c)
	}
	if r.Structured.ExecutionTime == nil || *r.Structured.ExecutionTime <= 0 {
		t.Fatalf("executionTime = %v", r.Structured.ExecutionTime)
	}
	wantOut(t, k.py("import os\nos.getcwd() == os.environ['HOME']"), "True\n")
}

func TestPythonClearContext(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	wantOut(t, k.py("secret = 7"), "")
	r := k.ok("executeCode", map[string]any{"code": "'secret' in globals()", "clearContext": true}, 30)
	wantOut(t, r, "False\n")
	// JavaScript state is separate and not cleared by Python's clearContext.
	wantOut(t, k.js("var kept = 1"), "")
	k.ok("executeCode", map[string]any{"code": "1", "language": "python", "clearContext": true}, 30)
	wantOut(t, k.js("kept"), "1\n")
}

func TestPythonException(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	r := k.py("def f():\n    return 1 / 0\nprint('before')\nf()")
	if !r.IsError || r.exit() != 1 || r.Structured.Stdout != "before\n" {
		t.Fatalf("got %+v", r.Structured)
	}
	for _, want := range []string{"Traceback (most recent call last)", "line 4", "ZeroDivisionError: division by zero"} {
		if !strings.Contains(r.Structured.Stderr, want) {
			t.Fatalf("stderr lacks %q: %s", want, r.Structured.Stderr)
		}
	}
	if strings.Contains(r.Structured.Stderr, "pyworker.py") {
		t.Fatalf("traceback shows the worker's frames: %s", r.Structured.Stderr)
	}
	r = k.py("def broken(:")
	if !r.IsError || !strings.Contains(r.Structured.Stderr, "SyntaxError") {
		t.Fatalf("syntax error: %+v", r.Structured)
	}
	r = k.py("import sys\nsys.exit(3)")
	if !r.IsError || r.exit() != 3 {
		t.Fatalf("sys.exit(3): %+v", r.Structured)
	}
	wantOut(t, k.py("'still here'"), "'still here'\n")
}

func TestPythonTimeoutInterrupts(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	wantOut(t, k.py("y = 5"), "")
	start := time.Now()
	r := k.ok("executeCode", map[string]any{"code": "while True:\n    pass"}, 1)
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("timeout took %v", d)
	}
	if !r.IsError || r.exit() != 124 || !strings.Contains(r.Structured.Stderr, "KeyboardInterrupt") ||
		!strings.Contains(r.Structured.Stderr, "timed out after 1s and was interrupted") {
		t.Fatalf("got %+v", r.Structured)
	}
	wantOut(t, k.py("y"), "5\n") // the interrupt kept the state
}

func TestPythonTimeoutKillsUninterruptible(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	wantOut(t, k.py("z = 1"), "")
	start := time.Now()
	r := k.ok("executeCode", map[string]any{"code": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"}, 1)
	if d := time.Since(start); d > 6*time.Second {
		t.Fatalf("kill took %v", d)
	}
	if !r.IsError || r.exit() != 124 || !strings.Contains(r.Structured.Stderr, "context was lost") {
		t.Fatalf("got %+v", r.Structured)
	}
	wantOut(t, k.py("1 + 1"), "2\n")
	wantOut(t, k.py("'z' in globals()"), "False\n")
}

func TestPythonWorkerDeath(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	wantOut(t, k.py("v = 1"), "")
	r := k.py("import os\nprint('bye', flush=True)\nos._exit(1)")
	if !r.IsError || r.exit() != 1 || r.Structured.Stdout != "bye\n" || !strings.Contains(r.Structured.Stderr, "exited (exit code 1) while running this code") {
		t.Fatalf("os._exit: %+v", r.Structured)
	}
	wantOut(t, k.py("'v' in globals()"), "False\n")

	// Killed between two calls (as by the OOM killer): the next call runs
	// in a new worker and says the context was lost.
	r = k.py("import os\nos.getpid()")
	pid, err := strconv.Atoi(strings.TrimSpace(r.Structured.Stdout))
	if err != nil {
		t.Fatal(err)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	for i := 0; i < 100 && alive(pid); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	r = k.py("2 + 2")
	if r.Structured.Stdout != "4\n" || !strings.Contains(r.Structured.Stderr, "had exited (exit code 137)") || !strings.Contains(r.Structured.Stderr, "context was lost") {
		t.Fatalf("after SIGKILL: %+v", r.Structured)
	}
	wantOut(t, k.py("3"), "3\n")
}

func TestPythonUserSitePackages(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	r := k.py("import site\nprint(site.getusersitepackages())")
	dir := strings.TrimSpace(r.Structured.Stdout)
	if !strings.HasPrefix(dir, k.home) {
		t.Fatalf("user site %q is not under HOME %q", dir, k.home)
	}
	// As `pip install --user` would: a new module appears in the user site.
	k.ok("writeFiles", map[string]any{"content": []map[string]any{{"path": dir + "/acuserpkg.py", "text": "V = 'installed'\n"}}}, 0)
	wantOut(t, k.py("import acuserpkg\nacuserpkg.V"), "'installed'\n")
}

func TestPythonDoesNotImportMatplotlib(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	wantOut(t, k.py("import sys\n'matplotlib' in sys.modules"), "False\n")
}

func TestPythonMatplotlibFigure(t *testing.T) {
	t.Parallel()
	py, _ := python(t)
	if out, err := exec.Command(py, "-c", "import matplotlib").CombinedOutput(); err != nil {
		t.Skipf("matplotlib is not importable on this host: %v: %s", err, out)
	}
	k := startKernel(t)
	r := k.py("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nprint('plotted')")
	var images []string
	for _, c := range r.Content {
		if c.Type == "image" {
			if c.MimeType != "image/png" {
				t.Fatalf("image block %+v", c)
			}
			images = append(images, c.Data)
		}
	}
	if r.IsError || len(images) != 1 {
		t.Fatalf("want one image, got %d: %+v", len(images), r.Structured)
	}
	png, err := base64.StdEncoding.DecodeString(images[0])
	if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("not a PNG: %v %q", err, fmt.Sprintf("%.8s", png))
	}
	// The figure was closed: the next call has no image.
	if r := k.py("1"); len(r.Content) != 1 {
		t.Fatalf("figure still open: %+v", r.Content)
	}
}
