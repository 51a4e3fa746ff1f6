package agentcore

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultAddr(t *testing.T) {
	old := dockerEnvPath
	t.Cleanup(func() { dockerEnvPath = old })
	dockerEnvPath = filepath.Join(t.TempDir(), "absent")

	t.Setenv("PORT", "")
	t.Setenv("DOCKER_CONTAINER", "")
	if got := DefaultAddr(); got != "127.0.0.1:8080" {
		t.Fatalf("plain host: %s", got)
	}
	t.Setenv("PORT", "9123")
	t.Setenv("DOCKER_CONTAINER", "1")
	if got := DefaultAddr(); got != "0.0.0.0:9123" {
		t.Fatalf("DOCKER_CONTAINER: %s", got)
	}
	t.Setenv("DOCKER_CONTAINER", "")
	dockerEnvPath = filepath.Join(t.TempDir(), ".dockerenv")
	if err := writeEmpty(dockerEnvPath); err != nil {
		t.Fatal(err)
	}
	if got := DefaultAddr(); got != "0.0.0.0:9123" {
		t.Fatalf("/.dockerenv: %s", got)
	}
}

func TestServeGracefulShutdown(t *testing.T) {
	a := newTestApp(t, WithShutdownTimeout(5*time.Second))
	a.EntrypointStream(func(ctx context.Context, _ json.RawMessage, _ *RequestContext, emit func(any) error) error {
		for i := range 3 {
			if err := emit(i); err != nil {
				return err
			}
			time.Sleep(100 * time.Millisecond)
		}
		return nil
	})
	taskCancelled := make(chan struct{})
	a.GoAsyncTask("bg", func(ctx context.Context) error {
		<-ctx.Done()
		close(taskCancelled)
		return ctx.Err()
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()

	url := "http://" + ln.Addr().String()
	resp, err := http.Post(url+"/invocations", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	if line, _ := r.ReadString('\n'); line != "data: 0\n" {
		t.Fatalf("first line %q", line)
	}
	stop() // shut down while the stream is in flight

	rest, err := io.ReadAll(r)
	if err != nil || string(rest) != "\ndata: 1\n\ndata: 2\n\n" {
		t.Fatalf("in-flight stream cut: %q %v", rest, err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	select {
	case <-taskCancelled:
	default:
		t.Fatal("background task context not cancelled on shutdown")
	}
	if _, err := http.Get(url + "/ping"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

func writeEmpty(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return f.Close()
}
