package runtime

import "context"

// Route says which server replica serves tg's session: this one when the
// session runs here (and this node's lease is current), else its live
// owner; a session without one is placed (place: an invocation that may
// start it) or served here (StopRuntimeSession then answers NotFound).
// Targets that do not resolve are served here, where the handler answers
// the error.
func (s *Service) Route(ctx context.Context, tg Target, place bool) (Placement, error) {
	local := Placement{Local: true}
	if s.owners == nil || ValidateSessionID(tg.SessionID) != nil {
		return local, nil
	}
	acct, id, _, _, err := s.resolve(ctx, tg)
	if err != nil {
		return local, nil
	}
	if s.sessions.Hosts(acct, id, tg.SessionID) {
		if s.owners.Fresh() {
			return local, nil
		}
		p, err := s.owners.Locate(ctx, acct, id, tg.SessionID, false)
		if err != nil || p.Local {
			return local, err
		}
		// This node's lease lapsed and another replica took the session
		// over: this copy is fenced.
		s.sessions.Stop(ctx, acct, id, tg.SessionID) //nolint:errcheck // it may have ended meanwhile
		return p, nil
	}
	return s.owners.Locate(ctx, acct, id, tg.SessionID, place)
}

// claim makes this node the owner of a session that does not run here yet;
// it reports whether it claimed one (to release it if the start fails).
func (s *Service) claim(ctx context.Context, acct, id, sessionID string) (bool, error) {
	if s.owners == nil || s.sessions.Hosts(acct, id, sessionID) {
		return false, nil
	}
	if err := s.owners.Claim(ctx, acct, id, sessionID); err != nil {
		return false, err
	}
	return true, nil
}
