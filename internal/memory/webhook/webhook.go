// Package webhook delivers Memory's self-managed strategy payloads to the
// user's pipeline over HTTP: one POST of the JSON body per attempt, signed
// with HMAC-SHA256 under the subscription's secret. Retries with backoff
// are the memory service's (a failed attempt postpones the durable job).
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Header names of a delivery.
const (
	HeaderSignature = "X-Agentcore-Signature-256" // "sha256=" + hex(HMAC(secret, timestamp + "." + body))
	HeaderTimestamp = "X-Agentcore-Timestamp"     // unix seconds
	HeaderDelivery  = "X-Agentcore-Delivery"      // the job id (same on every retry: dedupe on it)
)

// Client posts deliveries.
type Client struct {
	HTTP *http.Client
	Now  func() time.Time
}

// New returns a client with a 10 s timeout per attempt.
func New() *Client { return &Client{HTTP: &http.Client{Timeout: 10 * time.Second}, Now: time.Now} }

// Sign computes the signature header value for body sent at ts.
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "%d.", ts)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a delivery's signature (for receivers written in Go).
func Verify(secret, signature, timestamp string, body []byte) bool {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signature))
}

// Post sends one attempt; any answer but 2xx is an error.
func (c *Client) Post(ctx context.Context, endpoint, secret, deliveryID string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	ts := c.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "agentcore-memory-webhook")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderDelivery, deliveryID)
	req.Header.Set(HeaderSignature, Sign(secret, ts, body))
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("endpoint answered %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}
