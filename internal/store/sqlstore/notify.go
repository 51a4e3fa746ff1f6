package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/store"
)

var _ store.Notifier = (*Store)(nil)

// Listener is the engine's cross-connection notification channel
// (PostgreSQL LISTEN/NOTIFY). Engines without one (SQLite: one process owns
// the file) announce writes in-process only.
type Listener struct {
	// NotifySQL sends one payload inside the writing transaction, with one
	// '?' placeholder for it (e.g. SELECT pg_notify('chan', ?)).
	NotifySQL string
	// Listen delivers payloads sent by NotifySQL (from any connection) to fn
	// until ctx ends or the link fails; it returns the failure.
	Listen func(ctx context.Context, db *sql.DB, fn func(payload string)) error
}

// maxPayload keeps a notification under PostgreSQL's 8000-byte limit; a
// larger change set is announced as "the table changed".
const maxPayload = 7000

type watcher struct {
	fn  func(key string)
	ctx context.Context
}

// watchers is the set of Watch callbacks and the listener goroutine.
type watchers struct {
	mu      sync.RWMutex
	byTable map[string][]*watcher
	started bool
	stop    context.CancelFunc
	done    chan struct{}
}

// Watch implements store.Notifier.
func (s *Store) Watch(ctx context.Context, table string, fn func(key string)) {
	w := &watcher{fn: fn, ctx: ctx}
	s.w.mu.Lock()
	if s.w.byTable == nil {
		s.w.byTable = map[string][]*watcher{}
	}
	s.w.byTable[table] = append(s.w.byTable[table], w)
	start := !s.w.started && s.d.Listener != nil
	if start {
		s.w.started = true
		lctx, cancel := context.WithCancel(context.Background())
		s.w.stop, s.w.done = cancel, make(chan struct{})
		go s.listen(lctx)
	}
	s.w.mu.Unlock()
	if ctx.Done() == nil {
		return // watches for the store's lifetime
	}
	go func() {
		<-ctx.Done()
		s.w.mu.Lock()
		defer s.w.mu.Unlock()
		ws := s.w.byTable[table]
		for i, x := range ws {
			if x == w {
				s.w.byTable[table] = append(ws[:i:i], ws[i+1:]...)
				break
			}
		}
	}()
}

// watched returns the ops of watched tables as [table, key] pairs.
func (s *Store) watched(ops []store.Op) [][2]string {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	if len(s.w.byTable) == 0 {
		return nil
	}
	var out [][2]string
	for _, op := range ops {
		if len(s.w.byTable[op.Table]) > 0 {
			out = append(out, [2]string{op.Table, op.Key})
		}
	}
	return out
}

// notifyPayload encodes changes, collapsing an oversized set to whole tables.
func notifyPayload(ch [][2]string) string {
	b, _ := json.Marshal(ch)
	if len(b) <= maxPayload {
		return string(b)
	}
	seen := map[string]bool{}
	var tables [][2]string
	for _, c := range ch {
		if !seen[c[0]] {
			seen[c[0]] = true
			tables = append(tables, [2]string{c[0], ""})
		}
	}
	b, _ = json.Marshal(tables)
	return string(b)
}

// dispatch calls the watchers of each change.
func (s *Store) dispatch(ch [][2]string) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	for _, c := range ch {
		for _, w := range s.w.byTable[c[0]] {
			if w.ctx.Err() == nil {
				w.fn(c[1])
			}
		}
	}
}

// resetAll tells every watcher that changes may have been missed.
func (s *Store) resetAll() {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	for _, ws := range s.w.byTable {
		for _, w := range ws {
			w.fn("")
		}
	}
}

// listen keeps the engine's listener running, re-establishing it after a
// failure (and announcing possibly missed changes).
func (s *Store) listen(ctx context.Context) {
	defer close(s.w.done)
	for ctx.Err() == nil {
		err := s.d.Listener.Listen(ctx, s.db, func(payload string) {
			var ch [][2]string
			if json.Unmarshal([]byte(payload), &ch) == nil {
				s.dispatch(ch)
			}
		})
		if ctx.Err() != nil {
			return
		}
		s.resetAll()
		if err != nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}
}

// stopListening ends the listener goroutine (Close).
func (s *Store) stopListening() {
	s.w.mu.Lock()
	stop, done := s.w.stop, s.w.done
	s.w.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}
