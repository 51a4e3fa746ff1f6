package openapi

import (
	"encoding/json"
	"strings"
	"sync"
)

// bindingCache keeps decoded bindings by their stored bytes, so a tool call
// does not decode its operation's binding again. Keyed by content, it needs
// no invalidation when a target changes (a changed binding is another key);
// it is cleared when it grows past maxBindings.
type bindingCache struct {
	mu sync.RWMutex
	m  map[string]*binding
}

const maxBindings = 4096

func (c *bindingCache) get(raw json.RawMessage) (*binding, error) {
	c.mu.RLock()
	bd := c.m[string(raw)] // no allocation for the lookup
	c.mu.RUnlock()
	if bd != nil {
		return bd, nil
	}
	bd = &binding{}
	if err := json.Unmarshal(raw, bd); err != nil {
		return nil, err
	}
	bd.method = strings.ToUpper(bd.Method)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxBindings {
		c.m = map[string]*binding{}
	}
	c.m[string(raw)] = bd
	c.mu.Unlock()
	return bd, nil
}
