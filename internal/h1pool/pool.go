// Package h1pool is a pooled HTTP/1.1 client that writes the request and
// reads the answer in the caller's goroutine. net/http's Transport keeps a
// reader and a writer goroutine per connection and hands every request and
// answer between them and the caller; on a busy machine each hand-off is a
// scheduling delay. An idle connection here holds only its socket: its
// bufio buffers go back to a shared pool.
//
// Pool keeps the connections to one dial target (the runtime's relay to an
// agent); Hosts keeps them per host address (the gateway's calls to
// plain-http backends). Both send with RoundTrip (the answer's body
// streams) or Fetch (the answer is read whole, bounded).
package h1pool

import (
	"bufio"
	"context"
	"io"
	"math"
	"net"
	"net/http"
	"sync"
	"time"
)

// conn is a pooled connection; br and bw are attached while it is in use.
type conn struct {
	nc     net.Conn
	lr     io.LimitedReader // under br: bounds what one answer may send
	br     *bufio.Reader
	bw     *bufio.Writer
	idleAt time.Time
	addr   string // Hosts: the address it is pooled under
}

var (
	readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}
	writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4<<10) }}
)

// target is where connections come from and go back to.
type target interface {
	take(addr string) *conn // an idle connection (unexpired) or nil
	dial(ctx context.Context, addr string) (net.Conn, error)
	put(c *conn) bool // false: not kept, the caller closes it
}

// get takes an idle connection that is still open, or dials one.
func get(ctx context.Context, t target, addr string) (*conn, bool, error) {
	for {
		c := t.take(addr)
		if c == nil {
			break
		}
		if Alive(c.nc) {
			attach(c)
			return c, true, nil
		}
		c.nc.Close()
	}
	nc, err := t.dial(ctx, addr)
	if err != nil {
		return nil, false, err
	}
	c := &conn{nc: nc, lr: io.LimitedReader{R: nc, N: math.MaxInt64}, addr: addr}
	attach(c)
	return c, false, nil
}

func attach(c *conn) {
	c.br, c.bw = readers.Get().(*bufio.Reader), writers.Get().(*bufio.Writer)
	c.br.Reset(&c.lr)
	c.bw.Reset(c.nc)
}

// release returns c's buffers and, when reuse is set, c to t (else closes
// it).
func release(t target, c *conn, reuse bool) {
	if reuse && c.br.Buffered() > 0 {
		reuse = false // bytes past the answer: the connection is out of step
	}
	c.br.Reset(nil)
	c.bw.Reset(nil)
	readers.Put(c.br)
	writers.Put(c.bw)
	c.br, c.bw = nil, nil
	if !reuse || !t.put(c) {
		c.nc.Close()
	}
}

// Pool is the connections to one dial target.
type Pool struct {
	Dial    func(ctx context.Context) (net.Conn, error)
	MaxIdle int
	// Replay decides whether a request that failed on a reused connection
	// before any answer came is sent again on a new one; nil:
	// BodyReplayable.
	Replay func(*http.Request) bool

	mu     sync.Mutex
	idle   []*conn
	closed bool
}

func (p *Pool) take(string) *conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.idle)
	if n == 0 {
		return nil
	}
	c := p.idle[n-1]
	p.idle[n-1] = nil
	p.idle = p.idle[:n-1]
	return c
}

func (p *Pool) dial(ctx context.Context, _ string) (net.Conn, error) { return p.Dial(ctx) }

func (p *Pool) put(c *conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.idle) >= p.MaxIdle {
		return false
	}
	p.idle = append(p.idle, c)
	return true
}

// CloseIdle closes the idle connections; with final set, connections
// released later are closed too.
func (p *Pool) CloseIdle(final bool) {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, p.closed || final
	p.mu.Unlock()
	for _, c := range idle {
		c.nc.Close()
	}
}

// Hosts is connections pooled per host address ("host:port").
type Hosts struct {
	Dial    func(ctx context.Context, network, addr string) (net.Conn, error)
	MaxIdle int // idle connections kept per address
	// IdleTimeout closes connections idle for longer; 0: no limit.
	IdleTimeout time.Duration
	Replay      func(*http.Request) bool // as Pool.Replay

	mu    sync.Mutex
	idle  map[string][]*conn
	swept time.Time // last sweep of expired idle connections
}

func (h *Hosts) take(addr string) *conn {
	for {
		h.mu.Lock()
		list := h.idle[addr]
		if len(list) == 0 {
			h.mu.Unlock()
			return nil
		}
		c := list[len(list)-1]
		list[len(list)-1] = nil
		h.idle[addr] = list[:len(list)-1]
		h.mu.Unlock()
		if h.IdleTimeout <= 0 || time.Since(c.idleAt) < h.IdleTimeout {
			return c
		}
		c.nc.Close()
	}
}

func (h *Hosts) dial(ctx context.Context, addr string) (net.Conn, error) {
	return h.Dial(ctx, "tcp", addr)
}

func (h *Hosts) put(c *conn) bool {
	now := time.Now()
	c.idleAt = now
	kept := false
	var expired []*conn
	h.mu.Lock()
	if h.idle == nil {
		h.idle = map[string][]*conn{}
	}
	if list := h.idle[c.addr]; len(list) < h.MaxIdle {
		h.idle[c.addr], kept = append(list, c), true
	}
	if h.IdleTimeout > 0 && now.Sub(h.swept) > h.IdleTimeout/3 { // connections to hosts no longer called
		h.swept = now
		for a, list := range h.idle {
			keep := list[:0]
			for _, ic := range list {
				if now.Sub(ic.idleAt) < h.IdleTimeout {
					keep = append(keep, ic)
				} else {
					expired = append(expired, ic)
				}
			}
			clear(list[len(keep):])
			if h.idle[a] = keep; len(keep) == 0 {
				delete(h.idle, a)
			}
		}
	}
	h.mu.Unlock()
	for _, ec := range expired {
		ec.nc.Close()
	}
	return kept
}

// CloseIdle closes every idle connection.
func (h *Hosts) CloseIdle() {
	h.mu.Lock()
	idle := h.idle
	h.idle = nil
	h.mu.Unlock()
	for _, list := range idle {
		for _, c := range list {
			c.nc.Close()
		}
	}
}
