package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// ErrConcurrent is the cause inside the errs.Conflict a Txn returns when
// another writer got there first: an OpUpdate or OpDelete whose revision no
// longer matches, an OpCreate whose key appeared, or a transaction the
// database aborted because of a concurrent one. Read-modify-write callers
// retry on it (Retry); domain conflicts ("already exists", "is UPDATING")
// are separate errors and are not retried.
var ErrConcurrent = errors.New("concurrent write")

// Concurrent reports whether err is a lost race with another writer.
func Concurrent(err error) bool { return errors.Is(err, ErrConcurrent) }

// RetryAttempts bounds how often Retry runs a read-modify-write.
const RetryAttempts = 16

// Retry runs fn, a read-modify-write whose Txn uses revision-checked ops
// (OpUpdate with the revision read, OpCreate), again while it loses a race
// with another writer (Concurrent), at most RetryAttempts times with a short
// jittered backoff. fn must re-read, re-apply and re-validate on every run.
func Retry(ctx context.Context, fn func() error) error {
	var err error
	for i := 0; i < RetryAttempts; i++ {
		if err = fn(); !Concurrent(err) {
			return err
		}
		d := time.Duration(1+rand.IntN(5<<min(i, 4))) * time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
	return errs.Wrap(errs.Conflict, err, "the resource is being changed concurrently; retry")
}
