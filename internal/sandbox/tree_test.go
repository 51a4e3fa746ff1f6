//go:build unix

package sandbox

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestShiftOwnerFollowsNoLinks: symlinks inside the tree (to a directory
// and a file outside it) have their own owner changed, never their targets.
func TestShiftOwnerFollowsNoLinks(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
	outside, tree := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("x"), 0o600)
	os.MkdirAll(filepath.Join(tree, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(tree, "a", "b", "f"), []byte("y"), 0o644)
	os.Symlink(outside, filepath.Join(tree, "dirlink"))
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(tree, "a", "filelink"))
	const id = 1<<24 + 7
	if err := ShiftOwner(tree, func(int, int) (int, int) { return id, id }); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{tree, filepath.Join(tree, "a", "b", "f"), filepath.Join(tree, "dirlink"), filepath.Join(tree, "a", "filelink")} {
		var st syscall.Stat_t
		if err := syscall.Lstat(p, &st); err != nil || st.Uid != id {
			t.Errorf("%s: uid %d (%v), want %d", p, st.Uid, err, id)
		}
	}
	for _, p := range []string{outside, filepath.Join(outside, "secret")} {
		var st syscall.Stat_t
		if err := syscall.Lstat(p, &st); err != nil || st.Uid != 0 {
			t.Errorf("%s outside the tree: uid %d (%v), want 0", p, st.Uid, err)
		}
	}
	u, err := MeasureTree(tree)
	if err != nil || u.Files != 5 {
		t.Fatalf("MeasureTree: %+v %v (want 5 entries)", u, err)
	}
}
