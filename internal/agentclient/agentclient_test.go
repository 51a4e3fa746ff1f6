package agentclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/coder/websocket"
)

// loopback is a sandbox.Instance whose agent is a real server on a
// loopback port (the process driver without the process).
type loopback struct {
	addr string
	done chan struct{}
}

func (l *loopback) Dial(ctx context.Context, port int) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", l.addr)
}
func (l *loopback) Done() <-chan struct{}      { return l.done }
func (l *loopback) Err() error                 { return nil }
func (l *loopback) Stop(context.Context) error { return nil }

func connect(t *testing.T, h http.Handler) runtime.AgentConn {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := Connect(&loopback{addr: srv.Listener.Addr().String(), done: make(chan struct{})}, 8080, "HTTP")
	t.Cleanup(c.Close)
	return c
}

// TestRoundTripStreams: the request reaches the agent with the contract's
// Host, its headers and body (known length or chunked), and the answer's
// body streams: the first chunk is read before the agent writes the next.
func TestRoundTripStreams(t *testing.T) {
	next := make(chan struct{})
	c := connect(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Seen", r.Method+" "+r.URL.RequestURI()+" "+r.Host+" "+r.Header.Get("X-Test")+" "+
			strconv.FormatInt(r.ContentLength, 10)+" "+strings.Join(r.TransferEncoding, ","))
		w.Write(append([]byte("got:"), body...))
		w.(http.Flusher).Flush()
		select {
		case <-next:
		case <-r.Context().Done():
		}
		w.Write([]byte(";end"))
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct {
		name string
		body io.Reader
		n    int64
		seen string
	}{
		{"buffered", bytes.NewReader([]byte("hello")), -1, "POST /invocations?x=1 127.0.0.1:8080 yes 5"},
		{"known length", io.MultiReader(strings.NewReader("hel"), strings.NewReader("lo")), 5, "POST /invocations?x=1 127.0.0.1:8080 yes 5"},
		{"chunked", io.MultiReader(strings.NewReader("hel"), strings.NewReader("lo")), -1, "POST /invocations?x=1 127.0.0.1:8080 yes -1 chunked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := c.RoundTrip(ctx, &runtime.AgentRequest{Method: "POST", Path: "/invocations?x=1",
				Header: map[string][]string{"X-Test": {"yes"}}, Body: tc.body, ContentLength: tc.n})
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.Status != 200 || resp.ContentLength != -1 || http.Header(resp.Header).Get("X-Seen") != tc.seen {
				t.Fatalf("status %d length %d seen %q, want %q", resp.Status, resp.ContentLength, http.Header(resp.Header).Get("X-Seen"), tc.seen)
			}
			buf := make([]byte, 64)
			n, err := resp.Body.Read(buf)
			if err != nil || string(buf[:n]) != "got:hello" {
				t.Fatalf("first chunk %q, %v (the answer must stream, not be buffered)", buf[:n], err)
			}
			next <- struct{}{}
			rest, err := io.ReadAll(resp.Body)
			if err != nil || string(rest) != ";end" {
				t.Fatalf("rest %q, %v", rest, err)
			}
		})
	}
}

// TestRoundTripContext: ending the context aborts a pending answer.
func TestRoundTripContext(t *testing.T) {
	c := connect(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.RoundTrip(ctx, &runtime.AgentRequest{Method: "GET", Path: "/slow"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
}

// TestDialWebSocket: messages both ways, the agent's close code and reason,
// the read limit, and a refused handshake with the agent's status.
func TestDialWebSocket(t *testing.T) {
	c := connect(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ws" {
			http.NotFound(w, r)
			return
		}
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"echo"}})
		if err != nil {
			return
		}
		defer ws.CloseNow()
		for {
			typ, data, err := ws.Read(r.Context())
			if err != nil {
				return
			}
			switch string(data) {
			case "bye":
				ws.Close(4000, "agent says bye")
				return
			case "big":
				ws.Write(r.Context(), websocket.MessageBinary, bytes.Repeat([]byte{1}, 100))
			default:
				ws.Write(r.Context(), typ, append([]byte(r.Header.Get("X-Test")+":"), data...))
			}
		}
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, err := c.DialWebSocket(ctx, "/ws", map[string][]string{"X-Test": {"h"}}, []string{"echo"})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if ws.Subprotocol() != "echo" {
		t.Fatalf("subprotocol %q", ws.Subprotocol())
	}
	if err := ws.Write(ctx, runtime.MessageText, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if typ, data, err := ws.Read(ctx); err != nil || typ != runtime.MessageText || string(data) != "h:hi" {
		t.Fatalf("read %d %q %v", typ, data, err)
	}
	ws.SetReadLimit(10)
	ws.Write(ctx, runtime.MessageText, []byte("big"))
	if _, _, err := ws.Read(ctx); !errors.Is(err, runtime.ErrMessageTooBig) {
		t.Fatalf("oversized message: %v, want ErrMessageTooBig", err)
	}

	ws2, err := c.DialWebSocket(ctx, "/ws", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws2.Write(ctx, runtime.MessageText, []byte("bye"))
	var ce *runtime.WebSocketCloseError
	if _, _, err := ws2.Read(ctx); !errors.As(err, &ce) || ce.Code != 4000 || ce.Reason != "agent says bye" {
		t.Fatalf("close: %v", err)
	}

	var refused *runtime.WebSocketRefusedError
	if _, err := c.DialWebSocket(ctx, "/nows", nil, nil); !errors.As(err, &refused) || refused.Status != http.StatusNotFound {
		t.Fatalf("refused handshake: %v", err)
	}
}
