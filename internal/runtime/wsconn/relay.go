package wsconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// Upstream describes the far side of a relay for the closes sent on.
type Upstream struct {
	Name string // in close reasons: "agent", "browser"
	// Lost is the close sent to the client when the upstream connection
	// breaks without a close of its own.
	LostCode   int
	LostReason string
}

// Relay copies messages both ways between client and upstream (each at
// most limit bytes) until either side ends, then closes the other with the
// code and reason that ended it. It returns when both directions have
// ended.
func Relay(ctx context.Context, client, upstream runtime.WebSocketConn, up Upstream, limit int64) {
	client.SetReadLimit(limit)
	upstream.SetReadLimit(limit)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		pump(ctx, client, upstream, func(err error) (int, string) {
			return closeFor(err, "client", limit, runtime.CloseGoingAway, "client connection lost")
		})
	}()
	go func() {
		defer wg.Done()
		pump(ctx, upstream, client, func(err error) (int, string) { return closeFor(err, up.Name, limit, up.LostCode, up.LostReason) })
	}()
	wg.Wait()
}

// pump relays from src to dst; when src ends it closes dst accordingly.
func pump(ctx context.Context, src, dst runtime.WebSocketConn, closing func(error) (int, string)) {
	for {
		typ, data, err := src.Read(ctx)
		if err != nil {
			code, reason := closing(err)
			dst.Close(code, reason) //nolint:errcheck // dst may be closed already
			src.CloseNow()          //nolint:errcheck // unblocks the other pump's write
			return
		}
		if err := dst.Write(ctx, typ, data); err != nil {
			src.Close(runtime.CloseGoingAway, "peer connection closed") //nolint:errcheck // best effort
			return
		}
	}
}

// closeFor is the close code and reason to send on after a read from
// "from" ended with err.
func closeFor(err error, from string, limit int64, lostCode int, lostReason string) (int, string) {
	var ce *runtime.WebSocketCloseError
	switch {
	case errors.As(err, &ce) && ce.Code == runtime.CloseNoStatus:
		return runtime.CloseNormal, ""
	case errors.As(err, &ce):
		return ce.Code, ce.Reason
	case errors.Is(err, runtime.ErrMessageTooBig):
		return runtime.CloseMessageTooBig, fmt.Sprintf("%s message exceeds %d bytes", from, limit)
	case errors.Is(err, io.EOF), errors.Is(err, context.Canceled):
		return runtime.CloseGoingAway, from + " connection closed"
	}
	return lostCode, lostReason
}

// IsUpgrade reports whether r asks for a WebSocket upgrade.
func IsUpgrade(r *http.Request) bool {
	return r.Method == http.MethodGet && hasToken(r.Header, "Connection", "upgrade") && hasToken(r.Header, "Upgrade", "websocket")
}

func hasToken(h http.Header, key, token string) bool {
	for _, v := range h.Values(key) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
