package browser

import (
	"context"
	"errors"
)

// Service is the Browser tool: browsers, browser profiles and sessions.
type Service struct{}

// Attach leases a running session for a stream: the caller (tenant from
// ctx) must own it and it must be READY. Changed fires once; after it, read
// Automation() (and Attach again to watch for the next change).
func (s *Service) Attach(ctx context.Context, browserID, sessionID string) (*Attachment, error) {
	return nil, errors.New("browser: not implemented yet")
}
