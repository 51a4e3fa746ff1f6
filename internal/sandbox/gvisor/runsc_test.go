package gvisor_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/sandbox/gvisor"
)

// TestRunscChoice: the probe takes systrap when the runsc has it, sessions
// use the host stack of their own namespace, and under a current runsc GNU
// coreutils work inside (Debian's 2022 sentry answers their statx with
// EINVAL, so there it is only logged).
func TestRunscChoice(t *testing.T) {
	d := driver(t)
	c, err := d.Choice()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("runsc %s (%s), platform %s, network %s", c.Runsc, c.Version, c.Platform, c.Network)
	platforms, err := gvisor.Describe(c.Runsc)
	if err != nil {
		t.Fatal(err)
	}
	systrap := slices.Contains(platforms, "systrap")
	if want := platforms[0]; c.Platform != want {
		t.Errorf("platform %s, want %s (the runsc offers %v)", c.Platform, want, platforms)
	}
	if c.Network != "host" {
		t.Errorf("network %s, want host", c.Network)
	}
	in := start(t, d, agentSpec(t, "coreutils"))
	for _, cmd := range []string{"ls -l /usr/bin/ls", "stat /usr/bin/ls"} {
		m := call(t, in, "/exec", "cmd", cmd)
		out, _ := m["out"].(string)
		ok := m["code"] == float64(0) && strings.Contains(out, "/usr/bin/ls")
		switch {
		case ok:
			t.Logf("%s: %s", cmd, strings.TrimSpace(strings.SplitN(out, "\n", 2)[0]))
		case systrap:
			t.Errorf("%s under %s: %v", cmd, c.Runsc, m)
		default:
			t.Logf("%s fails under this runsc (%s): %s", cmd, c.Version, strings.TrimSpace(out))
		}
	}
}

// TestRunscFallback: a configured runsc that cannot start sandboxes is
// passed over for the one in PATH, and the reason is kept.
func TestRunscFallback(t *testing.T) {
	driver(t) // skips where no runsc works at all
	fake := filepath.Join(t.TempDir(), "runsc")
	script := "#!/bin/sh\ncase \"$1\" in --version) echo 'runsc version broken';; flags) echo '-platform: systrap, ptrace';; " +
		"*) echo 'FATAL ERROR: broken on purpose' >&2; exit 3;; esac\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	d := gvisor.New(gvisor.Options{Runsc: fake, Dir: testDir, IDPrefix: testPrefix})
	c, err := d.Choice()
	if err != nil {
		t.Fatal(err)
	}
	inPath, _ := exec.LookPath("runsc")
	if c.Runsc == fake || inPath == "" || filepath.Base(c.Runsc) != "runsc" {
		t.Fatalf("chose %s; want the runsc in PATH (%s) over the broken %s", c.Runsc, inPath, fake)
	}
	bad := gvisor.New(gvisor.Options{Runsc: fake, Dir: testDir, IDPrefix: testPrefix, Platform: "no-such-platform"})
	if _, err := bad.Choice(); err == nil || !strings.Contains(err.Error(), fake) {
		t.Fatalf("no usable runsc: err %v, want one naming %s", err, fake)
	}
}
