package server

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// closers is the server's shutdown stack: each build step pushes what undoes
// it, and close runs them newest first, on a failed build and on Close.
type closers struct {
	mu    sync.Mutex // Close may be called from several goroutines
	names []string
	fns   []func(context.Context) error
}

func (c *closers) push(name string, f func(context.Context) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.names = append(c.names, name)
	c.fns = append(c.fns, f)
}

// close runs every closer in reverse order and joins their errors; the
// stack is empty afterwards (a second close does nothing).
func (c *closers) close(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for i := len(c.fns) - 1; i >= 0; i-- {
		if err := c.fns[i](ctx); err != nil {
			errs = append(errs, fmt.Errorf("close %s: %w", c.names[i], err))
		}
	}
	c.names, c.fns = nil, nil
	return errors.Join(errs...)
}
