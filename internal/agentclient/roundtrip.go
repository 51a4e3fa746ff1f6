package agentclient

import (
	"context"
	"net/http"
	"strconv"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// RoundTrip implements runtime.AgentConn over the pooled keep-alive
// connections (internal/h1pool): the request body streams to the agent and the
// answer's body streams back.
func (c *Conn) RoundTrip(ctx context.Context, ar *runtime.AgentRequest) (*runtime.AgentResponse, error) {
	req, err := http.NewRequestWithContext(ctx, ar.Method, baseURL+ar.Path, ar.Body)
	if err != nil {
		return nil, err
	}
	// Agents see a loopback name with the contract port, which the MCP
	// SDKs' DNS-rebinding guards accept.
	req.Host = c.host
	if ar.Header != nil {
		req.Header = http.Header(ar.Header)
	}
	if ar.Body != nil && req.GetBody == nil {
		req.ContentLength = ar.ContentLength // else NewRequest measured the (rewindable) reader
	}
	resp, err := c.relay.RoundTrip(ctx, req)
	if err != nil {
		return nil, err
	}
	return &runtime.AgentResponse{Status: resp.StatusCode, Header: resp.Header, Body: resp.Body, ContentLength: resp.ContentLength}, nil
}

func hostFor(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }
