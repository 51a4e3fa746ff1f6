package browser

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/agentcore-dev/agentcore/internal/toolfs"
)

var sessionIDRE = regexp.MustCompile(`^[0-9a-zA-Z]{1,40}$`)

// checkViewPort validates a viewport against the documented ranges.
func checkViewPort(vp ViewPort) error {
	if vp.Width < MinWidth || vp.Width > MaxWidth {
		return errs.Field("viewPort.width", "viewPort.width must be from %d to %d (got %d)", MinWidth, MaxWidth, vp.Width)
	}
	if vp.Height < MinHeight || vp.Height > MaxHeight {
		return errs.Field("viewPort.height", "viewPort.height must be from %d to %d (got %d)", MinHeight, MaxHeight, vp.Height)
	}
	return nil
}

// Start starts a session and returns once its Chromium answers (and the
// profile it names, if any, is restored into it).
func (s *Service) Start(ctx context.Context, browserID string, in StartInput) (*Session, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	b, err := s.Get(ctx, browserID)
	if err != nil {
		return nil, err
	}
	timeout := DefaultSessionTimeout
	if in.TimeoutSeconds != nil {
		timeout = *in.TimeoutSeconds
	}
	if timeout < 1 || timeout > MaxSessionTimeout {
		return nil, errs.Field("sessionTimeoutSeconds", "sessionTimeoutSeconds must be from 1 to %d (got %d)", MaxSessionTimeout, timeout)
	}
	if len(in.Name) > 100 {
		return nil, errs.Field("name", "name is at most 100 characters")
	}
	vp := DefaultViewPort
	if in.ViewPort != nil {
		if vp = *in.ViewPort; checkViewPort(vp) != nil {
			return nil, checkViewPort(vp)
		}
	}
	var state *ProfileState
	var pid string
	if in.ProfileID != "" {
		if pid, err = profileID(t, in.ProfileID); err != nil {
			return nil, err
		}
		if _, _, err := s.profileRev(ctx, t.Account, pid); err != nil {
			return nil, err
		}
		if state, err = s.profileState(ctx, t.Account, pid); err != nil {
			return nil, err
		}
	}
	if s.o.Chromium == "" {
		return nil, errs.E(errs.Unavailable, "browser sessions are unavailable: no Chromium was found on this server (set --browser-chromium)")
	}
	bFS, _ := toolfs.Parse(b.FilesystemConfigurations, nil, s.o.Filesystems) // checked at CreateBrowser
	sessFS, err := toolfs.Parse(in.Extras.FilesystemConfigurations, bFS, s.o.Filesystems)
	if err != nil {
		return nil, err
	}
	mounts, err := toolfs.Mounts(append(bFS, sessFS...), s.o.Filesystems)
	if err != nil {
		return nil, err
	}
	now := s.o.Now().UTC()
	sess := &Session{ID: newSessionID(), Node: s.o.Node, BrowserID: b.ID, Name: in.Name, Status: SessionReady, TimeoutSeconds: timeout,
		ViewPort: vp, NetworkMode: b.NetworkMode, ProfileID: pid, Automation: StreamEnabled, Extras: in.Extras,
		CreatedAt: now, UpdatedAt: now}
	if r := b.Recording; r != nil && r.Enabled {
		sess.Recording = &Recording{Bucket: r.Bucket, Prefix: joinPrefix(r.Prefix, sess.ID)}
	}
	life := time.Duration(timeout) * time.Second
	sess.Mounts = len(mounts) > 0 // no warm pool: this Chromium mounts the file systems from its start
	rid, key := sess.rid(), sessionKey(t.Account, b.ID, sess.ID)
	lease, err := s.sessions.Acquire(ctx, "", rid, key, envVersion, func() (*runtime.Launch, error) {
		l, err := s.launch(b.NetworkMode, vp, life)
		if err == nil {
			l.Spec.Mounts = append(l.Spec.Mounts, mounts...)
		}
		return l, err
	})
	if err != nil {
		if ctx.Err() != nil { // the caller went away: do not leave the browser starting for nobody
			go s.sessions.Stop(context.Background(), "", rid, key) //nolint:errcheck // NotFound when it failed anyway
			return nil, ctx.Err()
		}
		s.log.Error("browser session failed to start", "browser", b.ID, "session", sess.ID, "err", err)
		return nil, errs.Wrap(errs.Internal, err, "the session's browser failed to start")
	}
	defer lease.Release()
	fail := func(what string, err error) (*Session, error) {
		s.sessions.Stop(context.Background(), "", rid, key) //nolint:errcheck // best effort
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.log.Error("browser session failed to start", "browser", b.ID, "session", sess.ID, "step", what, "err", err)
		return nil, errs.Wrap(errs.Internal, err, "the session's browser failed to start (%s)", what)
	}
	if sess.BrowserWS, err = BrowserWS(ctx, lease.Conn); err != nil {
		return fail("devtools endpoint", err)
	}
	// The page gets exactly the requested size (a new Chromium's window
	// keeps room for toolbars and info bars it does not draw; a pooled one
	// has the default size).
	if err := s.o.CDP.SetViewport(ctx, lease.Conn, vp); err != nil {
		return fail("viewport", err)
	}
	if state != nil {
		if err := s.o.CDP.RestoreState(ctx, lease.Conn, state); err != nil {
			return fail("profile restore", err)
		}
	}
	if err := s.kv.Txn(ctx, store.CreateJSON(tblSession, key, sess)); err != nil {
		s.sessions.Stop(context.Background(), "", rid, key) //nolint:errcheck // best effort
		return nil, err
	}
	s.arm(t.Account, sess, life)
	s.record(ctx, sess)
	s.observe(ctx, t.Account, b, sess)
	s.ensurePool()
	s.log.Info("browser session started", "browser", b.ID, "session", sess.ID, "timeout", timeout, "viewport", vp, "profile", pid)
	return sess, nil
}

