package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// BodyLimits bounds request bodies at the edge, before and while any handler
// reads them. Zero fields take the defaults.
type BodyLimits struct {
	// Max is the largest body an operation takes (AgentCore: 100 MB);
	// a declared Content-Length above it is refused before reading.
	Max int64
	// Artifacts is the bound of agentcore's artifact uploads (1 GiB).
	Artifacts int64
	// Grace is how long a client has before its body must flow at
	// MinRate (bytes per second, averaged from the start of the request):
	// a body slower than that is cut, so slow-body connections cannot pile up.
	Grace   time.Duration
	MinRate int64
	// Drain is how much of a body a handler left unread is read after it
	// answered, so that closing the connection (Connection: close) does
	// not reset it while the client still sends.
	Drain int64
	// InFlight bounds the request bodies being received at once, across
	// requests (1 GiB): a declared Content-Length counts from the start, a
	// chunked body as it arrives. Past it a request is a
	// ThrottlingException (SDKs retry those) instead of more memory.
	// Artifact uploads stream to disk and do not count.
	InFlight int64
}

func (l *BodyLimits) defaults() {
	if l.Max <= 0 {
		l.Max = 100_000_000
	}
	if l.Artifacts <= 0 {
		l.Artifacts = 1 << 30
	}
	if l.Grace <= 0 {
		l.Grace = 30 * time.Second
	}
	if l.MinRate <= 0 {
		l.MinRate = 16 << 10
	}
	if l.Drain <= 0 {
		l.Drain = 4 << 20
	}
	if l.InFlight <= 0 {
		l.InFlight = 1 << 30
	}
}

// GuardBodies wraps the edge with the body bounds of l.
func GuardBodies(h http.Handler, l BodyLimits, log *slog.Logger) http.Handler {
	l.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var inflight atomic.Int64 // body bytes counted against l.InFlight
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
			h.ServeHTTP(w, r)
			return
		}
		max := l.Max
		if strings.HasPrefix(r.URL.Path, "/_agentcore/artifacts/") {
			max = l.Artifacts
		}
		if r.ContentLength > max {
			r.Close = true // the body stays unread: do not wait for it
			msg := fmt.Sprintf("the request body of %d bytes exceeds the limit of %d bytes", r.ContentLength, max)
			if strings.HasPrefix(r.URL.Path, "/v1/") { // the OpenAI front door answers in OpenAI's shape
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error", "param": nil, "code": "request_too_large"}})
				return
			}
			writeError(w, log, "request body", errs.Field("payload", "%s", msg))
			return
		}
		g := &guardedBody{rc: r.Body, ctl: http.NewResponseController(w), start: time.Now(), l: &l}
		if !strings.HasPrefix(r.URL.Path, "/_agentcore/artifacts/") {
			g.budget = &inflight
			if r.ContentLength > 0 {
				if inflight.Add(r.ContentLength) > l.InFlight {
					inflight.Add(-r.ContentLength)
					r.Close = true
					writeError(w, log, "request body", errs.E(errs.Throttled, "the server is receiving too many large request bodies at once; retry"))
					return
				}
				g.held = r.ContentLength
			}
			defer func() { inflight.Add(-g.held) }()
		}
		// Handlers bound what they read themselves (most at max, with
		// their own error); this is the backstop for any that does not.
		r.Body = http.MaxBytesReader(w, g, max+1<<20)
		h.ServeHTTP(w, r)
		if !g.done && r.Header.Get("Expect") == "" {
			g.drain()
		}
	})
}

// guardedBody keeps a read deadline on the connection while the body is
// read: start + Grace + read/MinRate.
type guardedBody struct {
	rc    io.ReadCloser
	ctl   *http.ResponseController
	start time.Time
	l     *BodyLimits
	n     int64
	done  bool // EOF or error seen: the deadline is cleared
	// budget is the shared in-flight count; held what this body holds of
	// it (its Content-Length, or a chunked body's bytes so far).
	budget *atomic.Int64
	held   int64
}

func (g *guardedBody) Read(p []byte) (int, error) {
	if g.done {
		return g.rc.Read(p)
	}
	_ = g.ctl.SetReadDeadline(g.start.Add(g.l.Grace + time.Duration(g.n*int64(time.Second)/g.l.MinRate)))
	n, err := g.rc.Read(p)
	g.n += int64(n)
	if g.budget != nil && g.n > g.held { // a chunked body (or past its declared length)
		more := g.n - g.held
		g.held = g.n
		if g.budget.Add(more) > g.l.InFlight {
			g.done = true
			_ = g.ctl.SetReadDeadline(time.Time{})
			return n, errs.E(errs.Throttled, "the server is receiving too many large request bodies at once; retry")
		}
	}
	if err != nil {
		g.done = true
		_ = g.ctl.SetReadDeadline(time.Time{}) // the connection may go on (keep-alive, streaming)
		if isTimeout(err) {
			err = errs.E(errs.Invalid, "the request body arrived slower than %d bytes/s after %s; the connection is closed", g.l.MinRate, g.l.Grace)
		}
	}
	return n, err
}

func (g *guardedBody) Close() error { return g.rc.Close() }

// drain reads what is left of the body, within bounds.
func (g *guardedBody) drain() {
	_ = g.ctl.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.CopyN(io.Discard, g.rc, g.l.Drain)
	_ = g.ctl.SetReadDeadline(time.Time{})
	g.done = true
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
