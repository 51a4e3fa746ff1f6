package h1pool

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// server is a real HTTP server on loopback that counts the connections it
// accepted and closed.
type server struct {
	*httptest.Server
	opened, closed atomic.Int32
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{Server: httptest.NewUnstartedServer(h)}
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			s.opened.Add(1)
		case http.StateClosed:
			s.closed.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// opaque hides a connection's file descriptor, so Alive cannot peek at it.
type opaque struct{ net.Conn }

// pool is a Pool to s; with hide set its connections are opaque.
func (s *server) pool(t *testing.T, hide bool) *Pool {
	p := &Pool{MaxIdle: 4, Dial: func(ctx context.Context) (net.Conn, error) {
		nc, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.Listener.Addr().String())
		if hide && err == nil {
			nc = opaque{nc}
		}
		return nc, err
	}}
	t.Cleanup(func() { p.CloseIdle(true) })
	return p
}

func hosts(t *testing.T, idle time.Duration) *Hosts {
	h := &Hosts{Dial: (&net.Dialer{}).DialContext, MaxIdle: 4, IdleTimeout: idle, Replay: Idempotent}
	t.Cleanup(h.CloseIdle)
	return h
}

func request(ctx context.Context, t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// stream runs req through p and reads the streamed answer.
func stream(t *testing.T, p *Pool, req *http.Request) (string, error) {
	t.Helper()
	resp, err := p.RoundTrip(req.Context(), req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// fetch runs one bounded exchange through h.
func fetch(ctx context.Context, t *testing.T, h *Hosts, req *http.Request, max int64) (int, string) {
	t.Helper()
	resp, buf, err := h.Fetch(ctx, req, max)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(buf)
}

func (s *server) wantConns(t *testing.T, n int32) {
	t.Helper()
	if got := s.opened.Load(); got != n {
		t.Fatalf("%d connections, want %d", got, n)
	}
}

// Sequential requests share one keep-alive connection, with answers of
// known length and chunked ones, streamed (Pool) or read whole (Hosts);
// the request carries method, path, header and body.
func TestKeepAlive(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", "")
		}
		io.WriteString(w, strings.Join([]string{r.Method, r.URL.Path, r.Header.Get("X-Tag"), string(b)}, " "))
		w.(http.Flusher).Flush() // a flushed answer of unknown length is chunked
		w.Write([]byte("!"))
	})
	p, chunked := s.pool(t, false), []string{"", "1"}
	for i := range 20 {
		req := request(context.Background(), t, "POST", s.URL+"/a?chunked="+chunked[i%2], "x")
		if got, err := stream(t, p, req); err != nil || got != "POST /a  x!" {
			t.Fatalf("request %d: %q %v", i, got, err)
		}
	}
	s.wantConns(t, 1)
	h := hosts(t, time.Minute)
	for i := range 20 {
		req := request(context.Background(), t, "PUT", s.URL+"/items/"+string(rune('a'+i))+"?chunked="+chunked[i%2], `{"k":1}`)
		req.Header.Set("X-Tag", "t")
		if code, got := fetch(context.Background(), t, h, req, 1<<20); code != 200 || got != "PUT /items/"+string(rune('a'+i))+` t {"k":1}!` {
			t.Fatalf("call %d: %d %q", i, code, got)
		}
	}
	s.wantConns(t, 2)
}

// An idle connection the peer closed (its keep-alive timeout) is not used:
// the next request, even a POST that must not be replayed, goes out on a
// new one and succeeds.
func TestPeerClosedIdle(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.Copy(w, r.Body) })
	p, h := s.pool(t, false), hosts(t, time.Minute)
	for i := range 3 {
		if got, err := stream(t, p, request(context.Background(), t, "POST", s.URL, "one")); err != nil || got != "one" {
			t.Fatal(got, err)
		}
		req := request(context.Background(), t, "POST", s.URL, "two")
		req.GetBody = nil // not replayable
		if _, got := fetch(context.Background(), t, h, req, 100); got != "two" {
			t.Fatal(got)
		}
		s.CloseClientConnections() // the peer drops its idle connections
		time.Sleep(50 * time.Millisecond)
		s.wantConns(t, int32(2*(i+1)))
	}
}

// A request that fails on a reused connection the liveness peek could not
// check is sent again on a new one when the replay rule allows it: any
// replayable body for a Pool, idempotent requests for Hosts' rule.
func TestReplay(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.Copy(w, r.Body) })
	p := s.pool(t, true)
	if got, err := stream(t, p, request(context.Background(), t, "POST", s.URL, "a")); err != nil || got != "a" {
		t.Fatal(got, err)
	}
	s.CloseClientConnections()
	time.Sleep(50 * time.Millisecond)
	if got, err := stream(t, p, request(context.Background(), t, "POST", s.URL, "b")); err != nil || got != "b" {
		t.Fatalf("replayable POST: %q %v", got, err)
	}
	s.CloseClientConnections()
	time.Sleep(50 * time.Millisecond)
	req := request(context.Background(), t, "POST", s.URL, "c")
	req.GetBody = nil
	if _, err := stream(t, p, req); err == nil {
		t.Fatal("a body that cannot be replayed was sent again")
	}
	s.wantConns(t, 2)
	for _, c := range []struct {
		method, key string
		replay      bool
	}{{"GET", "", true}, {"POST", "", false}, {"POST", "Idempotency-Key", true}} {
		req := request(context.Background(), t, c.method, s.URL, "")
		if c.key != "" {
			req.Header.Set(c.key, "1")
		}
		if Idempotent(req) != c.replay {
			t.Fatalf("%s %s: replay %v", c.method, c.key, !c.replay)
		}
	}
}

