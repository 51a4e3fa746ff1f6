// Package agentclient speaks the agent container contract over HTTP: /ping
// health checks and request relaying to a session's agent, over connections
// dialed through the sandbox instance.
package agentclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/agentcore-dev/agentcore/internal/h1pool"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// Conn is a runtime.AgentConn with a pooled HTTP transport to one agent.
type Conn struct {
	inst     sandbox.Instance
	port     int
	protocol string
	host     string       // Host header of requests (loopback name and contract port)
	relay    *h1pool.Pool // invocations
}

var _ runtime.AgentConn = (*Conn)(nil)

// Connect is a runtime.Connector.
func Connect(inst sandbox.Instance, port int, protocol string) runtime.AgentConn {
	c := &Conn{inst: inst, port: port, protocol: protocol, host: hostFor(port)}
	c.relay = &h1pool.Pool{Dial: func(ctx context.Context) (net.Conn, error) { return c.dial(ctx, "", "") }, MaxIdle: 256}
	return c
}

func (c *Conn) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	return c.inst.Dial(ctx, c.port)
}

// connKey carries the *Conn a request of the shared transports below is for.
type connKey struct{}

// dialFromContext dials the agent of the *Conn in ctx.
func dialFromContext(ctx context.Context, _, _ string) (net.Conn, error) {
	c, ok := ctx.Value(connKey{}).(*Conn)
	if !ok {
		return nil, errors.New("agentclient: request without a connection target")
	}
	return c.dial(ctx, "", "")
}

// Health checks and WebSocket handshakes go through transports shared by
// every session (one per session would be ≈ 1 KiB each), without
// keep-alive: a connection is never reused, so never another agent's, and a
// probe's context ending never touches a connection an invocation uses.
// Each request names its agent in its context (connKey).
var (
	probeClient = &http.Client{Transport: &http.Transport{DialContext: dialFromContext, DisableKeepAlives: true, DisableCompression: true}}
	wsClient    = &http.Client{Transport: &http.Transport{DialContext: dialFromContext, DisableKeepAlives: true}}
)

func (c *Conn) withTarget(ctx context.Context) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// baseURL is the URL prefix requests to this agent use; the host part is
// ignored by the dialer.
const baseURL = "http://agent"

// Ping implements runtime.AgentConn. HTTP and AGUI agents answer GET /ping;
// MCP and A2A servers only need to accept connections; a Chromium (CDP)
// answers GET /json/version.
func (c *Conn) Ping(ctx context.Context) (runtime.PingResult, error) {
	if c.protocol == "MCP" || c.protocol == "A2A" {
		conn, err := c.inst.Dial(ctx, c.port)
		if err != nil {
			return runtime.PingResult{}, err
		}
		conn.Close()
		return runtime.PingResult{Status: runtime.PingHealthy}, nil
	}
	if c.protocol == "CDP" {
		return c.pingCDP(ctx)
	}
	req, err := http.NewRequestWithContext(c.withTarget(ctx), http.MethodGet, baseURL+"/ping", nil)
	if err != nil {
		return runtime.PingResult{}, err
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return runtime.PingResult{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return runtime.PingResult{}, fmt.Errorf("/ping answered %d", resp.StatusCode)
	}
	var p struct {
		Status     string   `json:"status"`
		LastUpdate *float64 `json:"time_of_last_update"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		// An agent answering 200 with another body is alive.
		return runtime.PingResult{Status: runtime.PingHealthy}, nil
	}
	res := runtime.PingResult{Status: p.Status}
	if res.Status != runtime.PingHealthyBusy {
		res.Status = runtime.PingHealthy
	}
	if p.LastUpdate != nil {
		res.LastUpdate = time.Unix(int64(*p.LastUpdate), 0)
	}
	return res, nil
}

// Close drops pooled connections (and those in use once they are done).
func (c *Conn) Close() { c.relay.CloseIdle(true) }

// pingCDP checks a Chromium's DevTools HTTP endpoint: GET /json/version
// answering 200. Chromium refuses Host names other than IPs and localhost,
// so the request carries the loopback Host.
func (c *Conn) pingCDP(ctx context.Context) (runtime.PingResult, error) {
	req, err := http.NewRequestWithContext(c.withTarget(ctx), http.MethodGet, baseURL+"/json/version", nil)
	if err != nil {
		return runtime.PingResult{}, err
	}
	req.Host = c.host
	resp, err := probeClient.Do(req)
	if err != nil {
		return runtime.PingResult{}, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) //nolint:errcheck // drained for the connection
	if resp.StatusCode != http.StatusOK {
		return runtime.PingResult{}, fmt.Errorf("/json/version answered %d", resp.StatusCode)
	}
	return runtime.PingResult{Status: runtime.PingHealthy}, nil
}
