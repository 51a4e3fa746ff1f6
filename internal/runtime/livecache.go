package runtime

import (
	"strings"
	"sync"
	"time"
)

// liveTTL bounds how long an endpoint's live version is served from memory.
// Endpoint writes invalidate at once: this server's own synchronously
// (forget), every server's through the store's change notifications
// (store.Notifier; PostgreSQL LISTEN/NOTIFY between replicas). The TTL
// bounds staleness where notifications do not reach (several servers on one
// SQLite file).
const liveTTL = time.Second

// liveCache remembers endpoint → live version for the invocation path, which
// otherwise reads the store on every request.
type liveCache struct {
	mu sync.Mutex
	m  map[string]liveEntry
	// pending marks keys missed by get and not invalidated since: put
	// stores only those, so a read that raced with an invalidation never
	// caches the value it read before the change.
	pending map[string]bool
}

// maxPending bounds pending (misses of endpoints that do not exist are
// never put); clearing it only costs a later put.
const maxPending = 10000

type liveEntry struct {
	version int
	at      time.Time
}

func (c *liveCache) get(key string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || time.Since(e.at) > liveTTL {
		if c.pending == nil || len(c.pending) >= maxPending {
			c.pending = map[string]bool{}
		}
		c.pending[key] = true
		return 0, false
	}
	return e.version, true
}

func (c *liveCache) put(key string, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.pending[key] {
		return // invalidated while the caller read the store
	}
	delete(c.pending, key)
	if c.m == nil {
		c.m = map[string]liveEntry{}
	}
	c.m[key] = liveEntry{version: v, at: time.Now()}
}

// invalidate drops one endpoint's entry (a store change notification for
// its key), or every entry for "" (notifications may have been missed).
func (c *liveCache) invalidate(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if key == "" {
		c.m, c.pending = nil, nil
		return
	}
	delete(c.m, key)
	delete(c.pending, key)
}

// forget drops every entry of a runtime (acct/id/...).
func (c *liveCache) forget(acct, id string) {
	prefix := acct + "/" + id + "/"
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.m {
		if strings.HasPrefix(k, prefix) {
			delete(c.m, k)
		}
	}
	for k := range c.pending {
		if strings.HasPrefix(k, prefix) {
			delete(c.pending, k)
		}
	}
}
