package runtime

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// bootDriver is a sandbox driver whose environments answer /ping a while
// after they start; it records how many were booting at once.
type bootDriver struct {
	boot time.Duration

	mu                sync.Mutex
	booting, maxBoots int
	started           int
}

func (*bootDriver) Name() string { return "boot" }
func (*bootDriver) Capabilities() sandbox.Capabilities {
	return sandbox.Capabilities{Isolation: "none"}
}

func (d *bootDriver) Start(context.Context, sandbox.Spec) (sandbox.Instance, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.booting++
	d.started++
	d.maxBoots = max(d.maxBoots, d.booting)
	return &bootInstance{d: d, readyAt: time.Now().Add(d.boot), done: make(chan struct{})}, nil
}

type bootInstance struct {
	d       *bootDriver
	readyAt time.Time
	up      sync.Once
	stop    sync.Once
	done    chan struct{}
}

// Dial accepts once the instance has booted (waitReady connects first).
func (in *bootInstance) Dial(context.Context, int) (net.Conn, error) {
	if time.Now().Before(in.readyAt) {
		return nil, errors.New("connection refused")
	}
	c, peer := net.Pipe()
	peer.Close()
	return c, nil
}
func (in *bootInstance) Done() <-chan struct{} { return in.done }
func (*bootInstance) Err() error               { return nil }
func (in *bootInstance) Stop(context.Context) error {
	in.stop.Do(func() { close(in.done) })
	return nil
}

// bootConn answers Ping once its instance has booted.
type bootConn struct{ in *bootInstance }

func (c bootConn) Ping(context.Context) (PingResult, error) {
	if time.Now().Before(c.in.readyAt) {
		return PingResult{}, errors.New("connection refused")
	}
	c.in.up.Do(func() {
		c.in.d.mu.Lock()
		c.in.d.booting--
		c.in.d.mu.Unlock()
	})
	return PingResult{Status: PingHealthy}, nil
}

func (bootConn) RoundTrip(context.Context, *AgentRequest) (*AgentResponse, error) {
	return nil, errors.New("not implemented")
}

func (bootConn) DialWebSocket(context.Context, string, map[string][]string, []string) (WebSocketConn, error) {
	return nil, errors.New("not implemented")
}

func (bootConn) Close() {}

// TestWarmPoolBoundsStarts: a pool fills completely but starts at most
// maxPoolStarts environments at a time, also when a burst of sessions
// empties it.
func TestWarmPoolBoundsStarts(t *testing.T) {
	defer func(n int) { maxPoolStarts = n }(maxPoolStarts)
	maxPoolStarts = 3
	d := &bootDriver{boot: 30 * time.Millisecond}
	s := NewSessions(SessionOptions{Driver: d, InitTimeout: 10 * time.Second, PingInterval: time.Hour,
		Connect: func(inst sandbox.Instance, _ int, _ string) AgentConn { return bootConn{inst.(*bootInstance)} }})
	defer s.Close(context.Background())
	const size = 12
	launch := func() (*Launch, error) {
		return &Launch{Spec: sandbox.Spec{Command: []string{"agent"}}, Port: 8080, Protocol: "HTTP"}, nil
	}
	waitFull := func() {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for s.PooledReady() < size {
			if time.Now().After(deadline) {
				t.Fatalf("pool has %d of %d ready after 10 s", s.PooledReady(), size)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	s.EnsurePool("", "rt", 1, size, launch)
	waitFull()
	for i := range size { // a burst takes the whole pool
		l, err := s.Acquire(context.Background(), "", "rt", "s"+string(rune('a'+i)), 1, launch)
		if err != nil {
			t.Fatal(err)
		}
		l.Release()
	}
	waitFull()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started != 2*size {
		t.Fatalf("%d environments started, want %d (the pool twice)", d.started, 2*size)
	}
	if d.maxBoots > maxPoolStarts {
		t.Fatalf("%d environments booted at once, want at most %d", d.maxBoots, maxPoolStarts)
	}
}

// failingDriver fails its first `fail` starts, then boots like bootDriver.
type failingDriver struct {
	bootDriver
	fail int
}

func (d *failingDriver) Start(ctx context.Context, spec sandbox.Spec) (sandbox.Instance, error) {
	d.mu.Lock()
	if d.fail > 0 {
		d.fail--
		d.mu.Unlock()
		return nil, errors.New("hostnet: list addresses: results may be incomplete or inconsistent")
	}
	d.mu.Unlock()
	return d.bootDriver.Start(ctx, spec)
}

// TestWarmPoolRetriesFailedStarts: a failed start is retried with backoff
// until the pool is full again (issue 20: one failed linuxns refill left a
// pool at 27 of 28 for minutes).
func TestWarmPoolRetriesFailedStarts(t *testing.T) {
	d := &failingDriver{bootDriver: bootDriver{boot: 5 * time.Millisecond}, fail: 3}
	s := NewSessions(SessionOptions{Driver: d, InitTimeout: 10 * time.Second, PingInterval: time.Hour,
		Connect: func(inst sandbox.Instance, _ int, _ string) AgentConn { return bootConn{inst.(*bootInstance)} }})
	defer s.Close(context.Background())
	launch := func() (*Launch, error) {
		return &Launch{Spec: sandbox.Spec{Command: []string{"agent"}}, Port: 8080, Protocol: "HTTP"}, nil
	}
	const size = 4
	s.EnsurePool("", "rt", 1, size, launch)
	deadline := time.Now().Add(10 * time.Second)
	for s.PooledReady() < size {
		if time.Now().After(deadline) {
			t.Fatalf("pool has %d of %d ready 10 s after 3 failed starts", s.PooledReady(), size)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := retryDelay(1); got != 100*time.Millisecond {
		t.Errorf("first retry after %v", got)
	}
	if got := retryDelay(50); got != 30*time.Second {
		t.Errorf("retry delay is not capped: %v", got)
	}
}
