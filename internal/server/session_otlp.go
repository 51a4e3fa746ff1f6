package server

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// sessionOTLP serves newHandler on each session's in-environment listener
// (nil: no per-session receiver). The handler is built per session id: a
// warm-pool environment learns its id when it is bound to a session.
//
// One http.Server serves every session's receiver: the sandbox reactor
// accepts on the sessions' listeners (sandbox.AcceptOnReactor) and hands the
// connections over tagged with their session, so an idle session's
// receiver holds its listener and no goroutine. Where the reactor is not
// available each listener gets its own server. closeAll ends the shared
// server (after the sessions).
func sessionOTLP(newHandler func(account, runtimeARN, sessionID string) http.Handler, lg *slog.Logger) (_ runtime.OTLPServer, closeAll func(context.Context) error) {
	if newHandler == nil {
		return nil, func(context.Context) error { return nil }
	}
	// One error logger, and no HTTP/2 set-up (an empty TLSNextProto):
	// agents post plain HTTP/1.1.
	errLog := slog.NewLogLogger(lg.Handler(), slog.LevelDebug)
	noH2 := map[string]func(*http.Server, *tls.Conn, http.Handler){}
	newServer := func(h http.Handler) *http.Server {
		return &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second, ErrorLog: errLog, TLSNextProto: noH2}
	}
	q := &connQueue{ch: make(chan net.Conn, 64), done: make(chan struct{})}
	var once sync.Once
	var shared *http.Server
	serveShared := func() {
		shared = newServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Context().Value(otlpSessionKey{}).(*otlpSession).ServeHTTP(w, r)
		}))
		shared.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, otlpSessionKey{}, c.(*otlpConn).sess)
		}
		go shared.Serve(q) //nolint:errcheck // ends with ErrServerClosed
	}
	serve := func(ln net.Listener, tag runtime.TelemetryTag) func() {
		sess := &otlpSession{tag: tag, newHandler: newHandler}
		stop, ok := sandbox.AcceptOnReactor(ln, func(c net.Conn) { q.put(&otlpConn{Conn: c, sess: sess}) })
		if ok {
			once.Do(serveShared)
			return stop
		}
		srv := newServer(sess)
		go srv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed or the listener's error
		return func() { srv.Close() }
	}
	return serve, func(context.Context) error {
		once.Do(func() {}) // no shared server from now on
		if shared != nil {
			shared.Close()
		}
		q.close()
		return nil
	}
}

// otlpSession is one session's receiver: newHandler's handler for the id the
// environment serves now.
type otlpSession struct {
	tag        runtime.TelemetryTag
	newHandler func(account, runtimeARN, sessionID string) http.Handler
	mu         sync.Mutex
	h          http.Handler
	bound      string
}

func (s *otlpSession) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := s.tag.SessionID()
	s.mu.Lock()
	if s.h == nil || id != s.bound {
		s.h, s.bound = s.newHandler(s.tag.Account, s.tag.RuntimeARN, id), id
	}
	h := s.h
	s.mu.Unlock()
	h.ServeHTTP(w, r)
}

type otlpSessionKey struct{}

// otlpConn is a connection accepted on one session's listener.
type otlpConn struct {
	net.Conn
	sess *otlpSession
}

// connQueue is the shared server's net.Listener: the connections the
// reactor accepted on the sessions' listeners.
type connQueue struct {
	ch        chan net.Conn
	done      chan struct{}
	closeOnce sync.Once
}

// put never blocks the reactor: a full queue is waited on elsewhere.
func (q *connQueue) put(c net.Conn) {
	select {
	case q.ch <- c:
	default:
		go func() {
			select {
			case q.ch <- c:
			case <-q.done:
				c.Close()
			}
		}()
	}
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.ch:
		return c, nil
	case <-q.done:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.close()
	return nil
}

func (q *connQueue) close() { q.closeOnce.Do(func() { close(q.done) }) }

func (q *connQueue) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }
