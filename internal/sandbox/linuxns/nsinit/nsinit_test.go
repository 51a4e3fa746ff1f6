package nsinit

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"
)

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(path.Join(dir, "agent"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(path.Join(dir, "data"), []byte("x"), 0o644)
	for _, tc := range []struct{ argv0, want, err string }{
		{"agent", path.Join(dir, "agent"), ""},
		{"sh", "/bin/sh", ""},
		{"data", "", "not found"},
		{"nope", "", "not found"},
		{path.Join(dir, "data"), "", "not an executable"},
		{"/no/such", "", "no such file"},
	} {
		got, err := lookPath(tc.argv0, dir, []string{"PATH=/bin"})
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %q %v, want error %q", tc.argv0, got, err, tc.err)
			}
		} else if got != tc.want || err != nil {
			t.Errorf("%s: %q %v, want %q", tc.argv0, got, err, tc.want)
		}
	}
}

func TestConfigRoundTrip(t *testing.T) {
	c := &Config{Hostname: "h", Argv: []string{"a", ""}, Env: []string{"K=V"}, Dir: "/d", DirAt: "/at", WorkDir: "/w",
		HostPaths: []string{"/x"}, Binds: []Bind{{Source: "/s", Target: "/t", Writable: true}, {Source: "/r", Target: "/u"}},
		Session: "/sess", UID: 1 << 30, GID: 7, UserNS: true, IDs: 65536, ResolvConf: "nameserver 1.1.1.1\n",
		TmpBytes: 512 << 20, LayerBytes: 1 << 40, Seccomp: []byte{1, 2, 3, 4, 5, 6, 7, 8}}
	got := &Config{}
	if err := got.decodeBox(c.EncodeBox()); err != nil {
		t.Fatal(err)
	}
	if err := got.decodeSession(c.EncodeSession()); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", c) {
		t.Fatalf("round trip:\n%+v\n%+v", got, c)
	}
	if err := got.decodeSession(c.EncodeSession()[:20]); err == nil {
		t.Fatal("truncated config decoded")
	}
	sc := &stageConfig{Path: "/p", Argv: []string{"p"}, UID: 3, ErrFD: 2, Seccomp: []byte{9}}
	gs, err := decodeStage(sc.encode())
	if err != nil || fmt.Sprintf("%+v", gs) != fmt.Sprintf("%+v", sc) {
		t.Fatalf("stage round trip: %+v %v", gs, err)
	}
}

// TestEarlyImports keeps the packages that Go initialises late in a large
// binary out of this package's dependencies: the sandbox init and agent
// stage run from its init function, and would otherwise wait for them
// (≈ 10–25 ms in agentcore, twice per session start).
func TestEarlyImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		switch {
		case p == "encoding/json", p == "path/filepath", strings.HasPrefix(p, "golang.org/x/"), strings.HasPrefix(p, "github.com/elastic/"):
			t.Errorf("nsinit depends on %s, which a large binary initialises late", p)
		}
	}
}

func TestUnescapeMount(t *testing.T) {
	if got := unescapeMount(`/a\040b\134c`); got != `/a b\c` {
		t.Fatalf("%q", got)
	}
}
