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
	"syscall"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/errs"
)

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
	if err := artifact.CheckName(bucket, key); err != nil {
		return "", err
	}
	return filepath.Join(s.root, bucket, filepath.FromSlash(key)), nil
}

// badPath turns file-system answers that come from the key's shape (a key
// under another object's name, or an object where a "directory" is) into a
// validation error instead of an internal one.
func badPath(bucket, key string, err error) error {
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ENAMETOOLONG) || errors.Is(err, fs.ErrExist) {
		return errs.Field("key", "object key %.64q cannot be stored in bucket %s: it is an existing object's prefix, or an existing object is a prefix of it", key, bucket)
	}
	return fmt.Errorf("put %s/%s: %w", bucket, key, err)
}

// Put implements artifact.Store. The object appears atomically.
func (s *Store) Put(ctx context.Context, bucket, key string, r io.Reader) (int64, error) {
	p, err := s.path(bucket, key)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return 0, badPath(bucket, key, err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return 0, badPath(bucket, key, err)
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
		return 0, badPath(bucket, key, err)
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
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
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

// Delete implements artifact.Store (an open reader keeps its file).
func (s *Store) Delete(ctx context.Context, bucket, key string) error {
	p, err := s.path(bucket, key)
	if err != nil {
		return err
	}
	if st, err := os.Lstat(p); err != nil || st.IsDir() {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s/%s: %w", bucket, key, err)
	}
	return nil
}