// A body the caller stops reading (an endless stream) is closed without
// draining it, and the connection is not reused.
func TestEarlyCloseOfStream(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/stream" {
			w.Header().Set("Content-Type", "text/event-stream")
			for {
				if _, err := w.Write([]byte("data: x\n\n")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				time.Sleep(time.Millisecond)
			}
		}
		io.WriteString(w, "ok")
	})
	p := s.pool(t, false)
	req := request(context.Background(), t, "GET", s.URL+"/stream", "")
	resp, err := p.RoundTrip(req.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 9)
	if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != "data: x\n\n" {
		t.Fatalf("%q %v", buf, err)
	}
	done := make(chan struct{})
	go func() { resp.Body.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close drained the endless stream")
	}
	if got, err := stream(t, p, request(context.Background(), t, "GET", s.URL, "")); err != nil || got != "ok" {
		t.Fatal(got, err)
	}
	s.wantConns(t, 2) // the stream's is not reused
}

// A context ending mid-stream unblocks the body's read with a deadline
// error; one ending before the answer fails the exchange with the
// context's error; the next request works.
func TestContextEnd(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			w.Write([]byte("first"))
			w.(http.Flusher).Flush()
		}
		if r.URL.Path != "/" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		io.WriteString(w, "ok")
	})
	p, h := s.pool(t, false), hosts(t, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	resp, err := p.RoundTrip(ctx, request(ctx, t, "POST", s.URL+"/slow", "x"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err = resp.Body.Read(buf)
	if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Fatalf("read after cancel: %v, want a deadline error", err)
	}
	resp.Body.Close()
	// Pool: before the head; Hosts: before the head and mid-body.
	for _, c := range []struct{ path, via string }{{"/hang", "pool"}, {"/hang", "hosts"}, {"/slow", "hosts"}} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		t0 := time.Now()
		var err error
		if c.via == "pool" {
			_, err = p.RoundTrip(ctx, request(ctx, t, "GET", s.URL+c.path, ""))
		} else {
			_, _, err = h.Fetch(ctx, request(ctx, t, "GET", s.URL+c.path, ""), 100)
		}
		if err != context.DeadlineExceeded { // exactly the context's error
			t.Fatalf("%s %s: %v, want the context's deadline", c.via, c.path, err)
		}
		if d := time.Since(t0); d > 2*time.Second {
			t.Fatalf("%s %s took %v", c.via, c.path, d)
		}
		cancel()
	}
	if got, err := stream(t, p, request(context.Background(), t, "GET", s.URL, "")); err != nil || got != "ok" {
		t.Fatal(got, err)
	}
	if _, got := fetch(context.Background(), t, h, request(context.Background(), t, "GET", s.URL, ""), 100); got != "ok" {
		t.Fatal(got)
	}
}

// "Connection: close" and an answer larger than the bound end the
// connection; an error status does not.
func TestCloseAndBound(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/close":
			w.Header().Set("Connection", "close")
			io.WriteString(w, "bye")
		case "/big":
			io.WriteString(w, strings.Repeat("x", 100))
		default:
			http.Error(w, "nope", http.StatusNotFound)
		}
	})
	h := hosts(t, time.Minute)
	for _, c := range []struct {
		path, body string
		code       int
	}{{"/close", "bye", 200}, {"/big", strings.Repeat("x", 51), 200}, {"/x", "nope\n", 404}, {"/x", "nope\n", 404}} {
		if code, got := fetch(context.Background(), t, h, request(context.Background(), t, "GET", s.URL+c.path, ""), 50); code != c.code || got != c.body {
			t.Fatalf("%s: %d %q", c.path, code, got)
		}
	}
	s.wantConns(t, 3) // close, big, then one for both 404s
}

// Hosts closes connections idle longer than IdleTimeout: when it would
// take one, and in the sweep that puts to another address run.
func TestIdleTimeout(t *testing.T) {
	a := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "a") })
	b := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "b") })
	h := hosts(t, 90*time.Millisecond)
	for _, want := range []string{"a", "a", "b"} {
		srv := map[string]*server{"a": a, "b": b}[want]
		if _, got := fetch(context.Background(), t, h, request(context.Background(), t, "GET", srv.URL, ""), 10); got != want {
			t.Fatal(got)
		}
		time.Sleep(120 * time.Millisecond)
	}
	a.wantConns(t, 2)
	deadline := time.Now().Add(2 * time.Second)
	for a.closed.Load() != 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := a.closed.Load(); n != 2 {
		t.Fatalf("%d of a's connections closed, want 2 (expired on take, swept on b's put)", n)
	}
}

// Usable sends only plain http with valid header names and values this way.
func TestUsable(t *testing.T) {
	for _, c := range []struct {
		url, key, value string
		ok              bool
	}{
		{"http://h/x", "X-Tag", "a", true}, {"https://h/x", "X-Tag", "a", false},
		{"http://h/x", "X-Tag", "a\r\nX-Injected: 1", false}, {"http://h/x", "Bad Name", "a", false},
	} {
		req := request(context.Background(), t, "GET", c.url, "")
		req.Header[c.key] = []string{c.value}
		if Usable(req) != c.ok {
			t.Fatalf("%+v", c)
		}
	}
	req := request(context.Background(), t, "GET", "http://h/x", "")
	if a := CanonicalAddr(req); a != "h:80" {
		t.Fatal(a)
	}
	if a := CanonicalAddr(request(context.Background(), t, "GET", "http://h:81/", "")); a != "h:81" {
		t.Fatal(a)
	}
}
