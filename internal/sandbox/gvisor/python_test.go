package gvisor_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const pyAgent = `import http.server, os
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers()
        self.wfile.write(("py:" + os.environ.get("GREETING", "")).encode())
print("python agent starting", flush=True)
http.server.HTTPServer(("0.0.0.0", 8080), H).serve_forever()
`

// TestPythonAgent runs a code artifact the way the runtime does: an
// interpreter from a host prefix (HostPaths) and the artifact dir at the
// same path, working directory Dir.
func TestPythonAgent(t *testing.T) {
	d := driver(t)
	py := "/root/.pyenv/versions/3.11.7/bin/python3"
	if _, err := os.Stat(py); err != nil {
		py = "/usr/bin/python3"
	}
	if _, err := os.Stat(py); err != nil {
		t.Skip("no python3 on this host")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "main.py"), []byte(pyAgent), 0o644)
	s := agentSpec(t, "python")
	s.Dir, s.WorkDir = dir, dir
	s.Command = []string{py, "main.py"}
	s.HostPaths = []string{filepath.Dir(filepath.Dir(py))}
	s.Env = append(s.Env, "GREETING=hi", "PYTHONPATH="+filepath.Join(dir, ".deps"))
	t0 := time.Now()
	in := start(t, d, s)
	t.Logf("python agent serving after %v", time.Since(t0))
	resp, err := client(in).Get("http://agent/")
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 64)
	n, _ := resp.Body.Read(b)
	resp.Body.Close()
	if got := string(b[:n]); !strings.HasPrefix(got, "py:hi") {
		t.Fatalf("got %q", got)
	}
}
