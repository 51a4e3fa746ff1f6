package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestQuickstartAsWritten runs the shell blocks of docs/quickstart.md, and
// the README's first command, as a reader would: on a fresh copy of the
// repository's files, with bash, in order. Two substitutions keep it a good
// neighbour in the suite: the documented port 8765 becomes a free one and
// /tmp/ a directory of the test (so runs do not collide). Everything else
// is as written (issue 18, must show 2).
func TestQuickstartAsWritten(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: skipping the quickstart run (builds the binary, deploys three agents)")
	}
	for _, tool := range []string{"bash", "python3", "go", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: the quickstart needs it", tool)
		}
	}
	repo := freshCopy(t)
	port := strconv.Itoa(freePort(t))
	tmp := t.TempDir()

	// The README's first command builds and starts the server (it runs in
	// the foreground there: here it is started, checked and stopped).
	readme, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := shellBlocks(string(readme))
	if len(blocks) == 0 || !strings.Contains(blocks[0], "./bin/agentcore server") {
		t.Fatalf("README's first block is not the build-and-serve command: %q", blocks)
	}
	first := strings.Split(strings.TrimSpace(blocks[0]), "\n")
	serve := ""
	for _, line := range first {
		if strings.Contains(line, "agentcore server") {
			serve = strings.TrimSpace(line[:strings.IndexByte(line+"#", '#')])
		}
	}
	serve = strings.Replace(serve, "./bin/agentcore server", "exec ./bin/agentcore server", 1) // $! is then the server
	runBash(t, repo, "("+serve+" --listen 127.0.0.1:"+port+") &\npid=$!\n"+
		"for i in $(seq 1 300); do curl -sf http://127.0.0.1:"+port+"/_agentcore/health >/dev/null && break; sleep 0.2; done\n"+
		"curl -sf http://127.0.0.1:"+port+"/_agentcore/health\nkill $pid; wait $pid || true\n", 5*time.Minute)

	qs, err := os.ReadFile(filepath.Join(repo, "docs", "quickstart.md"))
	if err != nil {
		t.Fatal(err)
	}
	script := strings.Join(shellBlocks(string(qs)), "\n")
	script = strings.ReplaceAll(script, "8765", port)
	script = strings.ReplaceAll(script, "/tmp/", tmp+"/")
	out := runBash(t, repo, "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"+script, 10*time.Minute)
	for _, want := range []string{`"result": "You said: hello"`, `"count": 2`, "Deleted agent runtime hello_agent-", "Created agent runtime sdk_agent-",
		"Created agent runtime go_agent-", "READY in"} {
		if !strings.Contains(out, want) {
			t.Errorf("the quickstart's output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

var shellBlockRE = regexp.MustCompile("(?s)```sh\n(.*?)```")

func shellBlocks(md string) []string {
	var out []string
	for _, m := range shellBlockRE.FindAllStringSubmatch(md, -1) {
		out = append(out, m[1])
	}
	return out
}

// freshCopy copies the repository's files as git knows them (tracked and
// not ignored, with the working tree's content) into a new directory.
func freshCopy(t *testing.T) string {
	t.Helper()
	root := testenv.RepoRoot()
	list, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("not a git checkout (%v): cannot make a fresh copy", err)
	}
	dst := t.TempDir()
	for _, f := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		src := filepath.Join(root, f)
		st, err := os.Lstat(src)
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted in the working tree, or a symlink
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// runBash runs script with bash in dir (its own process group, killed at
// the end) and returns its combined output; a failure fails the test.
func runBash(t *testing.T, dir, script string, limit time.Duration) string {
	t.Helper()
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AGENTCORE_ACCESS_KEY_ID=", "AGENTCORE_SECRET_ACCESS_KEY=",
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_CONFIG_FILE="+os.DevNull, "AWS_EC2_METADATA_DISABLED=true")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("script failed: %v\n%s", err, buf.String())
		}
	case <-time.After(limit):
		t.Fatalf("script still running after %v:\n%s", limit, buf.String())
	}
	return buf.String()
}
