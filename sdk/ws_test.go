package agentcore

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func wsURL(httpURL string) string { return "ws" + strings.TrimPrefix(httpURL, "http") + "/ws" }

func TestWebSocketEcho(t *testing.T) {
	a := newTestApp(t)
	a.WebSocket(func(ctx context.Context, conn *websocket.Conn, rc *RequestContext) {
		if err := conn.Write(ctx, websocket.MessageText, []byte("session="+rc.SessionID+" custom="+rc.RequestHeaders["x-amzn-bedrock-agentcore-runtime-custom-x"])); err != nil {
			return
		}
		for {
			typ, data, err := conn.Read(ctx)
			if err != nil {
				return
			}
			if err := conn.Write(ctx, typ, data); err != nil {
				return
			}
		}
	})
	srv := serve(t, a)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hdr := http.Header{}
	hdr.Set(HeaderSessionID, "ws-sess")
	hdr.Set("X-Amzn-Bedrock-AgentCore-Runtime-Custom-X", "y")
	hdr.Set("Origin", "https://elsewhere.example") // the platform forwards browsers' handshakes
	conn, _, err := websocket.Dial(ctx, wsURL(srv.URL), &websocket.DialOptions{HTTPHeader: hdr})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()

	_, hello, err := conn.Read(ctx)
	if err != nil || string(hello) != "session=ws-sess custom=y" {
		t.Fatalf("hello %q %v", hello, err)
	}
	for _, m := range []struct {
		typ  websocket.MessageType
		data string
	}{{websocket.MessageText, "ping"}, {websocket.MessageBinary, "\x00\x01bin"}} {
		if err := conn.Write(ctx, m.typ, []byte(m.data)); err != nil {
			t.Fatal(err)
		}
		typ, data, err := conn.Read(ctx)
		if err != nil || typ != m.typ || string(data) != m.data {
			t.Fatalf("echo %v %q %v", typ, data, err)
		}
	}
	if err := conn.Close(websocket.StatusNormalClosure, "bye"); err != nil {
		t.Fatal(err)
	}
}

func TestWebSocketHandlerReturnAndPanic(t *testing.T) {
	a := newTestApp(t)
	a.WebSocket(func(ctx context.Context, conn *websocket.Conn, rc *RequestContext) {
		_, data, err := conn.Read(ctx)
		if err == nil && string(data) == "panic" {
			panic("handler bug")
		}
	})
	srv := serve(t, a)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for msg, want := range map[string]websocket.StatusCode{"bye": websocket.StatusNormalClosure, "panic": websocket.StatusInternalError} {
		conn, _, err := websocket.Dial(ctx, wsURL(srv.URL), nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.Write(ctx, websocket.MessageText, []byte(msg))
		_, _, err = conn.Read(ctx)
		if got := websocket.CloseStatus(err); got != want {
			t.Fatalf("%s: close status %v (%v), want %v", msg, got, err, want)
		}
		conn.CloseNow()
	}
}

func TestWebSocketWithoutHandler(t *testing.T) {
	srv := serve(t, newTestApp(t))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, wsURL(srv.URL), nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("want a refused handshake with 403, got %v %v", resp, err)
	}
}