// OnRecordedSession sets who records sessions of browsers with a recording
// configuration (the streams handler, built after the service): f gets an
// Attachment leased for the recording, returns at once, and releases it
// when the session ends.
func (s *Service) OnRecordedSession(f func(*Attachment)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recorder = f
}

// record hands a just-started recorded session to the recorder.
func (s *Service) record(ctx context.Context, sess *Session) {
	s.mu.Lock()
	rec := s.recorder
	s.mu.Unlock()
	if sess.Recording == nil || rec == nil {
		return
	}
	att, err := s.Attach(ctx, sess.BrowserID, sess.ID)
	if err != nil {
		s.log.Warn("browser session not recorded", "session", sess.ID, "err", err)
		return
	}
	rec(att)
}

// joinPrefix is a recording's per-session key prefix.
func joinPrefix(prefix, sid string) string {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return prefix + sid + "/"
}

// arm ends the session when its timeout passes (pooled browsers were
// started with the longest lifetime, so the timer is what ends them).
func (s *Service) arm(acct string, sess *Session, life time.Duration) {
	key := sessionKey(acct, sess.BrowserID, sess.ID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() != nil {
		return
	}
	s.timers[key] = time.AfterFunc(life, func() {
		s.mu.Lock()
		delete(s.timers, key)
		s.mu.Unlock()
		s.end(s.ctx, acct, sess, "sessionTimeoutSeconds reached")
	})
}

// end stops a session's browser, ends its streams and marks it TERMINATED.
func (s *Service) end(ctx context.Context, acct string, sess *Session, reason string) *Session {
	key := sessionKey(acct, sess.BrowserID, sess.ID)
	s.mu.Lock()
	if t := s.timers[key]; t != nil {
		t.Stop()
		delete(s.timers, key)
	}
	if st := s.streams[key]; st != nil {
		st.end()
		delete(s.streams, key)
	}
	s.mu.Unlock()
	s.endSpan(key, reason)
	if err := s.sessions.Stop(ctx, "", sess.rid(), key); err == nil {
		s.log.Info("browser session stopped", "browser", sess.BrowserID, "session", sess.ID, "reason", reason)
	}
	if out := s.terminated(ctx, acct, sess.BrowserID, sess.ID); out != nil {
		return out
	}
	return sess
}

// terminated marks a stored session TERMINATED (nil when it is gone).
func (s *Service) terminated(ctx context.Context, acct, bid, sid string) *Session {
	s.endSpan(sessionKey(acct, bid, sid), "the browser exited")
	out := s.records.MarkTerminated(ctx, acct, bid, sid)
	if out == nil {
		return nil
	}
	s.mu.Lock()
	if st := s.streams[sessionKey(acct, bid, sid)]; st != nil {
		st.end()
		delete(s.streams, sessionKey(acct, bid, sid))
	}
	s.mu.Unlock()
	return out
}

// running reports whether a stored session's browser is running here.
func (s *Service) running(acct string, sess *Session) bool {
	return s.sessions.Running("", sess.rid(), sessionKey(acct, sess.BrowserID, sess.ID))
}

// session reads a session of a browser the caller can see; a READY
// session whose browser is gone (it crashed, or the server restarted) is
// marked TERMINATED first.
func (s *Service) session(ctx context.Context, browserID, sid string) (string, *Browser, *Session, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return "", nil, nil, err
	}
	if !sessionIDRE.MatchString(sid) {
		return "", nil, nil, errs.Field("sessionId", "sessionId %q must match [0-9a-zA-Z]{1,40}", sid)
	}
	b, err := s.Get(ctx, browserID)
	if err != nil {
		return "", nil, nil, err
	}
	sess, _, err := s.sessionRev(ctx, t.Account, b.ID, sid)
	if err != nil {
		return "", nil, nil, err
	}
	return t.Account, b, s.records.Current(ctx, t.Account, b.ID, sess), nil
}

// GetSession returns a session (READY or TERMINATED).
func (s *Service) GetSession(ctx context.Context, browserID, sid string) (*Session, error) {
	_, _, sess, err := s.session(ctx, browserID, sid)
	return sess, err
}

// SessionHost names the other live replica a session runs on ("" when it
// is served here: it runs here, is gone, or does not resolve).
func (s *Service) SessionHost(ctx context.Context, browserID, sid string) string {
	acct, _, sess, err := s.session(ctx, browserID, sid)
	if err != nil {
		return ""
	}
	return s.records.Host(ctx, acct, sess)
}

// StopSession ends a session; stopping a TERMINATED one returns it as it is.
func (s *Service) StopSession(ctx context.Context, browserID, sid string) (*Session, error) {
	acct, _, sess, err := s.session(ctx, browserID, sid)
	if err != nil || sess.Status == SessionTerminated {
		return sess, err
	}
	return s.end(ctx, acct, sess, "StopBrowserSession"), nil
}

// stopAll ends every session of a browser (it was deleted).
func (s *Service) stopAll(ctx context.Context, acct, bid string) {
	s.records.EachReady(ctx, acct, bid, func(sess *Session) { s.end(ctx, acct, sess, "browser deleted") })
}
