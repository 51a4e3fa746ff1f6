package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestWithHosts(t *testing.T) {
	cmd := exec.Command("getent", "hosts", "agentcore-withhosts.example.test")
	WithHosts(t, cmd, map[string]string{"agentcore-withhosts.example.test": "127.0.0.9"})
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.HasPrefix(string(out), "127.0.0.9") {
		t.Fatalf("getent: %q", out)
	}
	// The machine's /etc/hosts is untouched.
	b, _ := os.ReadFile("/etc/hosts")
	if strings.Contains(string(b), "agentcore-withhosts") {
		t.Fatal("/etc/hosts was changed")
	}
}
