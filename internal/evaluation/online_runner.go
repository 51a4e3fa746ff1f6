package evaluation

import (
	"context"
	"hash/fnv"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// doneMark records that a config has taken a session (created if absent
// before the session is evaluated: another replica, or this one after a
// restart, does not take it again).
type doneMark struct {
	Status    string    `json:"status"` // CLAIMED, DONE, SKIPPED (filtered out), FAILED
	At        time.Time `json:"at"`
	Results   int       `json:"results,omitempty"`
	Error     string    `json:"error,omitempty"`
	RuntimeID string    `json:"runtimeId,omitempty"`
}

// Start runs the runner every Poll until Close.
func (s *Online) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running || s.o.Sessions == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.running, s.stop = true, cancel
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tk := time.NewTicker(s.o.Poll)
		defer tk.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tk.C:
			}
			if _, err := s.RunOnce(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("online evaluation pass failed", "err", err)
			}
		}
	}()
}

// Close stops the runner and waits for the pass in progress.
func (s *Online) Close(context.Context) error {
	s.mu.Lock()
	if s.stop != nil {
		s.stop()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// job is one session a config takes.
type job struct {
	cfg    *OnlineConfig
	target RuntimeTarget
	sess   observability.SessionSummary
}

// RunOnce evaluates, for every ENABLED config of every account, the
// sessions of its runtimes that are idle long enough, sampled, and not
// taken yet; it returns how many sessions it took.
func (s *Online) RunOnce(ctx context.Context) (int, error) {
	if s.o.Sessions == nil {
		return 0, nil
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	taken := 0
	for range s.o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if s.runJob(ctx, j) {
					mu.Lock()
					taken++
					mu.Unlock()
				}
			}
		}()
	}
	err := s.eachEnabled(ctx, func(c *OnlineConfig) error {
		return s.candidates(ctx, c, func(j job) bool {
			select {
			case jobs <- j:
				return true
			case <-ctx.Done():
				return false
			}
		})
	})
	close(jobs)
	wg.Wait()
	return taken, err
}

// eachEnabled calls fn with every ENABLED config of every account.
func (s *Online) eachEnabled(ctx context.Context, fn func(*OnlineConfig) error) error {
	after := ""
	for {
		items, err := s.kv.List(ctx, tblOnline, "", after, 100)
		if err != nil {
			return err
		}
		for _, it := range items {
			c, err := decodeConfig(it.Value)
			if err != nil {
				s.log.Warn("online evaluation config unreadable", "key", it.Key, "err", err)
				continue
			}
			if c.ExecutionStatus == ExecEnabled && c.Status == OnlineActive {
				if err := fn(c); err != nil {
					return err
				}
			}
		}
		if len(items) < 100 {
			return nil
		}
		after = items[len(items)-1].Key
	}
}

// idle is how long a config's sessions must be quiet.
func (s *Online) idle(c *OnlineConfig) time.Duration {
	d := DefaultSessionTimeout
	if c.Rule.SessionTimeoutMinutes > 0 {
		d = time.Duration(c.Rule.SessionTimeoutMinutes) * time.Minute
	}
	if s.o.MaxIdle > 0 && s.o.MaxIdle < d {
		d = s.o.MaxIdle
	}
	return d
}

// candidates hands the config's idle, sampled, untaken sessions (seen since
// the config was created) to send; send returns false to stop.
func (s *Online) candidates(ctx context.Context, c *OnlineConfig, send func(job) bool) error {
	cutoff := s.o.Now().Add(-s.idle(c))
	for _, tg := range c.Targets {
		list, err := s.o.Sessions.Sessions(ctx, observability.Filter{Account: c.Account, RuntimeARN: tg.RuntimeARN,
			From: c.CreatedAt, Limit: observability.MaxLimit})
		if err != nil {
			return err
		}
		for _, ss := range list {
			if ss.LastSeen.After(cutoff) || !Sampled(ss.SessionID, c.Rule.SamplingPercentage) {
				continue
			}
			if _, err := s.kv.Get(ctx, tblOnlineDone, doneKey(c, ss.SessionID)); err == nil {
				continue
			} else if errs.KindOf(err) != errs.NotFound {
				return err
			}
			if !send(job{cfg: c, target: tg, sess: ss}) {
				return ctx.Err()
			}
		}
	}
	return nil
}

func doneKey(c *OnlineConfig, sessionID string) string {
	return c.Account + "/" + c.ID + "/" + sessionID
}

// Sampled reports whether a session falls in the sampling percentage: a
// hash of its id, the same on every replica and every pass.
func Sampled(sessionID string, pct float64) bool {
	if pct >= 100 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(sessionID)) //nolint:errcheck // hash writes do not fail
	return float64(h.Sum64()%10000) < pct*100
}

// runJob claims the session and evaluates it; false when another pass or
// replica had it.
func (s *Online) runJob(ctx context.Context, j job) bool {
	key := doneKey(j.cfg, j.sess.SessionID)
	err := s.kv.Txn(ctx, store.CreateJSON(tblOnlineDone, key, doneMark{Status: "CLAIMED", At: s.o.Now().UTC(), RuntimeID: j.target.RuntimeID}))
	if errs.KindOf(err) == errs.Conflict {
		return false
	}
	if err != nil {
		s.log.Warn("online evaluation claim failed", "session", j.sess.SessionID, "err", err)
		return false
	}
	ctx = tenant.With(ctx, tenant.Tenant{Account: j.cfg.Account, Region: j.cfg.Region})
	mark := doneMark{Status: "DONE", RuntimeID: j.target.RuntimeID}
	n, skipped, err := s.evaluateSession(ctx, j)
	switch {
	case err != nil:
		mark.Status, mark.Error = "FAILED", err.Error()
		s.log.Warn("online evaluation failed", "config", j.cfg.ID, "session", j.sess.SessionID, "err", err)
	case skipped:
		mark.Status = "SKIPPED"
	}
	mark.Results, mark.At = n, s.o.Now().UTC()
	if err := s.kv.Txn(ctx, store.PutJSON(tblOnlineDone, key, mark)); err != nil {
		s.log.Warn("online evaluation mark failed", "session", j.sess.SessionID, "err", err)
	}
	return true
}
