// Package sessionstore keeps the persistent directories of managed session
// storage (filesystemConfigurations[].sessionStorage of an agent runtime):
// one per account, runtime and session id, under the server's data
// directory. A directory outlives the session environments that mount it
// (stop, idle timeout, max lifetime, crash, server restart); it is emptied
// when a session comes back on another runtime version, removed after TTL
// without use, and measured against size and file-count quotas.
//
// Layout: ROOT/<account>/<runtimeId>/<sha256(sessionId)[:32]>/ holds
// meta.json (version, last use) and data/, the directory the agent sees at
// its mountPath; the runtime keeps a paused session's checkpoint image in
// checkpoint/ beside them (internal/runtime/checkpoint.go), so expiry and
// RemoveRuntime remove it too. Only one environment holds a directory at a time: Open
// waits until the previous holder (a session still stopping) Closes.
//
// With a store shared by server replicas (Options.Remote), each Close also
// stores a tar.gz snapshot of the directory there, and Open restores the
// latest snapshot when the local copy is not the one it was taken from
// (remote.go): last writer wins at session end, a session runs on one
// replica at a time.
package sessionstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Defaults of Options.
const (
	DefaultTTL      = 14 * 24 * time.Hour
	DefaultMaxBytes = 1 << 30
	DefaultMaxFiles = 100000
	DefaultInterval = 30 * time.Second
)

// Options configure a Store; zero values take the defaults.
type Options struct {
	Root     string        // e.g. data-dir/session-storage
	TTL      time.Duration // removal after this long without use
	MaxBytes int64         // quota: allocated bytes per session
	MaxFiles int64         // quota: files and directories per session
	// Interval is how often running sessions are measured against the
	// quotas and expired directories are removed.
	Interval time.Duration
	Logger   *slog.Logger
	Now      func() time.Time
	// Remote, when set (a store shared by the replicas: postgres, s3),
	// keeps a snapshot of each session's directory, taken when an
	// environment lets it go and restored on another node (remote.go).
	// KV holds the snapshot records; it is required with Remote.
	Remote artifact.Store
	KV     store.KV
	// SyncTimeout bounds one snapshot upload (default 10 minutes).
	SyncTimeout time.Duration
}

// Store hands out session directories.
type Store struct {
	o   Options
	log *slog.Logger

	mu   sync.Mutex
	held map[string]*Handle // key → the open handle
	n    counters           // stats.go

	stop chan struct{}
	wg   sync.WaitGroup
}

// meta is a session directory's meta.json.
type meta struct {
	Version  int       `json:"version"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"lastUsed"`
	Bytes    int64     `json:"bytes"`
	Files    int64     `json:"files"`
	// Snapshot is the shared store's object this copy matches (remote.go);
	// "" when it was never synchronised.
	Snapshot string `json:"snapshot,omitempty"`
	// Print is the data tree's fingerprint when it matched Snapshot
	// (stored or restored): an unchanged tree is not stored again.
	Print string `json:"print,omitempty"`
}

// New returns a store and starts its quota and expiry loop (Close ends it).
func New(o Options) *Store {
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxFiles == 0 {
		o.MaxFiles = DefaultMaxFiles
	}
	if o.Interval == 0 {
		o.Interval = DefaultInterval
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SyncTimeout == 0 {
		o.SyncTimeout = 10 * time.Minute
	}
	if o.KV == nil {
		o.Remote = nil
	}
	s := &Store{o: o, log: o.Logger.With("component", "sessionstore"), held: map[string]*Handle{}, stop: make(chan struct{})}
	s.wg.Add(1)
	go s.loop()
	return s
}

// Close ends the background loop.
func (s *Store) Close() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.wg.Wait()
}

// Handle is one environment's hold on a session directory.
type Handle struct {
	s     *Store
	key   string
	dir   string
	freed chan struct{}
	once  sync.Once
	// OnExceeded, when set, is called (from the store's loop) once the
	// directory is found over a quota while held.
	OnExceeded func(err error)
	reported   bool
	// bytes and files are the last measure (s.mu).
	bytes, files int64
}

// Data is the directory to mount at the mountPath.
func (h *Handle) Data() string { return filepath.Join(h.dir, "data") }

// SessionDir is where a session's storage lives (whether or not it exists).
func (s *Store) SessionDir(acct, runtimeID, sessionID string) string {
	sum := sha256.Sum256([]byte(sessionID))
	return filepath.Join(s.o.Root, acct, runtimeID, hex.EncodeToString(sum[:16]))
}

