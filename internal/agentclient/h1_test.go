package agentclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// countingServer is an agent that counts the connections it accepted.
func countingServer(t *testing.T, h http.Handler) (*Conn, *atomic.Int64, *httptest.Server) {
	t.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := Connect(&loopback{addr: srv.Listener.Addr().String(), done: make(chan struct{})}, 8080, "HTTP").(*Conn)
	t.Cleanup(c.Close)
	return c, &conns, srv
}

func post(t *testing.T, c *Conn, body string) string {
	t.Helper()
	resp, err := c.RoundTrip(context.Background(), &runtime.AgentRequest{Method: "POST", Path: "/invocations",
		Header: map[string][]string{"Content-Type": {"application/json"}}, Body: strings.NewReader(body)})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Sequential requests share one keep-alive connection; chunked answers too.
func TestRoundTripReusesConnection(t *testing.T) {
	c, conns, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", "")
		}
		w.Write(append([]byte("echo:"), b...))
		w.(http.Flusher).Flush() // a flushed answer of unknown length is chunked
		w.Write([]byte("!"))
	}))
	for i := range 20 {
		if got := post(t, c, "x"); got != "echo:x!" {
			t.Fatalf("request %d: %q", i, got)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for 20 sequential requests, want 1", n)
	}
}

// An idle connection the agent closed (its keep-alive timeout) is not used:
// the next request goes out on a new one and succeeds.
func TestRoundTripAfterAgentClosedIdle(t *testing.T) {
	c, conns, srv := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(w, r.Body)
	}))
	if got := post(t, c, "one"); got != "one" {
		t.Fatal(got)
	}
	srv.CloseClientConnections() // the agent drops its idle connections
	time.Sleep(50 * time.Millisecond)
	if got := post(t, c, "two"); got != "two" {
		t.Fatal(got)
	}
	if n := conns.Load(); n != 2 {
		t.Fatalf("%d connections, want 2", n)
	}
}

// A body the caller stops reading (an endless stream) is closed without
// draining it, and the connection is not reused.
func TestRoundTripEarlyCloseOfStream(t *testing.T) {
	c, conns, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	}))
	resp, err := c.RoundTrip(context.Background(), &runtime.AgentRequest{Method: "GET", Path: "/stream"})
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
	if got := post(t, c, ""); got != "ok" {
		t.Fatal(got)
	}
	if n := conns.Load(); n != 2 {
		t.Fatalf("%d connections, want 2 (the stream's is not reused)", n)
	}
}

// A context ending mid-stream unblocks the body's read with the context's
// error, and the next request works.
func TestRoundTripCancelMidStream(t *testing.T) {
	c, _, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hang" {
			<-r.Context().Done()
			return
		}
		if r.URL.Path == "/slow" {
			w.Write([]byte("first"))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		io.WriteString(w, "ok")
	}))
	ctx, cancel := context.WithCancel(context.Background())
	resp, err := c.RoundTrip(ctx, &runtime.AgentRequest{Method: "POST", Path: "/slow", Body: bytes.NewReader([]byte("x"))})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err = resp.Body.Read(buf)
	var ne net.Error
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read after cancel: %v, want a deadline error", err)
	}
	resp.Body.Close()
	if got := post(t, c, ""); got != "ok" {
		t.Fatal(got)
	}
	// A context that ends before the answer: RoundTrip returns its error.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := c.RoundTrip(ctx2, &runtime.AgentRequest{Method: "GET", Path: "/hang"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's deadline", err)
	}
	if got := post(t, c, ""); got != "ok" {
		t.Fatal(got)
	}
}
