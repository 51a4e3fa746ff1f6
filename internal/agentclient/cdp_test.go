package agentclient

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestPingCDP: a CDP agent (Chromium's DevTools endpoint) is healthy when
// GET /json/version answers 200; the request carries an IP Host, as
// Chromium requires, and another answer is a failed ping.
func TestPingCDP(t *testing.T) {
	var status atomic.Int32
	status.Store(http.StatusOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.Host)
		if r.URL.Path != "/json/version" || net.ParseIP(host) == nil {
			http.Error(w, "Host header is specified and is not an IP address or localhost.", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(int(status.Load()))
		w.Write([]byte(`{"webSocketDebuggerUrl":"ws://127.0.0.1:9222/devtools/browser/x"}`))
	}))
	t.Cleanup(srv.Close)
	c := Connect(&loopback{addr: srv.Listener.Addr().String(), done: make(chan struct{})}, 9222, "CDP")
	t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if res, err := c.Ping(ctx); err != nil || res.Status != "Healthy" {
		t.Fatalf("ping: %+v %v", res, err)
	}
	status.Store(http.StatusNotFound)
	if _, err := c.Ping(ctx); err == nil {
		t.Fatal("a 404 from /json/version must fail the ping")
	}
}
