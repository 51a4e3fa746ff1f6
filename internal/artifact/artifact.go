// Package artifact defines where deployment artifacts (code zips) live. The
// default implementation is a directory (localdir); an S3-compatible store
// implements the same interface.
package artifact

import (
	"context"
	"io"
)

// Store holds objects addressed by bucket and key.
type Store interface {
	// Put stores r under bucket/key, replacing any previous object, and
	// returns its size. Invalid names give an errs.Invalid error.
	Put(ctx context.Context, bucket, key string, r io.Reader) (int64, error)
	// Open returns the object's content or an errs.NotFound error.
	Open(ctx context.Context, bucket, key string) (io.ReadCloser, int64, error)
}
