package runtime

import (
	"context"
	"time"
)

// maxLifeGrace is how long past maxLifetime a session with requests in
// flight may run before it is ended anyway.
const maxLifeGrace = 10 * time.Second

// reaper enforces idle timeouts and max lifetimes and polls /ping.
func (s *Sessions) reaper() {
	defer s.wg.Done()
	tick := s.o.PingInterval / 2
	if tick > time.Second {
		tick = time.Second
	}
	if tick < 50*time.Millisecond {
		tick = 50 * time.Millisecond
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-t.C:
			s.sweep(now)
		}
	}
}

func (s *Sessions) sweep(now time.Time) {
	type victim struct {
		sess   *Session
		reason string
	}
	var victims []victim
	var ping []*Session
	s.mu.Lock()
	for _, sess := range s.m {
		select {
		case <-sess.ready:
		default:
			continue // still starting
		}
		if sess.err != nil || sess.stopped {
			continue
		}
		reason := ""
		switch {
		case now.Sub(sess.Started) >= sess.maxLife && (sess.inflight == 0 || now.Sub(sess.Started) >= sess.maxLife+maxLifeGrace):
			// Ended between requests, so no invocation is cut; requests
			// that never stop get maxLifeGrace more.
			reason = "maxLifetime reached"
		case sess.inflight == 0 && !sess.busy && now.Sub(sess.lastActive) >= sess.idle:
			reason = reasonIdle
		case sess.failures >= s.o.UnhealthyAfter:
			reason = "unhealthy: /ping failed"
		}
		if reason != "" {
			// Detach now, under the lock, so no request leases a session
			// that is about to be torn down.
			if s.detachLocked(sess) {
				if reason == reasonIdle {
					s.markPausingLocked(sess)
				}
				victims = append(victims, victim{sess, reason})
			}
			continue
		}
		switch {
		case !sess.pinging && now.Sub(sess.lastPing) >= s.o.PingInterval:
			sess.pinging = true
			ping = append(ping, sess)
		}
	}
	s.mu.Unlock()
	for _, v := range victims {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.teardown(v.sess, v.reason)
		}()
	}
	for _, sess := range ping {
		s.wg.Add(1)
		go s.ping(sess)
	}
}

func (s *Sessions) ping(sess *Session) {
	defer s.wg.Done()
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	res, err := sess.Conn.Ping(ctx)
	cancel()
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sess.pinging = false
	sess.lastPing = now
	if err != nil {
		if s.ctx.Err() == nil {
			sess.failures++
		}
		return
	}
	sess.failures = 0
	wasBusy := sess.busy
	sess.busy = res.Status == PingHealthyBusy
	if wasBusy && !sess.busy {
		// Idle time restarts when the agent stops being busy.
		changed := now
		if !res.LastUpdate.IsZero() && res.LastUpdate.Before(now) {
			changed = res.LastUpdate
		}
		if changed.After(sess.lastActive) {
			sess.lastActive = changed
		}
	}
}
