package main

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	agentcore "github.com/agentcore-dev/agentcore/sdk"
	"github.com/coder/websocket"
)

// wsState is what /ws connections of this process share.
type wsState struct {
	conns     atomic.Int64
	mu        sync.Mutex
	value     string
	lastClose string // "<code> <reason>" of the last connection the peer closed
}

// serveWS is the /ws behaviour (see the package doc): a hello message, then
// echo, interruptible streams, per-process state and agent-initiated closes.
func (a *agent) serveWS(ctx context.Context, conn *websocket.Conn, rc *agentcore.RequestContext) {
	conn.SetReadLimit(1 << 20) // the platform's limit is the one under test
	n := a.ws.conns.Add(1)
	a.ws.mu.Lock()
	state := a.ws.value
	a.ws.mu.Unlock()
	hello, _ := json.Marshal(map[string]any{"hello": "ws", "sessionId": rc.SessionID, "pid": a.pid, "instance": a.instance, "conns": n,
		"state": state, "custom": rc.RequestHeaders["x-amzn-bedrock-agentcore-runtime-custom-tag"], "subprotocol": conn.Subprotocol()})
	if conn.Write(ctx, websocket.MessageText, hello) != nil {
		return
	}
	var (
		wmu  sync.Mutex // one writer at a time: the read loop and a stream
		stop chan struct{}
		done chan struct{}
	)
	send := func(s string) error {
		wmu.Lock()
		defer wmu.Unlock()
		return conn.Write(ctx, websocket.MessageText, []byte(s))
	}
	for {
		typ, data, err := conn.Read(ctx)
		if err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				a.ws.mu.Lock()
				a.ws.lastClose = strconv.Itoa(int(ce.Code)) + " " + ce.Reason
				a.ws.mu.Unlock()
			}
			if stop != nil {
				close(stop)
				<-done
			}
			return
		}
		if typ == websocket.MessageBinary {
			wmu.Lock()
			err = conn.Write(ctx, typ, data)
			wmu.Unlock()
			if err != nil {
				return
			}
			continue
		}
		cmd, arg, _ := strings.Cut(string(data), " ")
		switch cmd {
		case "close":
			codeStr, reason, _ := strings.Cut(arg, " ")
			code, _ := strconv.Atoi(codeStr)
			conn.Close(websocket.StatusCode(code), reason)
			return
		case "stream":
			count, _ := strconv.Atoi(arg)
			stop, done = make(chan struct{}), make(chan struct{})
			go func(stop, done chan struct{}) {
				defer close(done)
				for i := 0; i < count; i++ {
					select {
					case <-stop:
						send("interrupted " + strconv.Itoa(i))
						return
					case <-time.After(20 * time.Millisecond):
					}
					if send("tick "+strconv.Itoa(i)) != nil {
						return
					}
				}
				send("stream done")
			}(stop, done)
		case "interrupt":
			if stop != nil {
				close(stop)
				<-done
				stop = nil
			}
		case "set":
			a.ws.mu.Lock()
			a.ws.value = arg
			a.ws.mu.Unlock()
			err = send("ok")
		case "get":
			a.ws.mu.Lock()
			v := a.ws.value
			a.ws.mu.Unlock()
			err = send("state " + v)
		case "lastclose":
			a.ws.mu.Lock()
			v := a.ws.lastClose
			a.ws.mu.Unlock()
			err = send("lastclose " + v)
		case "big":
			size, _ := strconv.Atoi(arg)
			err = send(strings.Repeat("x", size))
		default:
			err = send(string(data))
		}
		if err != nil {
			return
		}
	}
}
