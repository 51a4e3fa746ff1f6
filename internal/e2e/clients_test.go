package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// The client-compatibility suites in tests/python (boto3 + pytest) and
// tests/js (AWS SDK for JavaScript v3 + node:test) run against a real server
// started here. Set-up for CI:
//
//	pip install -r tests/python/requirements.txt
//	(cd tests/js && npm ci)      # done here when node_modules is missing

// clientEnv is the environment a client suite runs with: the server URL and
// dummy credentials, nothing from the developer's AWS configuration.
func clientEnv(url string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"AGENTCORE_TEST_ENDPOINT="+url,
		"AWS_ACCESS_KEY_ID=AKIDAGENTCORETEST",
		"AWS_SECRET_ACCESS_KEY=secret",
		"AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
	)
}

// runSuite runs a command at the repo root and fails the test with its output
// on a non-zero exit.
func runSuite(t *testing.T, env []string, limit time.Duration, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = testenv.RepoRoot()
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v (after %s)\n%s", name, strings.Join(args, " "), err, time.Since(start).Round(time.Millisecond), out)
	}
	t.Logf("%s %s: ok in %s\n%s", name, strings.Join(args, " "), time.Since(start).Round(time.Millisecond), outputTail(out, 2000))
}

func outputTail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

func TestClientsBoto3(t *testing.T) {
	t.Parallel()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	if out, err := exec.Command(py, "-c", "import boto3, pytest").CombinedOutput(); err != nil {
		t.Skipf("boto3/pytest are not installed for %s (pip install -r tests/python/requirements.txt): %s", py, out)
	}
	e := testenv.Start(t, testenv.Fast())
	runSuite(t, clientEnv(e.URL), 5*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python")
}

func TestClientsJS(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	root := testenv.RepoRoot()
	dir := filepath.Join(root, "tests", "js")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", "client-bedrock-agentcore")); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			t.Skip("npm is not installed and tests/js/node_modules is missing")
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in tests/js: %v\n%s", err, out)
		}
	}
	// Name the files: a bare directory argument is not accepted the same way
	// by every Node version (Node >= 21 takes glob patterns).
	files, _ := filepath.Glob(filepath.Join(dir, "*.test.mjs"))
	if len(files) == 0 {
		t.Fatal("no tests/js/*.test.mjs files")
	}
	args := []string{"--test"}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		args = append(args, rel)
	}
	e := testenv.Start(t, testenv.Fast())
	runSuite(t, clientEnv(e.URL), 5*time.Minute, node, args...)
}
