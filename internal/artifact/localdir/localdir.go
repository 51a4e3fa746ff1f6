// Package localdir stores artifacts as files under a directory:
// ROOT/BUCKET/KEY. It is the default artifact store (under --data-dir).
package localdir

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/errs"
)

var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// Store is a directory-backed artifact.Store.
type Store struct{ root string }

var _ artifact.Store = (*Store)(nil)

// New returns a store rooted at dir (created if missing).
func New(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Store{root: dir}, nil
}

func (s *Store) path(bucket, key string) (string, error) {
	if !bucketRE.MatchString(bucket) {
		return "", errs.Field("bucket", "bucket name %q is not valid (3-63 chars of a-z, 0-9, '.', '-')", bucket)
	}
	clean := filepath.Clean("/" + key)
	if key == "" || strings.HasSuffix(key, "/") || clean == "/" || len(key) > 1024 || strings.Contains(key, "\x00") {
		return "", errs.Field("key", "object key %q is not valid", key)
	}
	return filepath.Join(s.root, bucket, clean), nil
}

// Put implements artifact.Store. The object appears atomically.
func (s *Store) Put(ctx context.Context, bucket, key string, r io.Reader) (int64, error) {
	p, err := s.path(bucket, key)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return 0, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return 0, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	defer os.Remove(f.Name())
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return 0, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	return n, nil
}

// Open implements artifact.Store.
func (s *Store) Open(ctx context.Context, bucket, key string) (io.ReadCloser, int64, error) {
	p, err := s.path(bucket, key)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, errs.E(errs.NotFound, "artifact s3://%s/%s not found", bucket, key)
	}
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		f.Close()
		return nil, 0, errs.E(errs.NotFound, "artifact s3://%s/%s not found", bucket, key)
	}
	return f, st.Size(), nil
}
