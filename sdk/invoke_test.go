package agentcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

func TestInvokeJSONReply(t *testing.T) {
	a := newTestApp(t)
	a.Entrypoint(func(ctx context.Context, payload json.RawMessage, rc *RequestContext) (any, error) {
		var in map[string]any
		if err := json.Unmarshal(payload, &in); err != nil {
			return nil, err
		}
		return map[string]any{"got": in["prompt"], "html": "<a&b>", "uni": "héllo"}, nil
	})
	srv := serve(t, a)

	status, hdr, body := post(t, srv, `{"prompt":"hi"}`, nil)
	if status != 200 || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d content-type %q", status, hdr.Get("Content-Type"))
	}
	if want := `{"got":"hi","html":"<a&b>","uni":"héllo"}`; body != want {
		t.Fatalf("body %s, want %s", body, want)
	}
}

func TestInvokeScalarResults(t *testing.T) {
	cases := []struct {
		result any
		want   string
	}{
		{"hello", `"hello"`},
		{nil, `null`},
		{42, `42`},
		{[]int{1, 2}, `[1,2]`},
		{json.RawMessage(`{"raw": true}`), `{"raw": true}`},
		{make(chan int), ``}, // not serialisable: falls back to its string form
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%T", c.result), func(t *testing.T) {
			a := newTestApp(t)
			a.Entrypoint(func(context.Context, json.RawMessage, *RequestContext) (any, error) { return c.result, nil })
			status, _, body := post(t, serve(t, a), `{}`, nil)
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			if c.want == "" {
				if !strings.HasPrefix(body, `"0x`) {
					t.Fatalf("fallback body %s", body)
				}
				return
			}
			if body != c.want {
				t.Fatalf("body %s, want %s", body, c.want)
			}
		})
	}
}

func TestInvokeErrorMappings(t *testing.T) {
	cases := []struct {
		name       string
		err        error
		panicValue any
		status     int
		body       string
	}{
		{"plain", errors.New("boom"), nil, 500, `{"error":"boom"}`},
		{"http value", HTTPError{Status: 404, Detail: "no such thing"}, nil, 404, `{"error":"no such thing"}`},
		{"http pointer wrapped", fmt.Errorf("ctx: %w", &HTTPError{Status: 429, Detail: "slow down"}), nil, 429, `{"error":"slow down"}`},
		{"http empty detail", HTTPError{Status: 403}, nil, 403, `{"error":"Forbidden"}`},
		{"panic", nil, "kaboom", 500, `{"error":"panic: kaboom"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newTestApp(t)
			a.Entrypoint(func(context.Context, json.RawMessage, *RequestContext) (any, error) {
				if c.panicValue != nil {
					panic(c.panicValue)
				}
				return nil, c.err
			})
			status, hdr, body := post(t, serve(t, a), `{}`, nil)
			if status != c.status || body != c.body || hdr.Get("Content-Type") != "application/json" {
				t.Fatalf("got %d %s (%s), want %d %s", status, body, hdr.Get("Content-Type"), c.status, c.body)
			}
		})
	}
}

func TestInvokeBadRequests(t *testing.T) {
	a := newTestApp(t, WithMaxBodyBytes(1000))
	var called atomic.Bool
	a.Entrypoint(func(context.Context, json.RawMessage, *RequestContext) (any, error) {
		called.Store(true)
		return "ok", nil
	})
	srv := serve(t, a)

	for _, body := range []string{`{"a":`, ``, `not json`} {
		status, _, got := post(t, srv, body, nil)
		m := decode[map[string]string](t, got)
		if status != 400 || m["error"] != "Invalid JSON" || m["details"] == "" {
			t.Fatalf("body %q: got %d %s", body, status, got)
		}
	}
	status, _, got := post(t, srv, "\"\xff\xfe\"", nil)
	if status != 400 || decode[map[string]string](t, got)["error"] != "Invalid encoding" {
		t.Fatalf("bad utf-8: got %d %s", status, got)
	}
	status, _, _ = post(t, srv, `"`+strings.Repeat("x", 2000)+`"`, nil)
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: got %d", status)
	}
	if called.Load() {
		t.Fatal("entrypoint called for a bad request")
	}

	resp, err := srv.Client().Get(srv.URL + "/invocations")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET /invocations: %d", resp.StatusCode)
	}
}

func TestInvokeNoEntrypoint(t *testing.T) {
	status, _, body := post(t, serve(t, newTestApp(t)), `{}`, nil)
	if status != 500 || body != `{"error":"No entrypoint defined"}` {
		t.Fatalf("got %d %s", status, body)
	}
}

func TestInvokeRawResponse(t *testing.T) {
	a := newTestApp(t)
	a.Entrypoint(func(context.Context, json.RawMessage, *RequestContext) (any, error) {
		return &Response{Status: 202, Header: http.Header{"X-Custom": {"yes"}}, Body: []byte("accepted")}, nil
	})
	srv := serve(t, a)
	status, hdr, body := post(t, srv, `{}`, nil)
	if status != 202 || hdr.Get("X-Custom") != "yes" || body != "accepted" {
		t.Fatalf("got %d %v %s", status, hdr, body)
	}
}

func TestInvokeUnicodePayloadPassedThrough(t *testing.T) {
	a := newTestApp(t)
	a.Entrypoint(func(_ context.Context, p json.RawMessage, _ *RequestContext) (any, error) { return p, nil })
	srv := serve(t, a)
	in := `{"text": "日本語 \u00e9", "n": [1, 2.5, null]}`
	if _, _, body := post(t, srv, in, nil); body != in {
		t.Fatalf("payload changed: %s", body)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/invocations", strings.NewReader(`"str"`))
	req.Header.Set("Content-Type", "text/plain") // Content-Type is not checked
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != `"str"` {
		t.Fatalf("text/plain body: %s", b)
	}
}
