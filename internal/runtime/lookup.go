package runtime

import "github.com/agentcore-dev/agentcore/internal/errs"

// Lookup returns a lease on a running session without starting one (and
// without taking a warm-pool environment): NotFound when the session is not
// running here or has not finished starting. Services whose sessions are
// started explicitly (the code interpreter) use it for every call after the
// start, so a session whose environment ended is never silently replaced.
func (s *Sessions) Lookup(acct, runtimeID, sessionID string) (*Lease, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.m[sessionKey(acct, runtimeID, sessionID)]
	if sess == nil || sess.stopped {
		return nil, errs.E(errs.NotFound, "session %s is not running", sessionID)
	}
	select {
	case <-sess.ready:
	default:
		return nil, errs.E(errs.NotFound, "session %s is still starting", sessionID)
	}
	if sess.err != nil {
		return nil, errs.E(errs.NotFound, "session %s is not running", sessionID)
	}
	sess.inflight++
	return &Lease{Session: sess, s: s}, nil
}

// Running reports whether a session is running (started and not stopped),
// without touching its idle accounting.
func (s *Sessions) Running(acct, runtimeID, sessionID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.m[sessionKey(acct, runtimeID, sessionID)]
	if sess == nil || sess.stopped {
		return false
	}
	select {
	case <-sess.ready:
		return sess.err == nil
	default:
		return false
	}
}
