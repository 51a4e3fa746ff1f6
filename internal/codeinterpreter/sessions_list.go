package codeinterpreter

import (
	"context"

	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/agentcore-dev/agentcore/internal/toolsession"
)

// ListSessions pages through an interpreter's sessions, optionally only
// those of one status. READY sessions whose kernel is gone are reported
// (and stored) TERMINATED.
func (s *Service) ListSessions(ctx context.Context, interpreterID, status string, p Page) ([]*Session, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := toolsession.CheckList(status, p.MaxResults); err != nil {
		return nil, "", err
	}
	it, err := s.Get(ctx, interpreterID)
	if err != nil {
		return nil, "", err
	}
	return s.records.List(ctx, t.Account, it.ID, status, p.MaxResults, p.NextToken)
}
