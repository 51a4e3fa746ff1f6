package localdir

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// FuzzKeys puts two objects under arbitrary bucket names and keys into a
// fresh store: each Put either succeeds, and then the object reads back
// with the same bytes (also after the second Put, when the keys differ:
// distinct keys are distinct objects), or fails with an errs.Invalid error;
// nothing is ever written outside the store's root.
func FuzzKeys(f *testing.F) {
	for _, c := range []struct{ b1, k1, b2, k2 string }{
		{"code", "agent.zip", "code", "dir/agent.zip"},
		{"my-bucket.1", "a/b/c.zip", "my-bucket.1", "a/b"},
		{"code", "../../etc/passwd", "code", "/abs.zip"},
		{"..", "x", "a..b", "x/../../y"},
		{"code", "a//b", "code", "a/b"},
		{"code", "./a", "code", "a"},
		{"code", strings.Repeat("k", 255), "code", strings.Repeat("k", 256)},
		{"code", "a\x00b", "code", "\xff\xfe"},
		{"code", "dir/", "code", "."},
	} {
		f.Add(c.b1, c.k1, []byte("one"), c.b2, c.k2, []byte("two"))
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, b1, k1 string, d1 []byte, b2, k2 string, d2 []byte) {
		dir := t.TempDir()
		root := filepath.Join(dir, "root")
		s, err := New(root)
		if err != nil {
			t.Fatal(err)
		}
		put := func(b, k string, d []byte) bool {
			n, err := s.Put(ctx, b, k, bytes.NewReader(d))
			if err != nil {
				if errs.KindOf(err) != errs.Invalid {
					t.Fatalf("Put(%q, %q): %v (kind %v), want a stored object or a validation error", b, k, err, errs.KindOf(err))
				}
				return false
			}
			if n != int64(len(d)) {
				t.Fatalf("Put(%q, %q) stored %d of %d bytes", b, k, n, len(d))
			}
			return true
		}
		readBack := func(b, k string, want []byte) {
			r, n, err := s.Open(ctx, b, k)
			if err != nil {
				t.Fatalf("Open(%q, %q) after Put: %v", b, k, err)
			}
			got, err := io.ReadAll(r)
			r.Close()
			if err != nil || n != int64(len(want)) || !bytes.Equal(got, want) {
				t.Fatalf("Open(%q, %q) = %q (%d, %v), want %q", b, k, got, n, err, want)
			}
		}
		ok1 := put(b1, k1, d1)
		if ok1 {
			readBack(b1, k1, d1)
		}
		ok2 := put(b2, k2, d2)
		if ok2 {
			readBack(b2, k2, d2)
		}
		if ok1 && (b1 != b2 || k1 != k2) {
			readBack(b1, k1, d1) // the second object did not replace the first
		}
		// Nothing outside the root.
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p != dir && p != root && !strings.HasPrefix(p, root+string(os.PathSeparator)) {
				t.Fatalf("%s written outside the root", p)
			}
			return nil
		})
	})
}
