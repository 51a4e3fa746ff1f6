package browser

import (
	"context"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Automation stream statuses.
const (
	StreamEnabled  = "ENABLED"
	StreamDisabled = "DISABLED"
)

// Attachment is a running session leased for a stream (automation relay,
// live view, recording). The holder calls Release when done; the lease
// keeps the session from being ended as idle, not past its timeout.
type Attachment struct {
	SessionID, BrowserID, Account string
	Conn                          runtime.AgentConn // to Chromium's devtools port
	BrowserWS                     string            // "/devtools/browser/<id>" path of the browser-level CDP endpoint
	ViewPort                      ViewPort
	Recording                     *Recording      // nil: not recorded; else artifact bucket + per-session prefix
	Automation                    func() string   // "ENABLED" | "DISABLED" now
	Changed                       <-chan struct{} // closed when the automation status changes or the session ends
	Release                       func()
}

// streamState is a running session's automation status and the channel
// that announces its next change.
type streamState struct {
	status  string
	changed chan struct{}
	ended   bool
}

func (st *streamState) end() {
	if !st.ended {
		st.ended = true
		close(st.changed)
	}
}

// set changes the status (s.mu held), announcing it.
func (st *streamState) set(status string) {
	if st.ended || st.status == status {
		return
	}
	st.status = status
	close(st.changed)
	st.changed = make(chan struct{})
}

// stream returns the session's stream state (s.mu held), creating it.
func (s *Service) stream(key, status string) *streamState {
	st := s.streams[key]
	if st == nil {
		st = &streamState{status: status, changed: make(chan struct{})}
		s.streams[key] = st
	}
	return st
}

// Attach leases a running session for a stream: the caller (tenant from
// ctx) must own it and it must be READY. Changed fires once; after it,
// read Automation() (and Attach again to watch for the next change).
func (s *Service) Attach(ctx context.Context, browserID, sessionID string) (*Attachment, error) {
	l, err := s.lease(ctx, browserID, sessionID)
	if err != nil {
		return nil, err
	}
	key := sessionKey(l.acct, l.browser.ID, l.sess.ID)
	s.mu.Lock()
	st := s.stream(key, l.sess.Automation)
	changed := st.changed
	s.mu.Unlock()
	ws := l.sess.BrowserWS
	if ws == "" {
		if ws, err = BrowserWS(ctx, l.lease.Conn); err != nil {
			l.release()
			return nil, errs.Wrap(errs.Internal, err, "the session's browser does not answer")
		}
	}
	return &Attachment{SessionID: l.sess.ID, BrowserID: l.browser.ID, Account: l.acct, Conn: l.lease.Conn,
		BrowserWS: ws, ViewPort: l.sess.ViewPort, Recording: l.sess.Recording,
		Automation: func() string {
			s.mu.Lock()
			defer s.mu.Unlock()
			if st.ended {
				return StreamDisabled
			}
			return st.status
		},
		Changed: changed, Release: l.release}, nil
}

// UpdateStream sets a READY session's automation stream status (ENABLED:
// automation clients may drive it; DISABLED: a person has taken control).
func (s *Service) UpdateStream(ctx context.Context, browserID, sessionID, status string) (*Session, time.Time, error) {
	if status != StreamEnabled && status != StreamDisabled {
		return nil, time.Time{}, errs.Field("streamUpdate.automationStreamUpdate.streamStatus", "streamStatus must be ENABLED or DISABLED (got %q)", status)
	}
	l, err := s.lease(ctx, browserID, sessionID)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer l.release()
	key := sessionKey(l.acct, l.browser.ID, l.sess.ID)
	var out *Session
	now := s.o.Now().UTC()
	err = store.Retry(ctx, func() error {
		sess, rev, err := s.sessionRev(ctx, l.acct, l.browser.ID, l.sess.ID)
		if err != nil {
			return err
		}
		if sess.Status != SessionReady {
			return errs.E(errs.NotFound, "session %s is %s", sessionID, sess.Status)
		}
		out = sess
		if sess.Automation == status {
			return nil
		}
		sess.Automation, sess.UpdatedAt = status, now
		return s.kv.Txn(ctx, store.UpdateJSON(tblSession, key, rev, sess))
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	s.mu.Lock()
	s.stream(key, status).set(status)
	s.mu.Unlock()
	s.log.Info("browser automation stream updated", "session", sessionID, "status", status)
	return out, now, nil
}

// leased is a READY session leased for one operation.
type leased struct {
	acct    string
	browser *Browser
	sess    *Session
	lease   *runtime.Lease
}

func (l *leased) release() { l.lease.Release() }

// lease finds a READY session of the caller and leases its browser; a
// stopped, unknown or other account's session is ResourceNotFound.
func (s *Service) lease(ctx context.Context, browserID, sid string) (*leased, error) {
	if sid == "" {
		return nil, errs.Field("sessionId", "sessionId is required")
	}
	acct, b, sess, err := s.session(ctx, browserID, sid)
	if err != nil {
		return nil, err
	}
	if sess.Status != SessionReady {
		return nil, errs.E(errs.NotFound, "session %s is %s", sid, sess.Status)
	}
	l, err := s.sessions.Lookup("", sess.rid(), sessionKey(acct, b.ID, sess.ID))
	if err != nil {
		s.terminated(ctx, acct, b.ID, sess.ID)
		return nil, errs.E(errs.NotFound, "session %s is TERMINATED", sid)
	}
	return &leased{acct: acct, browser: b, sess: sess, lease: l}, nil
}
