package h1pool

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/net/http/httpguts"
)

// maxHeader bounds a bounded answer's status line and headers (as the
// Transport's default MaxResponseHeaderBytes).
const maxHeader = 10 << 20

// aLongTimeAgo is a deadline in the past: it unblocks reads and writes.
var aLongTimeAgo = time.Unix(1, 0)

// RoundTrip sends req and reads the answer's head; the body streams from
// the connection, which goes back to the pool when the body is read to its
// end (closed early, the connection is closed). The context's end sets a
// deadline in the past on the connection, which unblocks a read.
func (p *Pool) RoundTrip(ctx context.Context, req *http.Request) (*http.Response, error) {
	resp, c, stop, err := exchange(ctx, p, "", req, 0, p.Replay)
	if err != nil {
		return nil, err
	}
	resp.Body = &body{rc: resp.Body, t: p, c: c, stop: stop, reuse: reusable(req, resp)}
	return resp, nil
}

// Fetch sends req to its URL's host and reads the whole answer: at most
// max bytes of body (max+1 are read: more than max means too large) after
// at most 10 MiB of head.
func (h *Hosts) Fetch(ctx context.Context, req *http.Request, max int64) (*http.Response, []byte, error) {
	resp, c, stop, err := exchange(ctx, h, CanonicalAddr(req), req, maxHeader+max+1, h.Replay)
	if err != nil {
		return nil, nil, err
	}
	buf, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	// Reusable when the body was read to its end (not cut at max); stop
	// false: the context ended and may have poisoned the deadline.
	stopped := stop()
	release(h, c, stopped && err == nil && int64(len(buf)) <= max && reusable(req, resp))
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, context.Cause(ctx)
		}
		return nil, nil, err
	}
	return resp, buf, nil
}

// exchange sends req on a pooled connection and reads the answer's head
// (limit > 0 bounds the bytes read for the answer). A request that fails on
// a reused connection before any of the answer came is sent once more on a
// new one when replay allows it.
func exchange(ctx context.Context, t target, addr string, req *http.Request, limit int64, replay func(*http.Request) bool) (*http.Response, *conn, func() bool, error) {
	if replay == nil {
		replay = BodyReplayable
	}
	for attempt := 0; ; attempt++ {
		c, reused, err := get(ctx, t, addr)
		if err != nil {
			return nil, nil, nil, err
		}
		resp, stop, got, err := send(ctx, c, req, limit)
		if err == nil {
			return resp, c, stop, nil
		}
		release(t, c, false)
		if ctx.Err() != nil {
			return nil, nil, nil, context.Cause(ctx)
		}
		if !reused || got || attempt > 0 || !replay(req) {
			return nil, nil, nil, err
		}
		if req.GetBody != nil {
			if req.Body, err = req.GetBody(); err != nil {
				return nil, nil, nil, err
			}
		}
	}
}

// send writes req on c and reads the answer's head; got reports whether
// any of the answer arrived. stop ends the context's hook on c (false: it
// ran).
func send(ctx context.Context, c *conn, req *http.Request, limit int64) (resp *http.Response, stop func() bool, got bool, err error) {
	if dl, ok := ctx.Deadline(); ok {
		// A backstop just after the context's own end, which comes first
		// (AfterFunc below), so the caller sees the context's error.
		c.nc.SetDeadline(dl.Add(50 * time.Millisecond)) //nolint:errcheck // a closed conn fails the write below
	} else {
		c.nc.SetDeadline(time.Time{}) //nolint:errcheck
	}
	stop = context.AfterFunc(ctx, func() { c.nc.SetDeadline(aLongTimeAgo) }) //nolint:errcheck // unblocks the read
	c.lr.N = limit
	if limit <= 0 {
		c.lr.N = 1<<63 - 1
	}
	if err = req.Write(c.bw); err == nil {
		err = c.bw.Flush()
	}
	if err != nil {
		stop()
		return nil, nil, false, err
	}
	for {
		if resp, err = http.ReadResponse(c.br, req); err != nil {
			stop()
			return nil, nil, c.br.Buffered() > 0, err
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			return resp, stop, true, nil
		}
		resp.Body.Close() // 1xx: informational, the answer follows
	}
}

// reusable reports whether the connection can carry the next request once
// resp's body was read to its end: the answer is delimited (length, chunks
// or no body) and neither side asked to close or switched protocols.
func reusable(req *http.Request, resp *http.Response) bool {
	framed := resp.ContentLength >= 0 || len(resp.TransferEncoding) > 0 || req.Method == http.MethodHead
	return framed && !resp.Close && !req.Close && resp.StatusCode != http.StatusSwitchingProtocols
}

// body is a streamed answer's body: at its end the connection goes back to
// the pool; closed early, the connection is closed.
type body struct {
	rc    io.ReadCloser
	t     target
	c     *conn
	stop  func() bool
	reuse bool
	mu    sync.Mutex
	done  bool
}

func (b *body) Read(buf []byte) (int, error) {
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

func (b *body) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.done {
		b.finish(false)
	}
	return nil
}

// finish releases the connection: back to the pool after a complete body
// when the context's deadline hook had not fired.
func (b *body) finish(complete bool) {
	b.done = true
	stopped := b.stop()
	release(b.t, b.c, complete && stopped && b.reuse)
}

// Usable reports whether req can go through this client: plain http with
// a host and valid header names and values (the Transport refuses others
// with an error; callers keep that behaviour by sending them there).
func Usable(req *http.Request) bool {
	if req.URL.Scheme != "http" || req.URL.Host == "" {
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

// CanonicalAddr is req's host:port (port 80 when the URL has none).
func CanonicalAddr(req *http.Request) string {
	if port := req.URL.Port(); port != "" {
		return req.URL.Host
	}
	return net.JoinHostPort(req.URL.Hostname(), "80")
}

// BodyReplayable allows a replay when the body can be sent again (none,
// or GetBody).
func BodyReplayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// Idempotent is the Transport's rule for sending a request again on a new
// connection: a replayable body and an idempotent method or an
// idempotency key.
func Idempotent(req *http.Request) bool {
	if !BodyReplayable(req) {
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
