// Package kernel is the in-sandbox code interpreter kernel.
//
// PLACEHOLDER: this file stands in for the real kernel (kernel.py and
// kernel.js, branch h/cikernel) so the service compiles and can be tried
// end to end; the merge replaces it. Its kernel only answers /ping and runs
// executeCode (python, globals kept) and executeCommand.
package kernel

import (
	"os"
	"path/filepath"
)

// Version names the kernel scripts; installs go to a directory per version.
const Version = "placeholder-0"

// Install writes the kernel scripts into dir (idempotent).
func Install(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	p := filepath.Join(dir, "kernel.py")
	if b, err := os.ReadFile(p); err == nil && string(b) == script {
		return nil
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(script), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// Argv is the command line that starts the kernel installed in dir.
func Argv(python, dir string) []string {
	return []string{python, filepath.Join(dir, "kernel.py")}
}

const script = `import ast, contextlib, io, json, os, subprocess, sys, time, traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

os.chdir(os.environ.get("HOME", "/tmp"))
G = {"__name__": "__main__"}

def run_python(code, clear):
    global G
    if clear:
        G = {"__name__": "__main__"}
    out, err, rc = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            tree = ast.parse(code)
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, "<code>", "exec"), G)
            if last is not None:
                v = eval(compile(last, "<code>", "eval"), G)
                if v is not None:
                    print(repr(v))
        except BaseException:
            traceback.print_exc()
            rc = 1
    return out.getvalue(), err.getvalue(), rc

def run_command(cmd, timeout):
    try:
        p = subprocess.run(["/bin/sh", "-c", cmd], capture_output=True, text=True, timeout=timeout)
        return p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired:
        return "", "command timed out", 124

class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def send(self, code, doc):
        b = json.dumps(doc).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def do_GET(self):
        self.send(200, {"status": "Healthy"})
    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        a, t0 = req.get("arguments") or {}, time.time()
        if req["name"] == "executeCode" and a.get("language", "python") == "python":
            o, e, rc = run_python(a["code"], a.get("clearContext"))
        elif req["name"] == "executeCommand":
            o, e, rc = run_command(a["command"], req.get("timeoutSeconds", 300))
        else:
            return self.send(400, {"__type": "ValidationException", "message": "placeholder kernel: not supported"})
        text = o + e
        self.send(200, {"content": [{"type": "text", "text": text}], "isError": rc != 0,
            "structuredContent": {"stdout": o, "stderr": e, "exitCode": rc, "executionTime": (time.time() - t0) * 1000}})

ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), H).serve_forever()
`
