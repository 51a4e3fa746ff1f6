package openapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/gateway"
)

// call runs one tool call of operation method path (path parameter id,
// optional JSON body) against srv through b.
func call(t *testing.T, b *Backend, ctx context.Context, srvURL, method string, args map[string]any) (*gateway.Result, error) {
	t.Helper()
	bd := fmt.Sprintf(`{"method":%q,"server":%q,"path":"/items/{id}","params":[{"name":"id","in":"path"},{"name":"X-Tag","in":"header"}],"body":true}`,
		strings.ToLower(method), srvURL)
	return b.Call(ctx, &gateway.Call{Name: "t___op", Tool: &gateway.Tool{Name: "op", Binding: []byte(bd)}, Arguments: args})
}

func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// TestH1KeepAlive: sequential calls to a plain-http backend share one
// connection, the request carries path, header and body, and a chunked
// answer is read whole.
func TestH1KeepAlive(t *testing.T) {
	srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/items/chunked" {
			w.Write([]byte(`{"part":1,`))
			w.(http.Flusher).Flush()
			w.Write([]byte(`"part2":2}`))
			return
		}
		fmt.Fprintf(w, `{"m":%q,"p":%q,"tag":%q,"body":%q,"accept":%q}`, r.Method, r.URL.Path, r.Header.Get("X-Tag"), body, r.Header.Get("Accept"))
	})
	b := New()
	defer b.Close()
	ctx := context.Background()
	for i := range 20 {
		res, err := call(t, b, ctx, srv.URL, "POST", map[string]any{"id": fmt.Sprint(i), "X-Tag": "t", "body": map[string]any{"k": i}})
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`{"m":"POST","p":"/items/%d","tag":"t","body":"{\"k\":%d}","accept":"application/json"}`, i, i)
		if res.Text != want || string(res.Structured) != want || res.IsError {
			t.Fatalf("call %d: %+v, want %s", i, res, want)
		}
	}
	res, err := call(t, b, ctx, srv.URL, "GET", map[string]any{"id": "chunked"})
	if err != nil || res.Text != `{"part":1,"part2":2}` {
		t.Fatalf("chunked: %+v %v", res, err)
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for 21 sequential calls, want 1", n)
	}
}

// TestH1BackendClosedIdle: a keep-alive connection the backend closed
// while idle is not used again; the next call (a POST, which must not be
// replayed) succeeds on a new connection.
func TestH1BackendClosedIdle(t *testing.T) {
	srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	b := New()
	defer b.Close()
	ctx := context.Background()
	for i := range 3 {
		if res, err := call(t, b, ctx, srv.URL, "POST", map[string]any{"id": "1"}); err != nil || res.Text != "ok" {
			t.Fatalf("call %d: %+v %v", i, res, err)
		}
		srv.CloseClientConnections()
		time.Sleep(50 * time.Millisecond) // the FIN reaches the idle connection
	}
	if n := conns.Load(); n != 3 {
		t.Fatalf("%d connections, want 3", n)
	}
}

// TestH1CloseAndLimits: "Connection: close" and an answer larger than the
// limit end the connection; errors are tool errors with the status.
func TestH1CloseAndLimits(t *testing.T) {
	srv, conns := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/items/close":
			w.Header().Set("Connection", "close")
			io.WriteString(w, "bye")
		case "/items/big":
			io.WriteString(w, strings.Repeat("x", 100))
		default:
			http.Error(w, "nope", http.StatusNotFound)
		}
	})
	b := New()
	b.MaxResponse = 50
	defer b.Close()
	ctx := context.Background()
	for _, c := range []struct{ id, text string }{
		{"close", "bye"}, {"big", "the target's response is larger than 50 bytes"}, {"x", "HTTP 404: nope\n"}, {"x", "HTTP 404: nope\n"},
	} {
		res, err := call(t, b, ctx, srv.URL, "GET", map[string]any{"id": c.id})
		if err != nil || res.Text != c.text || res.IsError != (c.id != "close") {
			t.Fatalf("%s: %+v %v", c.id, res, err)
		}
	}
	if n := conns.Load(); n != 3 { // close, big, then one for both 404s
		t.Fatalf("%d connections, want 3", n)
	}
}

// TestH1Deadline: a backend slower than the call's context fails the call
// with the context's error; a bad header value takes the Transport, which
// refuses it.
func TestH1Deadline(t *testing.T) {
	release := make(chan struct{})
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	b := New()
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	if _, err := call(t, b, ctx, srv.URL, "GET", map[string]any{"id": "slow"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow backend: %v", err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Fatalf("the call took %v", d)
	}
	if _, err := call(t, b, context.Background(), srv.URL, "GET", map[string]any{"id": "1", "X-Tag": "a\r\nX-Injected: 1"}); err == nil ||
		!strings.Contains(err.Error(), "invalid header field value") {
		t.Fatalf("bad header value: %v", err)
	}
}