// Open takes the session's directory for one environment, creating it on
// first use and emptying it when the session last ran another version.
// It waits while another environment of the same session holds it. A
// directory over a quota is refused (ServiceQuotaExceededException).
func (s *Store) Open(ctx context.Context, acct, runtimeID, sessionID string, version int) (*Handle, error) {
	dir := s.SessionDir(acct, runtimeID, sessionID)
	h := &Handle{s: s, key: dir, dir: dir, freed: make(chan struct{})}
	for {
		s.mu.Lock()
		prev := s.held[dir]
		if prev == nil {
			s.held[dir] = h
			s.mu.Unlock()
			break
		}
		s.mu.Unlock()
		select {
		case <-prev.freed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	ok := false
	defer func() {
		if !ok {
			h.release()
		}
	}()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("session storage: %w", err)
	}
	now := s.o.Now().UTC()
	m, err := readMeta(dir)
	if s.o.Remote != nil {
		if serr := s.syncIn(ctx, dir, version, &m, &err); serr != nil {
			return nil, serr
		}
	}
	switch {
	case errors.Is(err, os.ErrNotExist):
		m = meta{Version: version, Created: now}
		os.RemoveAll(h.Data()) // a directory whose meta.json was never written
	case err != nil:
		return nil, fmt.Errorf("session storage: %w", err)
	case m.Version != version:
		s.n.resets.Add(1)
		s.log.Info("session storage reset: the session now runs another version", "runtime", runtimeID, "from", m.Version, "to", version)
		if err := os.RemoveAll(h.Data()); err != nil {
			return nil, fmt.Errorf("session storage: reset: %w", err)
		}
		m = meta{Version: version, Created: now}
	}
	if err := os.Mkdir(h.Data(), 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("session storage: %w", err)
	}
	u, err := sandbox.MeasureTree(h.Data())
	if err != nil {
		return nil, fmt.Errorf("session storage: measure: %w", err)
	}
	if !m.LastUsed.IsZero() && m.Version == version && u.Files > 0 {
		s.n.resumes.Add(1) // a later environment of the session, finding its files
	}
	m.LastUsed, m.Bytes, m.Files = now, u.Bytes, u.Files
	s.mu.Lock()
	h.bytes, h.files = u.Bytes, u.Files
	s.mu.Unlock()
	if err := writeMeta(dir, m); err != nil {
		return nil, fmt.Errorf("session storage: %w", err)
	}
	if err := s.check(u); err != nil {
		return nil, err
	}
	ok = true
	return h, nil
}

// check reports a quota the usage exceeds.
func (s *Store) check(u sandbox.TreeUsage) error {
	switch {
	case u.Bytes > s.o.MaxBytes:
		return errs.E(errs.QuotaExceeded, "session storage holds %d bytes, over the quota of %d bytes per session; delete files (the storage is emptied when the runtime's version changes and removed after %s without use)", u.Bytes, s.o.MaxBytes, s.o.TTL)
	case u.Files > s.o.MaxFiles:
		return errs.E(errs.QuotaExceeded, "session storage holds %d files and directories, over the quota of %d per session; delete files (the storage is emptied when the runtime's version changes and removed after %s without use)", u.Files, s.o.MaxFiles, s.o.TTL)
	}
	return nil
}

// Close records the last use, stores a snapshot in the shared store (when
// there is one; before returning) and lets the next environment of the
// session open the directory. Idempotent.
func (h *Handle) Close() {
	h.once.Do(func() {
		defer h.release()
		m, err := readMeta(h.dir)
		if err != nil {
			return
		}
		m.LastUsed = h.s.o.Now().UTC()
		if u, err := sandbox.MeasureTree(h.Data()); err == nil {
			m.Bytes, m.Files = u.Bytes, u.Files
		}
		if err := writeMeta(h.dir, m); err != nil {
			h.s.log.Warn("session storage: record last use", "dir", h.dir, "err", err)
		}
		if h.s.o.Remote == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), h.s.o.SyncTimeout)
		defer cancel()
		obj, err := h.s.syncOut(ctx, h.dir, m)
		if err != nil {
			h.s.n.syncFailures.Add(1)
			h.s.log.Warn("session storage: snapshot to the shared store failed; another node resumes the session from its previous snapshot", "dir", h.dir, "err", err)
			return
		}
		if obj != "" {
			m.Snapshot = obj
			m.Print, _ = fingerprint(h.Data())
			if err := writeMeta(h.dir, m); err != nil {
				h.s.log.Warn("session storage: record the snapshot", "dir", h.dir, "err", err)
			}
		}
	})
}

func (h *Handle) release() {
	h.s.mu.Lock()
	if h.s.held[h.key] == h {
		delete(h.s.held, h.key)
	}
	h.s.mu.Unlock()
	select {
	case <-h.freed:
	default:
		close(h.freed)
	}
}

func readMeta(dir string) (meta, error) {
	var m meta
	b, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s/meta.json: %w", dir, err)
	}
	return m, nil
}

func writeMeta(dir string, m meta) error {
	b, _ := json.Marshal(m)
	tmp := filepath.Join(dir, "meta.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "meta.json"))
}
