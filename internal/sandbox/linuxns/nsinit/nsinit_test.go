package nsinit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "agent"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "data"), []byte("x"), 0o644)
	for _, tc := range []struct{ argv0, want, err string }{
		{"agent", filepath.Join(dir, "agent"), ""},
		{"sh", "/bin/sh", ""},
		{"data", "", "not found"},
		{"nope", "", "not found"},
		{filepath.Join(dir, "data"), "", "not an executable"},
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

func TestSeccompProgram(t *testing.T) {
	prog, err := seccompProgram(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(prog) < 50 || len(prog) > 4096 {
		t.Fatalf("%d instructions", len(prog))
	}
}

func TestUnescapeMount(t *testing.T) {
	if got := unescapeMount(`/a\040b\134c`); got != `/a b\c` {
		t.Fatalf("%q", got)
	}
}
