package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// CheckpointOnIdleEnv is the environment variable a runtime sets (in its
// environmentVariables, "true") to have idle sessions paused instead of
// ended: at the idle timeout the whole environment (process memory, open
// files, its writable layer) is checkpointed under the data directory, and
// the next invocation with the same session id restores it. Drivers that
// cannot checkpoint (Capabilities.Checkpoint false) end the session as
// usual: the next invocation starts it afresh (docs/session-storage.md).
const CheckpointOnIdleEnv = "AGENTCORE_CHECKPOINT_ON_IDLE"

// reasonIdle is the teardown reason of the idle timeout.
const reasonIdle = "idle timeout"

// CheckpointTarget is where one session's checkpoint lives: Dir/meta.json
// (written last: an image without it is incomplete) and Dir/image/.
type CheckpointTarget struct {
	Dir string
}

// checkpointMeta is Dir/meta.json.
type checkpointMeta struct {
	Version int       `json:"version"`
	Driver  string    `json:"driver"`
	Created time.Time `json:"created"`
	Bytes   int64     `json:"bytes"`
}

// CheckpointObserver is told about checkpoints and restores (metrics); the
// session Observer implements it optionally.
type CheckpointObserver interface {
	// SessionCheckpointed: result is "saved", "failed" or "unsupported"
	// (the driver cannot checkpoint: the session ended, plain restart).
	SessionCheckpointed(runtimeID, result string, took time.Duration, bytes int64)
	// SessionRestored: result is "restored", "failed" (started afresh) or
	// "discarded" (the image was of another runtime version).
	SessionRestored(runtimeID, result string, took time.Duration)
}

// checkpointOnIdle reports whether a version opted in.
func checkpointOnIdle(v *Version) bool {
	on, _ := strconv.ParseBool(strings.TrimSpace(v.Config.EnvironmentVariables[CheckpointOnIdleEnv]))
	return on
}

func (s *Sessions) cpObserver() CheckpointObserver {
	if o, ok := s.o.Observer.(CheckpointObserver); ok {
		return o
	}
	return nil
}

// CanCheckpoint reports whether the driver can pause sessions.
func (s *Sessions) CanCheckpoint() bool {
	_, ok := s.o.Driver.(sandbox.Checkpointer)
	return ok && s.o.Driver.Capabilities().Checkpoint
}

// markPausingLocked records that sess is about to be checkpointed, so a
// new environment of its session waits for the image. s.mu must be held.
func (s *Sessions) markPausingLocked(sess *Session) {
	if sess.ckpt != nil && s.pausing[sess.key] == nil {
		s.pausing[sess.key] = make(chan struct{})
	}
}

// waitPaused waits until a checkpoint of the session key being written ends.
func (s *Sessions) waitPaused(key string) {
	s.mu.Lock()
	ch := s.pausing[key]
	s.mu.Unlock()
	if ch != nil {
		<-ch
	}
}

// pause checkpoints an idle session's environment before its teardown. It
// reports whether the image was saved; on false the session simply ends.
func (s *Sessions) pause(sess *Session) bool {
	defer func() {
		s.mu.Lock()
		if ch := s.pausing[sess.key]; ch != nil {
			close(ch)
			delete(s.pausing, sess.key)
		}
		s.mu.Unlock()
	}()
	obs := s.cpObserver()
	cp, ok := s.o.Driver.(sandbox.Checkpointer)
	if !ok || !s.o.Driver.Capabilities().Checkpoint {
		s.log.Info("session not checkpointed: the sandbox driver cannot checkpoint; it ends and the next invocation starts it afresh",
			"runtime", sess.RuntimeID, "session", sess.ID, "driver", s.o.Driver.Name(), "env", CheckpointOnIdleEnv)
		if obs != nil {
			obs.SessionCheckpointed(sess.RuntimeID, "unsupported", 0, 0)
		}
		return false
	}
	t0 := time.Now()
	dir := sess.ckpt.Dir
	fail := func(err error) bool {
		os.RemoveAll(dir)
		s.log.Warn("session checkpoint failed; it ends and the next invocation starts it afresh", "runtime", sess.RuntimeID, "session", sess.ID, "err", err)
		if obs != nil {
			obs.SessionCheckpointed(sess.RuntimeID, "failed", time.Since(t0), 0)
		}
		return false
	}
	os.RemoveAll(dir)
	img := filepath.Join(dir, "image")
	if err := os.MkdirAll(img, 0o700); err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	info, err := cp.Checkpoint(ctx, sess.inst, img)
	cancel()
	if err != nil {
		return fail(err)
	}
	m := checkpointMeta{Version: sess.Version, Driver: s.o.Driver.Name(), Created: time.Now().UTC(), Bytes: info.Bytes}
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, "meta.json"), b, 0o600); err != nil {
		return fail(err)
	}
	took := time.Since(t0)
	s.mu.Lock()
	s.paused[sess.key] = m.Created
	s.mu.Unlock()
	s.log.Info("session checkpointed", "runtime", sess.RuntimeID, "session", sess.ID, "took", took, "bytes", info.Bytes)
	if obs != nil {
		obs.SessionCheckpointed(sess.RuntimeID, "saved", took, info.Bytes)
	}
	return true
}

