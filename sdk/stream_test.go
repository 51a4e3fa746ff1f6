package agentcore

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStreamFramingAndFlush(t *testing.T) {
	release := make(chan struct{})
	a := newTestApp(t)
	a.EntrypointStream(func(ctx context.Context, _ json.RawMessage, _ *RequestContext, emit func(any) error) error {
		if err := emit(map[string]any{"i": 0}); err != nil {
			return err
		}
		<-release // the handler blocks until the client has seen the first event
		if err := emit("two"); err != nil {
			return err
		}
		return emit(map[string]any{"uni": "é<>"})
	})
	srv := serve(t, a)

	resp, err := http.Post(srv.URL+"/invocations", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream; charset=utf-8" {
		t.Fatalf("content-type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	first := make(chan string, 1)
	go func() {
		line, _ := r.ReadString('\n')
		blank, _ := r.ReadString('\n')
		first <- line + blank
	}()
	select {
	case got := <-first:
		if got != "data: {\"i\":0}\n\n" {
			t.Fatalf("first event %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("first event not flushed before the handler returned")
	}
	close(release)
	rest, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := "data: \"two\"\n\ndata: {\"uni\":\"é<>\"}\n\n"; string(rest) != want {
		t.Fatalf("rest %q, want %q", rest, want)
	}
}

func TestStreamEventTiming(t *testing.T) {
	const n, gap = 4, 150 * time.Millisecond
	a := newTestApp(t)
	a.EntrypointStream(func(ctx context.Context, _ json.RawMessage, _ *RequestContext, emit func(any) error) error {
		for i := range n {
			if i > 0 {
				time.Sleep(gap)
			}
			if err := emit(map[string]int{"i": i}); err != nil {
				return err
			}
		}
		return nil
	})
	srv := serve(t, a)
	start := time.Now()
	resp, err := http.Post(srv.URL+"/invocations", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	var arrivals []time.Duration
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data: ") {
			arrivals = append(arrivals, time.Since(start))
		}
	}
	if len(arrivals) != n {
		t.Fatalf("got %d events", len(arrivals))
	}
	if arrivals[0] > gap {
		t.Fatalf("first event after %v; want it before the second was produced", arrivals[0])
	}
	for i := 1; i < n; i++ {
		if d := arrivals[i] - arrivals[i-1]; d < gap/2 {
			t.Fatalf("events %d and %d arrived %v apart: not streamed", i-1, i, d)
		}
	}
}

type quotaError struct{}

func (quotaError) Error() string { return "quota exceeded" }

func TestStreamErrorMidStream(t *testing.T) {
	a := newTestApp(t)
	a.EntrypointStream(func(_ context.Context, _ json.RawMessage, _ *RequestContext, emit func(any) error) error {
		_ = emit(1)
		return quotaError{}
	})
	status, hdr, body := post(t, serve(t, a), `{}`, nil)
	want := "data: 1\n\n" +
		`data: {"error":"quota exceeded","error_type":"quotaError","message":"An error occurred during streaming"}` + "\n\n"
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/event-stream") || body != want {
		t.Fatalf("got %d %q", status, body)
	}
}

func TestStreamErrorBeforeFirstEvent(t *testing.T) {
	a := newTestApp(t)
	a.EntrypointStream(func(context.Context, json.RawMessage, *RequestContext, func(any) error) error {
		return HTTPError{Status: 400, Detail: "bad prompt"}
	})
	status, _, body := post(t, serve(t, a), `{}`, nil)
	if status != 400 || body != `{"error":"bad prompt"}` {
		t.Fatalf("got %d %s", status, body)
	}
}

func TestStreamEmptyAndPanic(t *testing.T) {
	a := newTestApp(t)
	a.EntrypointStream(func(context.Context, json.RawMessage, *RequestContext, func(any) error) error { return nil })
	status, hdr, body := post(t, serve(t, a), `{}`, nil)
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/event-stream") || body != "" {
		t.Fatalf("empty stream: %d %q %q", status, hdr.Get("Content-Type"), body)
	}

	b := newTestApp(t)
	b.EntrypointStream(func(_ context.Context, _ json.RawMessage, _ *RequestContext, emit func(any) error) error {
		_ = emit("x")
		panic("oops")
	})
	_, _, body = post(t, serve(t, b), `{}`, nil)
	if !strings.Contains(body, `"error":"panic: oops","error_type":"panicError"`) {
		t.Fatalf("panic stream: %q", body)
	}
}

func TestStreamFromIterators(t *testing.T) {
	a := newTestApp(t)
	a.Entrypoint(func(_ context.Context, p json.RawMessage, _ *RequestContext) (any, error) {
		if string(p) == `"seq2"` {
			return iter.Seq2[any, error](func(yield func(any, error) bool) {
				if yield("a", nil) {
					yield(nil, errors.New("broken"))
				}
			}), nil
		}
		return iter.Seq[any](func(yield func(any) bool) {
			for i := range 3 {
				if !yield(i) {
					return
				}
			}
		}), nil
	})
	srv := serve(t, a)
	if _, _, body := post(t, srv, `"seq"`, nil); body != "data: 0\n\ndata: 1\n\ndata: 2\n\n" {
		t.Fatalf("seq: %q", body)
	}
	_, _, body := post(t, srv, `"seq2"`, nil)
	if !strings.HasPrefix(body, "data: \"a\"\n\ndata: {\"error\":\"broken\"") {
		t.Fatalf("seq2: %q", body)
	}
}

func TestStreamClientDisconnectCancels(t *testing.T) {
	done := make(chan error, 1)
	a := newTestApp(t)
	a.EntrypointStream(func(ctx context.Context, _ json.RawMessage, _ *RequestContext, emit func(any) error) error {
		for {
			if err := emit("tick"); err != nil {
				done <- err
				return err
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	srv := serve(t, a)
	resp, err := http.Post(srv.URL+"/invocations", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = bufio.NewReader(resp.Body).ReadString('\n')
	resp.Body.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("emit returned nil after disconnect")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("stream kept running after the client left")
	}
}
