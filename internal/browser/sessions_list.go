package browser

import (
	"context"

	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/agentcore-dev/agentcore/internal/toolsession"
)

// ListSessions pages through a browser's sessions of the caller,
// optionally only those of one status. READY sessions whose browser is
// gone are reported (and stored) TERMINATED.
func (s *Service) ListSessions(ctx context.Context, browserID, status string, p Page) ([]*Session, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := toolsession.CheckList(status, p.MaxResults); err != nil {
		return nil, "", err
	}
	b, err := s.Get(ctx, browserID)
	if err != nil {
		return nil, "", err
	}
	return s.records.List(ctx, t.Account, b.ID, status, p.MaxResults, p.NextToken)
}