// startOrRestore starts the session's environment: from its checkpoint when
// it has one of this version (the image is consumed either way), else
// afresh. restored says which.
func (s *Sessions) startOrRestore(sess *Session, L *Launch) (inst sandbox.Instance, restored bool, err error) {
	if L.Checkpoint == nil || sess.key == "" {
		inst, err = s.o.Driver.Start(s.ctx, L.Spec)
		return inst, false, err
	}
	s.waitPaused(sess.key)
	s.mu.Lock()
	delete(s.paused, sess.key)
	s.mu.Unlock()
	dir := L.Checkpoint.Dir
	b, rerr := os.ReadFile(filepath.Join(dir, "meta.json"))
	if rerr != nil {
		os.RemoveAll(dir) // none, or an incomplete image
		inst, err = s.o.Driver.Start(s.ctx, L.Spec)
		return inst, false, err
	}
	obs := s.cpObserver()
	var m checkpointMeta
	cp, ok := s.o.Driver.(sandbox.Checkpointer)
	switch {
	case json.Unmarshal(b, &m) != nil || m.Version != sess.Version || !ok || m.Driver != s.o.Driver.Name():
		os.RemoveAll(dir)
		s.log.Info("session checkpoint discarded: it is of another runtime version or driver", "runtime", sess.RuntimeID, "session", sess.ID,
			"imageVersion", m.Version, "version", sess.Version, "imageDriver", m.Driver)
		if obs != nil {
			obs.SessionRestored(sess.RuntimeID, "discarded", 0)
		}
	default:
		t0 := time.Now()
		inst, err = cp.Restore(s.ctx, L.Spec, filepath.Join(dir, "image"))
		if err == nil {
			return inst, true, nil
		}
		s.restoreFailed(sess, err, time.Since(t0))
		os.RemoveAll(dir)
	}
	inst, err = s.o.Driver.Start(s.ctx, L.Spec)
	return inst, false, err
}

// restoreFailed logs and counts a restore that did not work out (the
// session then starts afresh).
func (s *Sessions) restoreFailed(sess *Session, err error, took time.Duration) {
	s.log.Warn("session restore failed; starting it afresh", "runtime", sess.RuntimeID, "session", sess.ID, "err", err)
	if obs := s.cpObserver(); obs != nil {
		obs.SessionRestored(sess.RuntimeID, "failed", took)
	}
}

// consumeCheckpoint removes the image a session started from, once the
// restored environment answered (runsc reads the image until then) or the
// restore failed: a session is restored once, its state moves on.
func (s *Sessions) consumeCheckpoint(L *Launch) {
	if L.Checkpoint != nil {
		os.RemoveAll(L.Checkpoint.Dir)
	}
}

// DiscardCheckpoint removes a paused session's checkpoint (after a
// checkpoint being written finishes). It reports whether there was one.
func (s *Sessions) DiscardCheckpoint(acct, runtimeID, sessionID string, t CheckpointTarget) bool {
	key := sessionKey(acct, runtimeID, sessionID)
	s.waitPaused(key)
	s.mu.Lock()
	delete(s.paused, key)
	s.mu.Unlock()
	_, err := os.Stat(filepath.Join(t.Dir, "meta.json"))
	if rerr := os.RemoveAll(t.Dir); rerr != nil {
		s.log.Warn("remove session checkpoint", "dir", t.Dir, "err", rerr)
	}
	return err == nil || !errors.Is(err, os.ErrNotExist)
}

// Paused counts the sessions this server paused and that were not resumed,
// stopped or deleted since.
func (s *Sessions) Paused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.paused)
}

// forgetPausedLocked drops the paused records under a key prefix (a runtime
// deleted). s.mu must be held.
func (s *Sessions) forgetPausedLocked(prefix string) {
	for k := range s.paused {
		if strings.HasPrefix(k, prefix) {
			delete(s.paused, k)
		}
	}
}
