package runtime

import (
	"sort"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// RuntimeUsage is the resource use of one runtime's sessions on this server.
type RuntimeUsage struct {
	RuntimeID   string
	Sessions    int           // running sessions
	MemoryBytes int64         // memory of the running sessions now
	CPUTime     time.Duration // CPU time of running and ended sessions (never decreases)
}

// usageState keeps what Usage needs across calls; guarded by Sessions.mu.
type usageState struct {
	endedCPU map[string]time.Duration // per runtime: CPU of ended sessions
}

// Usage samples every running session's environment (drivers implementing
// sandbox.UsageReporter) and sums per runtime. CPU time includes ended
// sessions, so it can be exported as a counter.
func (s *Sessions) Usage() []RuntimeUsage {
	s.mu.Lock()
	live := make([]*Session, 0, len(s.m))
	for _, sess := range s.m {
		if !sess.Started.IsZero() && !sess.stopped && sess.inst != nil {
			live = append(live, sess)
		}
	}
	by := map[string]*RuntimeUsage{}
	for id, cpu := range s.usage.endedCPU {
		by[id] = &RuntimeUsage{RuntimeID: id, CPUTime: cpu}
	}
	s.mu.Unlock()
	for _, sess := range live {
		u := by[sess.RuntimeID]
		if u == nil {
			u = &RuntimeUsage{RuntimeID: sess.RuntimeID}
			by[sess.RuntimeID] = u
		}
		u.Sessions++
		cur := sess.sampleUsage()
		u.MemoryBytes += cur.MemoryBytes
		u.CPUTime += cur.CPUTime
	}
	out := make([]RuntimeUsage, 0, len(by))
	for _, u := range by {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].RuntimeID < out[j].RuntimeID })
	return out
}

// sampleUsage reads the environment's usage; on failure (or without a
// reporting driver) it returns the last good reading with memory zeroed.
func (sess *Session) sampleUsage() sandbox.Usage {
	ur, ok := sess.inst.(sandbox.UsageReporter)
	if !ok {
		return sandbox.Usage{}
	}
	u, err := ur.Usage()
	last := sess.lastUsage.Load()
	if err != nil {
		if last == nil {
			return sandbox.Usage{}
		}
		return sandbox.Usage{CPUTime: last.CPUTime}
	}
	if last != nil && u.CPUTime < last.CPUTime {
		u.CPUTime = last.CPUTime
	}
	sess.lastUsage.Store(&u)
	return u
}

// recordEnded adds a session's final CPU time to its runtime's total
// (called once, before the environment is stopped).
func (s *Sessions) recordEnded(sess *Session) {
	if sess.inst == nil || sess.Started.IsZero() || sess.RuntimeID == "" {
		return
	}
	u := sess.sampleUsage()
	if u.CPUTime == 0 {
		return
	}
	s.mu.Lock()
	if s.usage.endedCPU == nil {
		s.usage.endedCPU = map[string]time.Duration{}
	}
	s.usage.endedCPU[sess.RuntimeID] += u.CPUTime
	s.mu.Unlock()
}
