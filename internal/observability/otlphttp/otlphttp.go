// Package otlphttp is OTLP over HTTP in both directions: the Exporter sends
// forwarded telemetry to an OTLP/HTTP endpoint (protobuf encoding; the
// observability.Sender behind --otlp-export), and the receiver
// (NewReceiver, receiver.go) takes OTLP/HTTP exports into the
// observability service.
package otlphttp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/observability"
)

// Exporter posts to {URL}/v1/{signal}.
type Exporter struct {
	URL    string
	Client *http.Client
}

var _ observability.Sender = (*Exporter)(nil)

// New returns an exporter for base URL u (e.g. http://collector:4318). A URL
// that already ends in /v1/traces is trimmed to its base.
func New(u string) *Exporter {
	u = strings.TrimRight(u, "/")
	for _, s := range []string{"/v1/traces", "/v1/logs", "/v1/metrics"} {
		u = strings.TrimSuffix(u, s)
	}
	return &Exporter{URL: u, Client: &http.Client{Timeout: 30 * time.Second}}
}

// Send implements observability.Sender.
func (e *Exporter) Send(ctx context.Context, signal string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL+"/v1/"+signal, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := e.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("OTLP export to %s: HTTP %d", req.URL, resp.StatusCode)
	}
	return nil
}
