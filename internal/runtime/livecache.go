package runtime

import (
	"sync"
	"time"
)

// liveTTL bounds how long an endpoint's live version is served from memory.
// Writes on this server invalidate at once; the TTL bounds staleness when
// several servers share one PostgreSQL database.
const liveTTL = time.Second

// liveCache remembers endpoint → live version for the invocation path, which
// otherwise reads the store on every request.
type liveCache struct {
	mu sync.Mutex
	m  map[string]liveEntry
}

type liveEntry struct {
	version int
	at      time.Time
}

func (c *liveCache) get(key string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || time.Since(e.at) > liveTTL {
		return 0, false
	}
	return e.version, true
}

func (c *liveCache) put(key string, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]liveEntry{}
	}
	c.m[key] = liveEntry{version: v, at: time.Now()}
}

// forget drops every entry of a runtime (acct/id/...).
func (c *liveCache) forget(acct, id string) {
	prefix := acct + "/" + id + "/"
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.m {
		if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
			delete(c.m, k)
		}
	}
}
