package codeinterpreter

import (
	"context"
	"os"
	"path/filepath"
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

// Kernels run in runtime.Sessions under account "" and a runtime id per
// network mode, so a warm kernel serves any account's session of that mode;
// the session id there is acct/interpreterId/sessionId.
func runtimeID(mode string) string { return "codeinterpreter/" + mode }

const envVersion = 1 // the warm pools' version in runtime.Sessions

// Start starts a session and returns once its kernel answers.
func (s *Service) Start(ctx context.Context, interpreterID string, in StartInput) (*Session, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	it, err := s.Get(ctx, interpreterID)
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
	if s.o.Env.Python == "" {
		return nil, errs.E(errs.Unavailable, "code interpreter sessions are unavailable: no python3 was found on this server")
	}
	itFS, _ := toolfs.Parse(it.FilesystemConfigurations, nil, s.o.Filesystems) // checked at CreateCodeInterpreter
	sessFS, err := toolfs.Parse(in.FilesystemConfigurations, itFS, s.o.Filesystems)
	if err != nil {
		return nil, err
	}
	mounts, err := toolfs.Mounts(append(itFS, sessFS...), s.o.Filesystems)
	if err != nil {
		return nil, err
	}
	if it.NetworkMode == NetworkPublic && len(mounts) == 0 {
		s.ensurePool(NetworkPublic)
	}
	now := s.o.Now().UTC()
	sess := &Session{ID: newSessionID(), Node: s.o.Node, InterpreterID: it.ID, Name: in.Name, Status: SessionReady, TimeoutSeconds: timeout,
		NetworkMode: it.NetworkMode, Certificates: in.Certificates, FilesystemConfigurations: in.FilesystemConfigurations,
		CreatedAt: now, UpdatedAt: now}
	life := time.Duration(timeout) * time.Second
	sess.Mounts = len(mounts) > 0 // no warm pool: these kernels mount the file systems from their start
	rid, key := sess.rid(), sessionKey(t.Account, it.ID, sess.ID)
	lease, err := s.sessions.Acquire(ctx, "", rid, key, envVersion, func() (*runtime.Launch, error) {
		l, err := s.launch(it.NetworkMode, life)
		if err == nil {
			l.Spec.Mounts = append(l.Spec.Mounts, mounts...)
		}
		return l, err
	})
	if err != nil {
		if ctx.Err() != nil { // the caller went away: do not leave the kernel starting for nobody
			go s.sessions.Stop(context.Background(), "", rid, key) //nolint:errcheck // NotFound when it failed anyway
			return nil, ctx.Err()
		}
		s.log.Error("code interpreter session failed to start", "interpreter", it.ID, "session", sess.ID, "err", err)
		return nil, errs.Wrap(errs.Internal, err, "the session's environment failed to start")
	}
	lease.Release()
	if err := s.kv.Txn(ctx, store.CreateJSON(tblSession, key, sess)); err != nil {
		s.sessions.Stop(context.Background(), "", rid, key) //nolint:errcheck // best effort
		return nil, err
	}
	s.arm(t.Account, sess, life)
	s.log.Info("code interpreter session started", "interpreter", it.ID, "session", sess.ID, "timeout", timeout)
	return sess, nil
}

// launch describes one kernel environment of a network mode living at most life.
func (s *Service) launch(mode string, life time.Duration) (*runtime.Launch, error) {
	spec := s.o.Env.spec(s.kernelDir)
	spec.ID = "ci" + strings.ToLower(randomID(14, alnum))
	spec.Network = "NONE"
	if mode == NetworkPublic {
		spec.Network = "PUBLIC"
	}
	spec.Limits = s.o.Limits
	logf, err := os.OpenFile(filepath.Join(s.o.DataDir, "codeinterpreter", "logs", "kernel-"+strings.ToLower(mode)+".log"),
		os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	spec.Stdout, spec.Stderr = logf, logf
	return &runtime.Launch{Spec: spec, Port: kernelPort, Protocol: "HTTP", Path: "/invoke",
		Idle: life, MaxLife: life, Cleanup: func() { logf.Close() }}, nil
}

// ensurePool keeps the warm pool of a network mode filled (once asked,
// runtime.Sessions refills it as kernels are taken).
func (s *Service) ensurePool(mode string) {
	if s.o.WarmPool <= 0 || s.o.Env.Python == "" {
		return
	}
	s.mu.Lock()
	done := s.pooled[mode]
	s.pooled[mode] = true
	s.mu.Unlock()
	if done {
		return
	}
	s.sessions.EnsurePool("", runtimeID(mode), envVersion, s.o.WarmPool, func() (*runtime.Launch, error) {
		// A pooled kernel's lifetime is set when a session takes it (arm).
		return s.launch(mode, MaxSessionTimeout*time.Second)
	})
}

// arm ends the session when its timeout passes (pooled kernels were
// started with the longest lifetime, so the timer is what ends them).
func (s *Service) arm(acct string, sess *Session, life time.Duration) {
	key := sessionKey(acct, sess.InterpreterID, sess.ID)
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

// end stops a session's kernel and marks it TERMINATED.
func (s *Service) end(ctx context.Context, acct string, sess *Session, reason string) *Session {
	key := sessionKey(acct, sess.InterpreterID, sess.ID)
	s.mu.Lock()
	if t := s.timers[key]; t != nil {
		t.Stop()
		delete(s.timers, key)
	}
	s.mu.Unlock()
	if err := s.sessions.Stop(ctx, "", sess.rid(), key); err == nil {
		s.log.Info("code interpreter session stopped", "interpreter", sess.InterpreterID, "session", sess.ID, "reason", reason)
	}
	if out := s.terminated(ctx, acct, sess.InterpreterID, sess.ID); out != nil {
		return out
	}
	return sess
}

// terminated marks a stored session TERMINATED (nil when it is gone).
func (s *Service) terminated(ctx context.Context, acct, interp, sid string) *Session {
	return s.records.MarkTerminated(ctx, acct, interp, sid)
}

// running reports whether a stored session's kernel is running here.
func (s *Service) running(acct string, sess *Session) bool {
	return s.sessions.Running("", sess.rid(), sessionKey(acct, sess.InterpreterID, sess.ID))
}

// session reads a session of an interpreter the caller can see; a READY
// session whose kernel is gone (it crashed, or the server restarted) is
// marked TERMINATED first.
func (s *Service) session(ctx context.Context, interpreterID, sid string) (string, *Interpreter, *Session, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return "", nil, nil, err
	}
	if !sessionIDRE.MatchString(sid) {
		return "", nil, nil, errs.Field("sessionId", "sessionId %q must match [0-9a-zA-Z]{1,40}", sid)
	}
	it, err := s.Get(ctx, interpreterID)
	if err != nil {
		return "", nil, nil, err
	}
	sess, _, err := s.sessionRev(ctx, t.Account, it.ID, sid)
	if err != nil {
		return "", nil, nil, err
	}
	return t.Account, it, s.records.Current(ctx, t.Account, it.ID, sess), nil
}

// GetSession returns a session (READY or TERMINATED).
func (s *Service) GetSession(ctx context.Context, interpreterID, sid string) (*Session, error) {
	_, _, sess, err := s.session(ctx, interpreterID, sid)
	return sess, err
}

// SessionHost names the other live replica a session runs on ("" when it
// is served here: it runs here, is gone, or does not resolve).
func (s *Service) SessionHost(ctx context.Context, interpreterID, sid string) string {
	acct, _, sess, err := s.session(ctx, interpreterID, sid)
	if err != nil {
		return ""
	}
	return s.records.Host(ctx, acct, sess)
}

// StopSession ends a session; stopping a TERMINATED one returns it as it is.
func (s *Service) StopSession(ctx context.Context, interpreterID, sid string) (*Session, error) {
	acct, _, sess, err := s.session(ctx, interpreterID, sid)
	if err != nil || sess.Status == SessionTerminated {
		return sess, err
	}
	return s.end(ctx, acct, sess, "StopCodeInterpreterSession"), nil
}

// stopAll ends every session of an interpreter (it was deleted).
func (s *Service) stopAll(ctx context.Context, acct, interp string) {
	s.records.EachReady(ctx, acct, interp, func(sess *Session) { s.end(ctx, acct, sess, "code interpreter deleted") })
}
