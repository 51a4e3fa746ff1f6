package agentclient

import (
	"context"
	"errors"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/coder/websocket"
)

// DialWebSocket implements runtime.AgentConn: ws://<agent><path> over a
// fresh connection to the contract port, without compression.
func (c *Conn) DialWebSocket(ctx context.Context, path string, header map[string][]string, subprotocols []string) (runtime.WebSocketConn, error) {
	conn, resp, err := websocket.Dial(ctx, "ws://agent"+path, &websocket.DialOptions{
		HTTPClient:      c.ws,
		HTTPHeader:      header,
		Subprotocols:    subprotocols,
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		if resp != nil {
			return nil, &runtime.WebSocketRefusedError{Status: resp.StatusCode, Err: err}
		}
		return nil, err
	}
	return wsConn{conn}, nil
}

// wsConn adapts a coder/websocket connection to runtime.WebSocketConn
// (close frames become *runtime.WebSocketCloseError, oversized messages
// runtime.ErrMessageTooBig).
type wsConn struct{ c *websocket.Conn }

func (w wsConn) Subprotocol() string  { return w.c.Subprotocol() }
func (w wsConn) SetReadLimit(n int64) { w.c.SetReadLimit(n) }
func (w wsConn) CloseNow() error      { return w.c.CloseNow() }

func (w wsConn) Close(code int, reason string) error {
	return w.c.Close(websocket.StatusCode(code), reason)
}

func (w wsConn) Read(ctx context.Context) (runtime.MessageType, []byte, error) {
	typ, data, err := w.c.Read(ctx)
	if err != nil {
		var ce websocket.CloseError
		switch {
		case errors.As(err, &ce):
			return 0, nil, &runtime.WebSocketCloseError{Code: int(ce.Code), Reason: ce.Reason}
		case errors.Is(err, websocket.ErrMessageTooBig):
			return 0, nil, errors.Join(runtime.ErrMessageTooBig, err)
		}
		return 0, nil, err
	}
	return runtime.MessageType(typ), data, nil
}

func (w wsConn) Write(ctx context.Context, typ runtime.MessageType, data []byte) error {
	return w.c.Write(ctx, websocket.MessageType(typ), data)
}
