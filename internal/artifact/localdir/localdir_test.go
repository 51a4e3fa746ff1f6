package localdir

import (
	"context"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/artifact/artifacttest"
	"github.com/agentcore-dev/agentcore/internal/errs"
)

// TestKeysTheFileSystemCannotHold: keys whose shape the file system refuses
// (a segment past NAME_MAX, a key under an existing object, an object where
// keys already nest) are validation errors, not internal ones (issue 20
// point 5), and a valid key still round-trips.
func TestKeysTheFileSystemCannotHold(t *testing.T) {
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	put := func(key string) error {
		_, err := s.Put(ctx, "code", key, strings.NewReader("x"))
		return err
	}
	if err := put("dir/file.zip"); err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]string{
		"long segment":     strings.Repeat("a", 256),
		"long inner":       "x/" + strings.Repeat("b", 300) + "/y.zip",
		"under an object":  "dir/file.zip/inner.zip",
		"over a directory": "dir",
	} {
		if err := put(key); errs.KindOf(err) != errs.Invalid {
			t.Errorf("%s: %v, want a validation error", name, err)
		}
	}
	if err := put(strings.Repeat("c", 255)); err != nil {
		t.Errorf("255-byte name: %v", err)
	}
	r, n, err := s.Open(ctx, "code", "dir/file.zip")
	if err != nil || n != 1 {
		t.Fatalf("open: %v %d", err, n)
	}
	r.Close()
}

func TestConformance(t *testing.T) {
	artifacttest.Run(t, func(t *testing.T) (artifact.Store, func() artifact.Store) {
		dir := t.TempDir()
		s, err := New(dir)
		if err != nil {
			t.Fatal(err)
		}
		return s, func() artifact.Store {
			s2, err := New(dir)
			if err != nil {
				t.Fatal(err)
			}
			return s2
		}
	}, artifacttest.Options{})
}
