package openapi

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/gateway"
	"golang.org/x/net/http/httpguts"
)

// h1Client carries tool calls to plain-http backends over pooled keep-alive
// connections in the calling goroutine: it writes the request and reads the
// whole answer itself. net/http's Transport hands every request to two
// goroutines per connection (a writer and a reader), so each call pays two
// goroutine wakeups more, which on a busy machine was a good part of the
// gateway's added latency. TLS, proxies and anything unusual stay with the
// Transport (Backend.Call decides).
type h1Client struct {
	dial    func(ctx context.Context, network, addr string) (net.Conn, error)
	maxIdle int // idle connections kept per host

	mu    sync.Mutex
	idle  map[string][]*h1Conn
	swept time.Time // last sweep of expired idle connections
}

type h1Conn struct {
	nc     net.Conn
	lr     io.LimitedReader // under br: bounds what one answer may send (headers and body)
	br     *bufio.Reader
	bw     *bufio.Writer
	idleAt time.Time
}

// h1MaxHeader bounds an answer's status line and headers (as the
// Transport's default MaxResponseHeaderBytes).
const h1MaxHeader = 10 << 20

// h1IdleTimeout closes connections idle for longer (as the Transport's
// IdleConnTimeout).
const h1IdleTimeout = 90 * time.Second

// usable reports whether req can go through the h1Client: plain http, valid
// header names and values (the Transport refuses others with an error, and
// it keeps that behaviour for them).
func (h *h1Client) usable(req *http.Request) bool {
	if h == nil || req.URL.Scheme != "http" || req.URL.Host == "" {
		return false
	}
	for k, vs := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return false
		}
		for _, v := range vs {
			if !httpguts.ValidHeaderFieldValue(v) {
				return false
			}
		}
	}
	return true
}

// do sends req and reads its answer (bounded by max) into a tool result.
// A connection taken from the pool that turns out to have been closed by
// the backend is retried once on a new one, for replayable requests (as the
// Transport does).
func (h *h1Client) do(ctx context.Context, req *http.Request, max int64) (*gateway.Result, error) {
	addr := canonicalAddr(req)
	for attempt := 0; ; attempt++ {
		c, reused, err := h.get(ctx, addr)
		if err != nil {
			return nil, err
		}
		res, got, err := h.roundTrip(ctx, c, req, addr, max)
		if err == nil {
			return res, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !reused || got || attempt > 0 || !replayable(req) {
			return nil, err
		}
		if req.GetBody != nil {
			if req.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
	}
}

// roundTrip runs one exchange on c; got reports whether any of the answer
// arrived. c goes back to the pool when the answer was read to its end and
// neither side asked to close.
func (h *h1Client) roundTrip(ctx context.Context, c *h1Conn, req *http.Request, addr string, max int64) (res *gateway.Result, got bool, err error) {
	if dl, ok := ctx.Deadline(); ok {
		// A backstop just after the context's own end, which comes first
		// (AfterFunc below), so the caller sees the context's error.
		c.nc.SetDeadline(dl.Add(50 * time.Millisecond)) //nolint:errcheck // a closed conn fails the write below
	} else {
		c.nc.SetDeadline(time.Time{}) //nolint:errcheck
	}
	stop := context.AfterFunc(ctx, func() { c.nc.SetDeadline(time.Unix(1, 0)) }) //nolint:errcheck // unblocks the read
	defer stop()
	if err = req.Write(c.bw); err == nil {
		err = c.bw.Flush()
	}
	if err != nil {
		c.nc.Close()
		return nil, false, err
	}
	c.lr.N = h1MaxHeader + max + 1
	var resp *http.Response
	for {
		if resp, err = http.ReadResponse(c.br, req); err != nil {
			c.nc.Close()
			return nil, c.br.Buffered() > 0, err
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
		resp.Body.Close() // 1xx: informational, the answer follows
	}
	buf, err := readBody(resp.Body, max)
	// The connection can carry the next request when the body was read to
	// its end (not cut at max) and neither side asked to close.
	reuse := err == nil && int64(len(buf)) <= max && !resp.Close && !req.Close && resp.StatusCode != http.StatusSwitchingProtocols
	if reuse && stop() { // stop false: the context ended and may have poisoned the deadline
		h.put(addr, c)
	} else {
		c.nc.Close()
	}
	if err != nil {
		return nil, true, err
	}
	return result(resp, buf, max), true, nil
}

// get takes the most recently used live idle connection to addr, or dials.
func (h *h1Client) get(ctx context.Context, addr string) (*h1Conn, bool, error) {
	now := time.Now()
	for {
		h.mu.Lock()
		list := h.idle[addr]
		if len(list) == 0 {
			h.mu.Unlock()
			break
		}
		c := list[len(list)-1]
		list[len(list)-1] = nil
		h.idle[addr] = list[:len(list)-1]
		h.mu.Unlock()
		if now.Sub(c.idleAt) < h1IdleTimeout && c.br.Buffered() == 0 && alive(c.nc) {
			return c, true, nil
		}
		c.nc.Close()
	}
	nc, err := h.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, false, err
	}
	c := &h1Conn{nc: nc, lr: io.LimitedReader{R: nc}, bw: bufio.NewWriterSize(nc, 4096)}
	c.br = bufio.NewReaderSize(&c.lr, 4096)
	return c, false, nil
}

func (h *h1Client) put(addr string, c *h1Conn) {
	now := time.Now()
	c.idleAt = now
	var expired []*h1Conn
	h.mu.Lock()
	if h.idle == nil {
		h.idle = map[string][]*h1Conn{}
	}
	if list := h.idle[addr]; len(list) < h.maxIdle {
		h.idle[addr] = append(list, c)
	} else {
		expired = append(expired, c)
	}
	if now.Sub(h.swept) > h1IdleTimeout/3 { // connections to backends no longer called
		h.swept = now
		for a, list := range h.idle {
			keep := list[:0]
			for _, ic := range list {
				if now.Sub(ic.idleAt) < h1IdleTimeout {
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
}

// closeIdle closes every pooled connection.
func (h *h1Client) closeIdle() {
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

// canonicalAddr is req's host:port (port 80 when the URL has none).
func canonicalAddr(req *http.Request) string {
	if port := req.URL.Port(); port != "" {
		return req.URL.Host
	}
	return net.JoinHostPort(req.URL.Hostname(), "80")
}

// replayable is the Transport's rule for retrying on a new connection.
func replayable(req *http.Request) bool {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	_, a := req.Header["Idempotency-Key"]
	_, b := req.Header["X-Idempotency-Key"]
	return a || b
}
