package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// VersionInfo is Chromium's answer to GET /json/version.
type VersionInfo struct {
	Browser              string `json:"Browser"`
	ProtocolVersion      string `json:"Protocol-Version"`
	UserAgent            string `json:"User-Agent"`
	WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
}

// BrowserWS returns the path of a session's browser-level CDP endpoint
// ("/devtools/browser/<id>"), read from GET /json/version through conn.
func BrowserWS(ctx context.Context, conn runtime.AgentConn) (string, error) {
	v, err := Version(ctx, conn)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(v.WebSocketDebuggerURL)
	if err != nil || !strings.HasPrefix(u.Path, "/devtools/browser/") {
		return "", fmt.Errorf("chromium's webSocketDebuggerUrl %q is not a browser endpoint", v.WebSocketDebuggerURL)
	}
	return u.Path, nil
}

// Version reads GET /json/version through conn.
func Version(ctx context.Context, conn runtime.AgentConn) (*VersionInfo, error) {
	resp, err := conn.RoundTrip(ctx, &runtime.AgentRequest{Method: "GET", Path: "/json/version"})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	if resp.Status != 200 {
		return nil, fmt.Errorf("GET /json/version answered %d: %.200s", resp.Status, body)
	}
	var v VersionInfo
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("GET /json/version: %w", err)
	}
	return &v, nil
}
