package httpapi_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/httpapi"
	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestOversizedBodyRefusedBeforeReading: a declared Content-Length over the
// limit is answered at once with a ValidationException, without waiting
// for (or buffering) the body (issue 20 point 2).
func TestOversizedBodyRefusedBeforeReading(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	for _, path := range []string{"/runtimes/x-0123456789/invocations", "/v1/chat/completions", "/runtimes/"} {
		c, err := net.Dial("tcp", strings.TrimPrefix(e.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200000000\r\n\r\n{\"a\":", path)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%s: no answer before the body: %v", path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if path == "/v1/chat/completions" { // OpenAI clients read OpenAI's error shape
			if resp.StatusCode != 413 || !bytes.Contains(b, []byte(`"invalid_request_error"`)) || !bytes.Contains(b, []byte("exceeds the limit")) {
				t.Errorf("%s: %d %s", path, resp.StatusCode, b)
			}
		} else if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-Errortype") != "ValidationException" || !bytes.Contains(b, []byte("exceeds the limit")) {
			t.Errorf("%s: %d %s %s", path, resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), b)
		}
		c.Close()
	}
}

// TestSlowBodyIsCut: a body that trickles in slower than the minimum rate
// after the grace period ends the request instead of holding the
// connection (issue 20 point 4).
func TestSlowBodyIsCut(t *testing.T) {
	read := make(chan error, 1)
	h := httpapi.GuardBodies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		read <- err
		if err != nil {
			http.Error(w, err.Error(), 400)
		}
	}), httpapi.BodyLimits{Grace: 300 * time.Millisecond, MinRate: 1000}, nil)
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
	start := time.Now()
	go func() {
		for i := 0; i < 100; i++ {
			if _, err := c.Write([]byte("0123456789")); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	select {
	case err := <-read:
		if err == nil {
			t.Fatal("the slow body was read to the end")
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("cut after %v", d)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("the slow body was not cut")
	}
	// A body at a normal rate is not affected.
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(strings.Repeat("x", 1<<20)))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("normal body: %v %v", resp, err)
	}
	resp.Body.Close()
	if err := <-read; err != nil {
		t.Fatal(err)
	}
}

// TestUnreadBodyWithConnectionClose: an operation that does not read its
// body, asked with Connection: close by a client that sends the body a
// moment after the headers, answers in full instead of resetting the
// connection under the client (issue 20 point 9).
func TestUnreadBodyWithConnectionClose(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	body := strings.Repeat("x", 64<<10)
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", strings.TrimPrefix(e.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "POST /runtimes/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n", len(body))
		time.Sleep(100 * time.Millisecond) // the server has answered by now
		c.Write([]byte(body))              //nolint:errcheck // a reset shows in the read below
		time.Sleep(700 * time.Millisecond) // past net/http's 500 ms wait before it closes for good
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		b, err := io.ReadAll(resp.Body)
		c.Close()
		if err != nil || resp.StatusCode >= 500 {
			t.Fatalf("round %d: %d %s %v", i, resp.StatusCode, b, err)
		}
	}
}

// TestProxiedRequestsAreNotLoopback: agentcore's own endpoints answer
// unsigned requests from loopback peers, but not when a proxy on the same
// host forwarded the request (issue 20 point 6).
func TestProxiedRequestsAreNotLoopback(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	for _, hdr := range []string{"", "X-Forwarded-For", "Forwarded", "X-Real-Ip"} {
		req, _ := http.NewRequest("GET", e.URL+"/_agentcore/sessions", nil)
		if hdr != "" {
			req.Header.Set(hdr, "203.0.113.7")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[bool]int{true: 200, false: 403}[hdr == ""]; resp.StatusCode != want {
			t.Errorf("unsigned with %q: %d, want %d", hdr, resp.StatusCode, want)
		}
	}
}

// TestTrustedProxies: behind a proxy named by --trusted-proxies, the client
// the proxy forwards decides the loopback rule (issue 20 point 6).
func TestTrustedProxies(t *testing.T) {
	cfg := testenv.Fast()
	cfg.TrustedProxies = "127.0.0.1, 10.9.0.0/16"
	e := testenv.Start(t, cfg)
	for _, c := range []struct {
		hdr, val string
		want     int
	}{
		{"", "", 403}, // the proxy itself, naming no client
		{"X-Forwarded-For", "203.0.113.7", 403},
		{"X-Forwarded-For", "127.0.0.1", 200},
		{"X-Forwarded-For", "203.0.113.7, 10.9.3.4", 403}, // a trusted hop, then the real client
		{"X-Forwarded-For", "127.0.0.1, 10.9.3.4", 200},
		{"X-Forwarded-For", "127.0.0.1, 203.0.113.7", 403}, // spoofed first hop: the untrusted one decides
		{"X-Forwarded-For", "not-an-ip", 403},
		{"Forwarded", `for="[::1]:1234";proto=http`, 200},
		{"Forwarded", "for=198.51.100.2", 403},
	} {
		req, _ := http.NewRequest("GET", e.URL+"/_agentcore/sessions", nil)
		if c.hdr != "" {
			req.Header.Set(c.hdr, c.val)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: %q: %d, want %d", c.hdr, c.val, resp.StatusCode, c.want)
		}
	}
}

// TestBodiesInFlightAreBounded: request bodies being received at once count
// against one budget across requests; past it a request is a
// ThrottlingException before its body is read, and the budget is free
// again once the first request is done (issue 20 point 2: four large
// requests held ~1 GB).
func TestBodiesInFlightAreBounded(t *testing.T) {
	release := make(chan struct{})
	got := make(chan struct{}, 4)
	h := httpapi.GuardBodies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		got <- struct{}{}
		<-release
	}), httpapi.BodyLimits{InFlight: 1 << 20}, nil)
	srv := httptest.NewServer(h)
	defer srv.Close()
	post := func() (*http.Response, error) {
		return http.Post(srv.URL+"/runtimes/x/invocations", "application/json", bytes.NewReader(make([]byte, 800<<10)))
	}
	first := make(chan error, 1)
	go func() {
		resp, err := post()
		if err == nil {
			resp.Body.Close()
		}
		first <- err
	}()
	<-got // the first body is in
	resp, err := post()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("X-Amzn-Errortype") != "ThrottlingException" {
		t.Fatalf("second large body while the first is held: %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"))
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	resp, err = post()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after the first finished: %v %v", resp, err)
	}
	resp.Body.Close()
}
