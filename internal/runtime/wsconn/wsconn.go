// Package wsconn adapts coder/websocket connections to
// runtime.WebSocketConn, for both sides of the runtime's WebSocket relay: the
// agent's connection (internal/agentclient) and the caller's
// (internal/runtime/invokehttp). Close frames become
// *runtime.WebSocketCloseError and oversized messages runtime.ErrMessageTooBig.
package wsconn

import (
	"context"
	"errors"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/coder/websocket"
)

// Wrap returns c as a runtime.WebSocketConn.
func Wrap(c *websocket.Conn) runtime.WebSocketConn { return conn{c} }

type conn struct{ c *websocket.Conn }

func (w conn) Subprotocol() string  { return w.c.Subprotocol() }
func (w conn) SetReadLimit(n int64) { w.c.SetReadLimit(n) }
func (w conn) CloseNow() error      { return w.c.CloseNow() }

func (w conn) Close(code int, reason string) error {
	return w.c.Close(websocket.StatusCode(code), reason)
}

func (w conn) Read(ctx context.Context) (runtime.MessageType, []byte, error) {
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

func (w conn) Write(ctx context.Context, typ runtime.MessageType, data []byte) error {
	return w.c.Write(ctx, websocket.MessageType(typ), data)
}
