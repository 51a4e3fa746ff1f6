package runtime

import "testing"

// A store read that raced with an invalidation does not cache what it read.
func TestLiveCacheInvalidationWins(t *testing.T) {
	var c liveCache
	k := endpointKey("123456789012", "rt-1", "DEFAULT")
	if _, ok := c.get(k); ok {
		t.Fatal("empty cache hit")
	}
	c.invalidate(k) // another replica wrote the endpoint meanwhile
	c.put(k, 1)     // the read from before the write
	if _, ok := c.get(k); ok {
		t.Fatal("a value read before an invalidation was cached")
	}
	c.put(k, 2)
	if v, ok := c.get(k); !ok || v != 2 {
		t.Fatalf("get = %d %v, want 2", v, ok)
	}
	c.invalidate("") // notifications may have been missed
	if _, ok := c.get(k); ok {
		t.Fatal("hit after a full invalidation")
	}
	c.put(k, 3)
	c.forget("123456789012", "rt-1")
	if _, ok := c.get(k); ok {
		t.Fatal("hit after forget")
	}
}
