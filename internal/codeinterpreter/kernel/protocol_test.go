package kernel

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidation(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	cases := []struct {
		name string
		args map[string]any
		want string
	}{
		{"executeCode", map[string]any{}, "code is required"},
		{"executeCode", map[string]any{"code": 5}, "code must be a string"},
		{"executeCode", map[string]any{"code": "1", "clearContext": "yes"}, "clearContext must be a boolean"},
		{"executeCode", map[string]any{"code": "1", "language": "typescript"}, "not supported"},
		{"executeCode", map[string]any{"code": "1", "language": "ruby"}, "not supported"},
		{"executeCommand", map[string]any{}, "command is required"},
		{"startCommandExecution", map[string]any{}, "command is required"},
		{"getTask", map[string]any{}, "taskId is required"},
		{"stopTask", map[string]any{"taskId": 1}, "taskId must be a string"},
		{"readFiles", map[string]any{}, "paths is required"},
		{"readFiles", map[string]any{"paths": "a.txt"}, "paths must be a list"},
		{"removeFiles", map[string]any{}, "paths is required"},
		{"writeFiles", map[string]any{}, "content is required"},
		{"writeFiles", map[string]any{"content": []map[string]any{{"text": "x"}}}, "content[0].path"},
		{"writeFiles", map[string]any{"content": []map[string]any{{"path": "x"}}}, "needs text or blob"},
		{"writeFiles", map[string]any{"content": []map[string]any{{"path": "x", "blob": "!!"}}}, "not valid base64"},
		{"fly", map[string]any{}, "unknown tool"},
	}
	for _, c := range cases {
		r := k.invoke(c.name, c.args, 0)
		if r.status != 400 || r.Type != "ValidationException" || !strings.Contains(r.Message, c.want) {
			t.Errorf("%s %v: %d %s %q, want 400 ValidationException %q", c.name, c.args, r.status, r.Type, r.Message, c.want)
		}
	}
	for _, body := range []string{"not json", `[1]`, `{"arguments": {}}`, `{"name": "executeCode", "arguments": [1]}`} {
		if r := k.post([]byte(body)); r.status != 400 || r.Type != "ValidationException" {
			t.Errorf("body %s: %d %s %s", body, r.status, r.Type, r.Message)
		}
	}
	// A rejected write changed nothing.
	if _, err := os.Stat(filepath.Join(k.home, "x")); !os.IsNotExist(err) {
		t.Errorf("x exists after a rejected write: %v", err)
	}
	resp, err := http.Get(k.url + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("GET /nope: %d", resp.StatusCode)
	}
}

func TestOutputCap(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	for _, r := range []*result{
		k.py("import sys\nsys.stdout.write('x' * (3 << 20))\nprint('end', file=sys.stderr)"),
		k.sh("head -c 3000000 /dev/zero | tr '\\0' x; echo end >&2"),
	} {
		out := r.Structured.Stdout
		if len(out) > 1<<20+200 || !strings.HasPrefix(out, strings.Repeat("x", 1<<20)) || !strings.Contains(out, "stdout truncated") {
			t.Fatalf("stdout of %d bytes: %q", len(out), out[len(out)-100:])
		}
		if r.Structured.Stderr != "end\n" {
			t.Fatalf("stderr %q", r.Structured.Stderr)
		}
	}
	wantOut(t, k.py("'after'"), "'after'\n") // the next run starts clean
}

func TestRequestBodyLimit(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	body := append([]byte(`{"name":"writeFiles","arguments":{"content":[{"path":"big","text":"`), bytes.Repeat([]byte("x"), 65<<20)...)
	body = append(body, `"}]}}`...)
	if r := k.post(body); r.status != 402 || r.Type != "ServiceQuotaExceededException" {
		t.Fatalf("65 MiB request: %d %s %s", r.status, r.Type, r.Message)
	}
	wantOut(t, k.py("1"), "1\n")
}

func TestInstallIdempotent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "k")
	if err := Install(dir); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, Entry))
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("%v %v", st, err)
	}
	os.WriteFile(filepath.Join(dir, "kernel.js"), []byte("stale"), 0o600)
	if err := Install(dir); err != nil {
		t.Fatal(err)
	}
	want, _ := files.ReadFile("kernel.js")
	got, _ := os.ReadFile(filepath.Join(dir, "kernel.js"))
	if !bytes.Equal(got, want) {
		t.Fatal("Install did not replace a changed file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(Files()) {
		t.Fatalf("%d entries (temporary files left?), want %d", len(entries), len(Files()))
	}
	argv := Argv("python3", dir)
	if len(Version) != 16 || argv[0] != "python3" || argv[len(argv)-1] != filepath.Join(dir, "kernel.py") {
		t.Fatalf("Version %q, Argv %v", Version, Argv("python3", dir))
	}
}
