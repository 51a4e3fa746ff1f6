package agentclient

import (
	"context"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/runtime/wsconn"
	"github.com/coder/websocket"
)

// DialWebSocket implements runtime.AgentConn: ws://<agent><path> over a
// fresh connection to the contract port, without compression. The Host
// header is the loopback name with the contract port, as for RoundTrip
// (Chromium's devtools endpoint refuses other names).
func (c *Conn) DialWebSocket(ctx context.Context, path string, header map[string][]string, subprotocols []string) (runtime.WebSocketConn, error) {
	conn, resp, err := websocket.Dial(c.withTarget(ctx), "ws://"+c.host+path, &websocket.DialOptions{
		HTTPClient:      wsClient,
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
	return wsconn.Wrap(conn), nil
}
