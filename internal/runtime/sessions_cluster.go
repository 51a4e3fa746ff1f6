package runtime

import (
	"context"
	"strings"
	"time"
)

// What the session manager offers server replicas (cluster.go, owners.go):
// whether a session runs here, the end-of-session hook that releases owner
// rows, drain, and stopping everything when this node was fenced.

// Hosts reports whether the session runs (or is starting) on this server.
func (s *Sessions) Hosts(acct, runtimeID, sessionID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.m[sessionKey(acct, runtimeID, sessionID)]
	return sess != nil && !sess.stopped
}

// ended tells Options.Ended about a runtime session that is gone.
func (s *Sessions) ended(sess *Session) {
	if s.o.Ended == nil || sess.ID == "" || sess.pooled {
		return
	}
	acct, _, _ := strings.Cut(sess.key, "/")
	if acct == "" { // the platform's own tools (Code Interpreter, Browser)
		return
	}
	s.o.Ended(acct, sess.RuntimeID, sess.ID)
}

// InFlight counts the requests in flight on this server's sessions.
func (s *Sessions) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, sess := range s.m {
		n += sess.inflight
	}
	return n
}

// Drain stops taking new sessions and ends the running runtime sessions as
// their in-flight requests finish (each one once it has none), until none
// is left or ctx ends; it returns how many it ended. Requests that arrive
// for a session still running are served meanwhile.
func (s *Sessions) Drain(ctx context.Context) int {
	s.mu.Lock()
	s.draining = true
	s.mu.Unlock()
	ended := 0
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		var idle []*Session
		left := 0
		s.mu.Lock()
		for k, sess := range s.m {
			if strings.HasPrefix(k, "/") || sess.pooled { // tools' sessions and warm pools end with the server
				continue
			}
			left++
			if sess.inflight == 0 && !sess.Started.IsZero() && !sess.stopped {
				s.detachLocked(sess)
				idle = append(idle, sess)
			}
		}
		s.mu.Unlock()
		for _, sess := range idle {
			s.teardown(sess, "server draining")
			ended++
		}
		if left == len(idle) {
			return ended
		}
		select {
		case <-ctx.Done():
			return ended
		case <-t.C:
		}
	}
}

// StopRuntimeSessions ends every runtime session on this server (this node
// was fenced: other replicas may run them now).
func (s *Sessions) StopRuntimeSessions(reason string) {
	s.mu.Lock()
	var victims []*Session
	for k, sess := range s.m {
		if !strings.HasPrefix(k, "/") && !sess.pooled {
			victims = append(victims, sess)
		}
	}
	s.mu.Unlock()
	for _, sess := range victims {
		go func() {
			<-sess.ready
			s.stop(sess, reason)
		}()
	}
}
