package linuxns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// TestBundleAtNeutralPath (issue 20 point 11): the bundle is at
// sandbox.BundlePath, the agent's working directory and command resolve
// there, paths in its environment are rewritten, a relocated host
// directory (Spec.Mounts) is at its target, and neither the host data dir
// nor the driver's state dir shows anywhere, /proc/self/mountinfo included.
func TestBundleAtNeutralPath(t *testing.T) {
	d := driver(t)
	data := t.TempDir()
	bundle := filepath.Join(data, "bundles", "rt", "1")
	if err := os.CopyFS(bundle, os.DirFS(probeAgentDir(t))); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(data, "codeinterpreter", "env", "site-packages")
	os.MkdirAll(lib, 0o755)
	os.WriteFile(filepath.Join(lib, "mod.py"), []byte("x = 1\n"), 0o644)
	in := probe(t, d, "neutral", func(s *sandbox.Spec) {
		s.Dir, s.WorkDir = bundle, bundle
		s.Command = []string{filepath.Join(bundle, "probe")}
		s.Env = []string{"PYTHONPATH=" + bundle + "/.deps:" + lib}
		s.Mounts = []sandbox.Mount{{Source: lib, Target: "/opt/agentcore/lib/0"}}
	})
	for _, p := range []string{data, bundle, filepath.Dir(data)} {
		if got := call(t, in, "/ls?path="+p); !strings.HasPrefix(got, "err ") {
			t.Errorf("host path %s visible inside: %q", p, got)
		}
	}
	if got := call(t, in, "/ls?path=."); !strings.Contains(got, "probe") {
		t.Errorf("working directory: %q", got)
	}
	if got := call(t, in, "/read?path=/proc/self/cmdline"); !strings.HasPrefix(got, sandbox.BundlePath+"/probe") {
		t.Errorf("command %q", got)
	}
	if got := call(t, in, "/read?path=/proc/self/environ"); !strings.Contains(got, "PYTHONPATH="+sandbox.BundlePath+"/.deps:/opt/agentcore/lib/0") {
		t.Errorf("environment not rewritten: %q", got)
	}
	if got := call(t, in, "/read?path=/opt/agentcore/lib/0/mod.py"); got != "x = 1" {
		t.Errorf("relocated mount: %q", got)
	}
	if got := call(t, in, "/write?data=x&path=/opt/agentcore/lib/0/new"); !strings.HasPrefix(got, "err ") {
		t.Errorf("relocated mount writable: %q", got)
	}
	mi := call(t, in, "/read?path=/proc/self/mountinfo")
	for _, leak := range []string{data, d.o.StateDir, in.name} {
		if strings.Contains(mi, leak) {
			t.Errorf("mountinfo mentions %s:\n%s", leak, mi)
		}
	}
}
