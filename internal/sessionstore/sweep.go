package sessionstore

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

func (s *Store) loop() {
	defer s.wg.Done()
	t := time.NewTicker(s.o.Interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.CheckQuotas()
			s.Sweep()
		}
	}
}

// CheckQuotas measures every held directory and tells the holder of one
// over a quota (Handle.OnExceeded), once.
func (s *Store) CheckQuotas() {
	s.mu.Lock()
	var held []*Handle
	for _, h := range s.held {
		held = append(held, h)
	}
	s.mu.Unlock()
	for _, h := range held {
		u, err := sandbox.MeasureTree(h.Data())
		if err != nil {
			continue // removed or still being created
		}
		s.mu.Lock()
		h.bytes, h.files = u.Bytes, u.Files
		report := h.OnExceeded != nil && !h.reported
		s.mu.Unlock()
		if !report {
			continue
		}
		if err := s.check(u); err != nil {
			s.mu.Lock()
			h.reported = true
			s.mu.Unlock()
			s.log.Warn("session storage over quota", "dir", h.dir, "bytes", u.Bytes, "files", u.Files)
			h.OnExceeded(err)
		}
	}
}

// Sweep removes session directories not used for TTL (and not held now).
// It returns how many it removed.
func (s *Store) Sweep() int {
	now := s.o.Now()
	n := 0
	accts, _ := os.ReadDir(s.o.Root)
	for _, a := range accts {
		rts, _ := os.ReadDir(filepath.Join(s.o.Root, a.Name()))
		for _, r := range rts {
			rtDir := filepath.Join(s.o.Root, a.Name(), r.Name())
			sess, _ := os.ReadDir(rtDir)
			for _, e := range sess {
				dir := filepath.Join(rtDir, e.Name())
				m, err := readMeta(dir)
				if err != nil {
					st, serr := os.Stat(dir)
					if serr != nil || now.Sub(st.ModTime()) < s.o.TTL {
						continue
					}
				} else if now.Sub(m.LastUsed) < s.o.TTL {
					continue
				}
				s.mu.Lock()
				_, busy := s.held[dir]
				if !busy {
					// Removed under the lock: Open cannot take it meanwhile.
					if err := os.RemoveAll(dir); err != nil {
						s.log.Warn("session storage: remove expired", "dir", dir, "err", err)
					} else {
						n++
					}
				}
				s.mu.Unlock()
			}
			os.Remove(rtDir) // only when empty
		}
		os.Remove(filepath.Join(s.o.Root, a.Name()))
	}
	if s.o.Remote != nil {
		ctx, cancel := context.WithTimeout(context.Background(), s.o.SyncTimeout)
		n += s.sweepRemote(ctx, "", false)
		cancel()
	}
	s.n.expired.Add(int64(n))
	if n > 0 {
		s.log.Info("session storage expired", "removed", n, "ttl", s.o.TTL)
	}
	return n
}

// RemoveRuntime deletes every session directory of a runtime (after
// DeleteAgentRuntime, once its sessions are gone).
func (s *Store) RemoveRuntime(acct, runtimeID string) error {
	if s.o.Remote != nil {
		s.removeRemoteRuntime(acct, runtimeID)
	}
	return os.RemoveAll(filepath.Join(s.o.Root, acct, runtimeID))
}
