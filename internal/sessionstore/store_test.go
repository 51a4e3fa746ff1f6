package sessionstore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

type clock struct{ t atomic.Pointer[time.Time] }

func (c *clock) now() time.Time      { return *c.t.Load() }
func (c *clock) add(d time.Duration) { t := c.now().Add(d); c.t.Store(&t) }

func newStore(t *testing.T, o Options) (*Store, *clock) {
	c := &clock{}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c.t.Store(&now)
	o.Root, o.Now, o.Interval = t.TempDir(), c.now, time.Hour
	s := New(o)
	t.Cleanup(s.Close)
	return s, c
}

const acct, rt = "123456789012", "agent-abcdefghij"

func open(t *testing.T, s *Store, sid string, version int) *Handle {
	t.Helper()
	h, err := s.Open(context.Background(), acct, rt, sid, version)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestKeptResetAndSeparate(t *testing.T) {
	s, _ := newStore(t, Options{})
	h := open(t, s, "session-1", 1)
	os.WriteFile(filepath.Join(h.Data(), "f"), []byte("x"), 0o644)
	h.Close()
	h = open(t, s, "session-1", 1)
	if _, err := os.Stat(filepath.Join(h.Data(), "f")); err != nil {
		t.Fatalf("not kept: %v", err)
	}
	h.Close()
	other := open(t, s, "session-2", 1)
	if other.Data() == h.Data() {
		t.Fatal("two sessions share a directory")
	}
	other.Close()
	h = open(t, s, "session-1", 2)
	if ents, _ := os.ReadDir(h.Data()); len(ents) != 0 {
		t.Fatalf("version 2 kept %d entries", len(ents))
	}
	h.Close()
}

func TestOpenWaitsForPreviousHolder(t *testing.T) {
	s, _ := newStore(t, Options{})
	h := open(t, s, "session-1", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := s.Open(ctx, acct, rt, "session-1", 1); err == nil {
		t.Fatal("two environments hold one session's storage")
	}
	go func() { time.Sleep(50 * time.Millisecond); h.Close() }()
	h2 := open(t, s, "session-1", 1)
	h2.Close()
}

func TestExpiry(t *testing.T) {
	s, c := newStore(t, Options{TTL: time.Hour})
	open(t, s, "old", 1).Close()
	held := open(t, s, "held", 1)
	c.add(30 * time.Minute)
	open(t, s, "recent", 1).Close()
	c.add(45 * time.Minute)
	if n := s.Sweep(); n != 1 {
		t.Fatalf("swept %d, want 1 (old)", n)
	}
	for sid, want := range map[string]bool{"old": false, "held": true, "recent": true} {
		if _, err := os.Stat(s.SessionDir(acct, rt, sid)); (err == nil) != want {
			t.Errorf("%s: exists=%v, want %v", sid, err == nil, want)
		}
	}
	held.Close()
	c.add(2 * time.Hour)
	if n := s.Sweep(); n != 2 {
		t.Fatalf("swept %d, want 2", n)
	}
	if _, err := os.Stat(filepath.Join(s.o.Root, acct)); err == nil {
		t.Fatal("empty account directory left behind")
	}
}

func TestQuotas(t *testing.T) {
	s, _ := newStore(t, Options{MaxBytes: 1 << 20, MaxFiles: 10})
	h := open(t, s, "s", 1)
	var told atomic.Value
	h.OnExceeded = func(err error) { told.Store(err) }
	for i := range 20 {
		os.WriteFile(filepath.Join(h.Data(), "f"+string(rune('a'+i))), nil, 0o644)
	}
	s.CheckQuotas()
	err, _ := told.Load().(error)
	if errs.KindOf(err) != errs.QuotaExceeded || !strings.Contains(err.Error(), "20 files") {
		t.Fatalf("OnExceeded got %v", err)
	}
	h.Close()
	if _, err := s.Open(context.Background(), acct, rt, "s", 1); errs.KindOf(err) != errs.QuotaExceeded {
		t.Fatalf("open over the file quota: %v", err)
	}
	h2 := open(t, s, "big", 1)
	os.WriteFile(filepath.Join(h2.Data(), "blob"), make([]byte, 2<<20), 0o644)
	h2.Close()
	if _, err := s.Open(context.Background(), acct, rt, "big", 1); errs.KindOf(err) != errs.QuotaExceeded || !strings.Contains(err.Error(), "bytes") {
		t.Fatalf("open over the byte quota: %v", err)
	}
}

// TestStats: a later environment finding its files counts as a resume, a
// new version as a reset; held directories report their last measure.
func TestStats(t *testing.T) {
	s, _ := newStore(t, Options{})
	h := open(t, s, "s1", 1)
	if err := os.WriteFile(filepath.Join(h.Data(), "f"), make([]byte, 10000), 0o644); err != nil {
		t.Fatal(err)
	}
	h.Close()
	h = open(t, s, "s1", 1)
	st := s.Stats()
	if st.Resumes != 1 || st.Held != 1 || st.HeldBytes < 10000 || st.HeldFiles < 1 {
		t.Fatalf("after a resume: %+v", st)
	}
	h.Close()
	h = open(t, s, "s1", 2)
	defer h.Close()
	if st := s.Stats(); st.Resets != 1 || st.Resumes != 1 {
		t.Fatalf("after a new version: %+v", st)
	}
}
