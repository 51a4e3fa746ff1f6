package runtime

import (
	"context"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WarmPoolEnv, set in a runtime's environmentVariables, asks for that many
// pre-started environments per version (off by default). Each pooled
// environment serves exactly one session: it is never reused.
const WarmPoolEnv = "AGENTCORE_WARM_POOL"

// warmPool holds ready, unassigned environments of one runtime version.
type warmPool struct {
	size    int
	ready   []*Session
	filling int
	launch  func() (*Launch, error)
	// failures counts failed starts in a row; a refill after one waits
	// retryDelay(failures) (retry pending while it waits).
	failures int
	retry    bool
}

// retryDelay is how long a pool waits after n failed starts in a row
// before it tries again: 100 ms doubling up to 30 s.
func retryDelay(n int) time.Duration {
	d := 100 * time.Millisecond << min(n-1, 9)
	return min(d, 30*time.Second)
}

func poolKey(acct, runtimeID string, version int) string {
	return acct + "/" + runtimeID + "/" + strconv.Itoa(version)
}

// EnsurePool keeps size environments of a version started ahead of demand.
// launch builds one environment (with no session id yet).
func (s *Sessions) EnsurePool(acct, runtimeID string, version, size int, launch func() (*Launch, error)) {
	if size <= 0 {
		return
	}
	s.poolMu.Lock()
	defer s.poolMu.Unlock()
	if s.pools == nil {
		s.pools = map[string]*warmPool{}
	}
	k := poolKey(acct, runtimeID, version)
	p := s.pools[k]
	if p == nil {
		p = &warmPool{}
		s.pools[k] = p
	}
	p.size, p.launch = size, launch
	s.fillLocked(acct, runtimeID, version, p)
}

// maxPoolStarts bounds how many environments one pool starts at once. A
// start is mostly CPU work (an interpreter booting), so starting more than
// the machine has CPUs does not fill the pool sooner; it only takes CPU
// from the sessions being served, e.g. the burst of sessions that just
// emptied the pool and whose first calls would otherwise compete with as
// many replacements starting at once.
var maxPoolStarts = max(2, goruntime.NumCPU())

// fillLocked starts environments until the pool is full, at most
// maxPoolStarts at a time (each finished start starts the next). s.poolMu
// is held.
func (s *Sessions) fillLocked(acct, runtimeID string, version int, p *warmPool) {
	if p.retry {
		return // a failed start's backoff is running; it refills when it ends
	}
	for len(p.ready)+p.filling < p.size && p.filling < maxPoolStarts && s.ctx.Err() == nil {
		p.filling++
		sess := &Session{ID: "", RuntimeID: runtimeID, Version: version, key: "pool:" + poolKey(acct, runtimeID, version), ready: make(chan struct{}), pooled: true}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if !s.addPooled(acct, runtimeID, version, p, sess, s.boot(sess, p.launch)) {
				// The pool was dropped (runtime deleted, server closing)
				// while this environment started: do not strand it.
				s.teardown(sess, "warm pool dropped")
			}
		}()
	}
}

// addPooled records a finished start; it reports false when the started
// environment has no pool to go to and must be torn down.
func (s *Sessions) addPooled(acct, runtimeID string, version int, p *warmPool, sess *Session, err error) bool {
	s.poolMu.Lock()
	defer s.poolMu.Unlock()
	p.filling--
	if err != nil {
		sess.err = err
		close(sess.ready)
		p.failures++
		if s.pools[poolKey(acct, runtimeID, version)] == p && s.ctx.Err() == nil && !p.retry {
			// Retry with backoff: one failed start (a transient host
			// condition) must not leave the pool short for good.
			d := retryDelay(p.failures)
			s.log.Warn("warm pool: start failed; retrying", "runtime", runtimeID, "version", version, "failures", p.failures, "in", d, "err", err)
			p.retry = true
			time.AfterFunc(d, func() {
				s.poolMu.Lock()
				defer s.poolMu.Unlock()
				p.retry = false
				if s.pools[poolKey(acct, runtimeID, version)] == p {
					s.fillLocked(acct, runtimeID, version, p)
				}
			})
		}
		return true
	}
	close(sess.ready)
	p.failures = 0
	if s.pools[poolKey(acct, runtimeID, version)] != p || s.ctx.Err() != nil {
		return false
	}
	p.ready = append(p.ready, sess)
	s.fillLocked(acct, runtimeID, version, p) // the next start, if the pool is not full yet
	return true
}

// takePooled hands out a ready pooled environment for a new session, if any,
// and starts a replacement.
func (s *Sessions) takePooled(acct, runtimeID string, version int) *Session {
	s.poolMu.Lock()
	defer s.poolMu.Unlock()
	p := s.pools[poolKey(acct, runtimeID, version)]
	if p == nil || len(p.ready) == 0 {
		return nil
	}
	for len(p.ready) > 0 {
		sess := p.ready[0]
		p.ready = p.ready[1:]
		select {
		case <-sess.inst.Done(): // died while waiting: discard
			go s.teardown(sess, "pooled environment exited")
			continue
		default:
		}
		s.fillLocked(acct, runtimeID, version, p)
		return sess
	}
	s.fillLocked(acct, runtimeID, version, p)
	return nil
}

// dropPools stops the pooled environments of a runtime (all versions when
// version is 0), or of every runtime when runtimeID is "".
func (s *Sessions) dropPools(acct, runtimeID string, version int) {
	s.poolMu.Lock()
	var victims []*Session
	for k, p := range s.pools {
		match := runtimeID == "" || strings.HasPrefix(k, acct+"/"+runtimeID+"/") && (version == 0 || k == poolKey(acct, runtimeID, version))
		if !match {
			continue
		}
		victims = append(victims, p.ready...)
		p.ready, p.size = nil, 0
		delete(s.pools, k)
	}
	s.poolMu.Unlock()
	var wg sync.WaitGroup
	for _, sess := range victims {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.teardown(sess, "warm pool dropped")
		}()
	}
	wg.Wait()
}

// PoolSize reads the warm pool size a version asks for.
func PoolSize(v *Version, def int) int {
	if n, err := strconv.Atoi(v.Config.EnvironmentVariables[WarmPoolEnv]); err == nil && n >= 0 {
		if n > 64 {
			n = 64
		}
		return n
	}
	return def
}

// warm keeps a version's warm pool filled when the version asks for one.
func (s *Service) warm(acct, id string, n int) {
	size, ok := s.poolSizes.Load(poolKey(acct, id, n))
	if !ok {
		v, err := s.repo.version(s.ctx, acct, id, n)
		if err != nil || v.Status != StatusReady {
			return
		}
		size = PoolSize(v, s.poolDefault)
		if hasSessionStorage(v) || checkpointOnIdle(v) {
			// Each environment mounts its session's storage from the start,
			// or may have to be restored from the session's checkpoint.
			size = 0
		}
		s.poolSizes.Store(poolKey(acct, id, n), size)
	}
	if size.(int) == 0 || s.sessions == nil {
		return
	}
	s.sessions.EnsurePool(acct, id, n, size.(int), func() (*Launch, error) {
		ctx, cancel := context.WithTimeout(s.ctx, 5*time.Minute)
		defer cancel()
		return s.launch(ctx, acct, id, n, "")
	})
}

// PooledReady counts ready pooled environments across all runtimes.
func (s *Sessions) PooledReady() int {
	s.poolMu.Lock()
	defer s.poolMu.Unlock()
	n := 0
	for _, p := range s.pools {
		n += len(p.ready)
	}
	return n
}
