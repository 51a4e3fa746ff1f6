// Package artifact defines where deployment artifacts (code zips, browser
// recordings, batch evaluation datasets) live. Implementations: localdir (a
// directory in --data-dir, one server only), pgblob (PostgreSQL, shared by
// every replica on the database). Each runs the conformance suite in
// artifacttest.
package artifact

import (
	"context"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// Store holds objects addressed by bucket and key.
type Store interface {
	// Put stores r under bucket/key, replacing any previous object, and
	// returns its size. Invalid names give an errs.Invalid error. The
	// object appears whole or not at all: a reader that fails leaves the
	// previous object (if any) in place.
	Put(ctx context.Context, bucket, key string, r io.Reader) (int64, error)
	// Open returns the object's content or an errs.NotFound error. The
	// content is the object as it was when Open was called, even if it is
	// replaced while being read.
	Open(ctx context.Context, bucket, key string) (io.ReadCloser, int64, error)
	// Delete removes the object; an absent object is not an error.
	Delete(ctx context.Context, bucket, key string) error
}

var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// MaxSegment is the longest part of a key between slashes any store takes
// (the file systems localdir runs on: NAME_MAX).
const MaxSegment = 255

// CheckName validates a bucket name and an object key the same way for
// every store: S3 bucket naming; a key of at most 1024 bytes of UTF-8
// without NUL, that names exactly one path ("a//b", "./a", "/a", "a/../b"
// and "dir/" are refused: a directory-backed store would map them onto
// another key's file), with segments of at most MaxSegment bytes.
func CheckName(bucket, key string) error {
	if !bucketRE.MatchString(bucket) {
		return errs.Field("bucket", "bucket name %q is not valid (3-63 chars of a-z, 0-9, '.', '-')", bucket)
	}
	if key == "" || len(key) > 1024 || strings.Contains(key, "\x00") || !utf8.ValidString(key) || strings.HasSuffix(key, "/") {
		return errs.Field("key", "object key %.64q is not valid", key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return errs.Field("key", "object key %.64q is not stored by this server: a leading '/', an empty segment ('//') or a '.' or '..' segment", key)
		}
		if len(seg) > MaxSegment {
			return errs.Field("key", "object key %.64q… has a path segment of %d bytes; at most %d bytes between slashes", key, len(seg), MaxSegment)
		}
	}
	return nil
}
