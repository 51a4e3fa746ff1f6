package kernel

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

func needNode(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skipf("no node on this host: %v", err)
	}
}

func TestJavaScriptStateAcrossCalls(t *testing.T) {
	t.Parallel()
	needNode(t)
	k := startKernel(t)
	wantOut(t, k.js("let a = 1; const b = 2; var c = 3;\nfunction f(x) { return x * 10 }\nclass C {}"), "")
	wantOut(t, k.js("f(a + b + c) + (new C() instanceof C ? 1 : 0)"), "61\n")
	wantOut(t, k.js("a = a + 1; a"), "2\n")
	wantOut(t, k.js("console.log('hi', {x: 1}); console.error('warn')"), "hi { x: 1 }\n")
	r := k.js("console.error('warn'); 'done'")
	if r.Structured.Stderr != "warn\n" || r.Structured.Stdout != "'done'\n" {
		t.Fatalf("stderr: %+v", r.Structured)
	}
	wantOut(t, k.js("process.cwd() === process.env.HOME"), "true\n")
	wantOut(t, k.js("require('path').join('a', 'b')"), "'a/b'\n")
	r = k.ok("executeCode", map[string]any{"code": "typeof a", "language": "javascript", "clearContext": true}, 30)
	wantOut(t, r, "'undefined'\n")
}

func TestJavaScriptCompletionAndPromises(t *testing.T) {
	t.Parallel()
	needNode(t)
	k := startKernel(t)
	wantOut(t, k.js("({x: [1, 2], s: 'y'})"), "{ x: [ 1, 2 ], s: 'y' }\n")
	wantOut(t, k.js("undefined"), "")
	wantOut(t, k.js("Promise.resolve(7)"), "7\n")
	wantOut(t, k.js("new Promise(r => setTimeout(() => r('late'), 20))"), "'late'\n")
	// Top-level await: the last expression is the value.
	wantOut(t, k.js("const v = await new Promise(r => setTimeout(() => r(5), 10));\nv * 2"), "10\n")
	wantOut(t, k.js("globalThis.g = await Promise.resolve(3)"), "3\n") // an assignment's value, as in the Node REPL
	wantOut(t, k.js("g"), "3\n")
	r := k.js("throw new Error('boom')")
	if !r.IsError || r.exit() != 1 || !strings.Contains(r.Structured.Stderr, "Error: boom") || strings.Contains(r.Structured.Stderr, "kernel.js") {
		t.Fatalf("throw: %+v", r.Structured)
	}
	r = k.js("Promise.reject(new TypeError('nope'))")
	if !r.IsError || !strings.Contains(r.Structured.Stderr, "TypeError: nope") {
		t.Fatalf("rejected promise: %+v", r.Structured)
	}
	r = k.js("let = = 1")
	if !r.IsError || !strings.Contains(r.Structured.Stderr, "SyntaxError") {
		t.Fatalf("syntax error: %+v", r.Structured)
	}
}

func TestJavaScriptTimeout(t *testing.T) {
	t.Parallel()
	needNode(t)
	k := startKernel(t)
	wantOut(t, k.js("let keep = 3"), "")
	start := time.Now()
	r := k.ok("executeCode", map[string]any{"code": "while (true) {}", "language": "javascript"}, 1)
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("timeout took %v", d)
	}
	if !r.IsError || r.exit() != 124 || !strings.Contains(r.Structured.Stderr, "was interrupted") {
		t.Fatalf("sync loop: %+v", r.Structured)
	}
	wantOut(t, k.js("keep"), "3\n") // the vm timeout kept the context

	r = k.ok("executeCode", map[string]any{"code": "new Promise(() => {})", "language": "javascript"}, 1)
	if r.exit() != 124 || !strings.Contains(r.Structured.Stderr, "context was kept") {
		t.Fatalf("pending promise: %+v", r.Structured)
	}
	wantOut(t, k.js("keep"), "3\n")

	// A loop in a callback blocks the event loop: the worker is killed.
	start = time.Now()
	r = k.ok("executeCode", map[string]any{"code": "setTimeout(() => { while (true) {} }, 0)\nawait new Promise(r => setTimeout(r, 100))", "language": "javascript"}, 1)
	if d := time.Since(start); d > 6*time.Second {
		t.Fatalf("kill took %v", d)
	}
	if r.exit() != 124 || !strings.Contains(r.Structured.Stderr, "context was lost") {
		t.Fatalf("blocked event loop: %+v", r.Structured)
	}
	wantOut(t, k.js("1 + 1"), "2\n")
}

func TestJavaScriptWorkerExit(t *testing.T) {
	t.Parallel()
	needNode(t)
	k := startKernel(t)
	wantOut(t, k.js("var w = 1"), "")
	r := k.js("process.exit(2)")
	if !r.IsError || r.exit() != 2 || !strings.Contains(r.Structured.Stderr, "context was lost") {
		t.Fatalf("process.exit: %+v", r.Structured)
	}
	wantOut(t, k.js("typeof w"), "'undefined'\n")
}
