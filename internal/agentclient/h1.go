package agentclient

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// h1Pool is the relay's HTTP/1.1 client to one agent: the request's own
// goroutine writes the request and reads the answer on a pooled keep-alive
// connection. net/http's Transport keeps a reader and a writer goroutine per
// connection and hands every request and answer between them and the
// caller; on a busy machine each hand-off is a scheduling delay. An idle
// connection here is only its socket: its buffers go back to a shared pool.
type h1Pool struct {
	dial    func(ctx context.Context) (net.Conn, error)
	maxIdle int
	mu      sync.Mutex
	idle    []net.Conn
	closed  bool
}

// h1Conn is a connection in use, with its buffers.
type h1Conn struct {
	nc net.Conn
	br *bufio.Reader
	bw *bufio.Writer
}

var (
	h1Readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}
	h1Writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4<<10) }}
)

// get takes an idle connection that is still open, or dials one.
func (p *h1Pool) get(ctx context.Context) (*h1Conn, bool, error) {
	for {
		p.mu.Lock()
		var nc net.Conn
		if n := len(p.idle); n > 0 {
			nc, p.idle = p.idle[n-1], p.idle[:n-1]
		}
		p.mu.Unlock()
		if nc == nil {
			break
		}
		if alive(nc) {
			return wrap(nc), true, nil
		}
		nc.Close()
	}
	nc, err := p.dial(ctx)
	if err != nil {
		return nil, false, err
	}
	return wrap(nc), false, nil
}

func wrap(nc net.Conn) *h1Conn {
	br, bw := h1Readers.Get().(*bufio.Reader), h1Writers.Get().(*bufio.Writer)
	br.Reset(nc)
	bw.Reset(nc)
	return &h1Conn{nc: nc, br: br, bw: bw}
}

// release returns c's buffers and, when reuse is set, its connection to the
// pool (else closes it).
func (p *h1Pool) release(c *h1Conn, reuse bool) {
	if reuse && c.br.Buffered() > 0 {
		reuse = false // bytes past the answer: the connection is out of step
	}
	c.br.Reset(nil)
	c.bw.Reset(nil)
	h1Readers.Put(c.br)
	h1Writers.Put(c.bw)
	if reuse {
		p.mu.Lock()
		if !p.closed && len(p.idle) < p.maxIdle {
			p.idle = append(p.idle, c.nc)
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
	}
	c.nc.Close()
}

// closeIdle closes the idle connections; with final set, connections
// released later are closed too.
func (p *h1Pool) closeIdle(final bool) {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, p.closed || final
	p.mu.Unlock()
	for _, nc := range idle {
		nc.Close()
	}
}

// alive reports whether an idle connection is still open: the agent may
// have closed it (its keep-alive timeout) while it sat in the pool. One
// non-blocking peek; connections without a file descriptor count as alive
// (a dead one is then found by the retry in roundTrip).
func alive(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	ok = true
	var b [1]byte
	rc.Read(func(fd uintptr) bool { //nolint:errcheck // the callback decides
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		// EAGAIN: open and quiet. 0 bytes: closed. Data: an answer nobody
		// asked for. Other errors: broken.
		ok = n < 0 && errors.Is(err, syscall.EAGAIN)
		return true
	})
	return ok
}

// roundTrip sends req and reads the answer's head; the body streams from
// the connection, which goes back to the pool when the body is read to its
// end. A request that fails on a reused connection before any answer came
// is sent once more on a new one when its body can be replayed (GetBody).
func (p *h1Pool) roundTrip(ctx context.Context, req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		c, reused, err := p.get(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := p.do(ctx, c, req)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		if !reused || attempt > 0 || (req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
			return nil, err
		}
		if req.GetBody != nil {
			if req.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
	}
}

// aLongTimeAgo is a deadline in the past: it unblocks reads and writes.
var aLongTimeAgo = time.Unix(1, 0)

func (p *h1Pool) do(ctx context.Context, c *h1Conn, req *http.Request) (*http.Response, error) {
	stop := context.AfterFunc(ctx, func() { c.nc.SetDeadline(aLongTimeAgo) }) //nolint:errcheck // best effort
	fail := func(err error) (*http.Response, error) {
		stop()
		p.release(c, false)
		return nil, err
	}
	if err := req.Write(c.bw); err != nil {
		return fail(err)
	}
	if err := c.bw.Flush(); err != nil {
		return fail(err)
	}
	resp, err := http.ReadResponse(c.br, req)
	for err == nil && resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
		resp, err = http.ReadResponse(c.br, req) // 1xx informational answers precede the real one
	}
	if err != nil {
		return fail(err)
	}
	// Reusable after the body's end when the answer is delimited (length or
	// chunks) and neither side asked to close.
	framed := resp.ContentLength >= 0 || len(resp.TransferEncoding) > 0
	resp.Body = &h1Body{rc: resp.Body, p: p, c: c, stop: stop, reuse: framed && !resp.Close && !req.Close}
	return resp, nil
}

// h1Body is an answer's body: at its end the connection goes back to the
// pool; closed early, the connection is closed.
type h1Body struct {
	rc    io.ReadCloser
	p     *h1Pool
	c     *h1Conn
	stop  func() bool
	reuse bool
	mu    sync.Mutex
	done  bool
}

func (b *h1Body) Read(buf []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return 0, io.EOF
	}
	n, err := b.rc.Read(buf)
	if err != nil {
		b.finish(errors.Is(err, io.EOF))
	}
	return n, err
}

func (b *h1Body) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.done {
		b.finish(false)
	}
	return nil
}

// finish releases the connection: back to the pool after a complete body
// when the context's deadline hook had not fired.
func (b *h1Body) finish(complete bool) {
	b.done = true
	stopped := b.stop()
	b.p.release(b.c, complete && stopped && b.reuse)
}
