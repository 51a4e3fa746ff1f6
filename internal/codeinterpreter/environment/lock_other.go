//go:build !unix

package environment

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"time"
)

// lockFile creates path exclusively, polling until ctx ends; waiting is
// called once when another holder makes it wait. (Without flock a builder
// that dies leaves the file behind: remove it by hand.)
func lockFile(ctx context.Context, path string, waiting func()) (unlock func(), err error) {
	told := false
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if !told {
			waiting()
			told = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
