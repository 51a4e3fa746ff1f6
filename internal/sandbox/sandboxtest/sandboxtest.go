// Package sandboxtest is the conformance suite every sandbox driver runs.
package sandboxtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// AgentDir builds the test agent once and returns the directory holding the
// executable "agent".
func AgentDir(t testing.TB) string {
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "sandboxtest-agent")
		if buildErr != nil {
			return
		}
		// Sandboxes run the agent as an unprivileged user: it must be able
		// to read the artifact directory, as it can a deployed bundle.
		if buildErr = os.Chmod(buildDir, 0o755); buildErr != nil {
			return
		}
		src := filepath.Join(buildDir, "main.go")
		if buildErr = os.WriteFile(src, []byte(agentSrc), 0o644); buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, "agent"), src)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GO111MODULE=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build test agent: %v: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

// Run runs the conformance suite against driver d.
func Run(t *testing.T, d sandbox.Driver) {
	dir := AgentDir(t)
	spec := func(id string) sandbox.Spec {
		return sandbox.Spec{ID: id, Command: []string{"agent"}, Dir: dir, Env: []string{"GREETING=hello-" + id}, Ports: []int{8080}}
	}
	t.Run("StartDialStop", func(t *testing.T) {
		var out SyncBuffer
		s := spec("a")
		s.Stdout = &out
		in := start(t, d, s)
		if got := get(t, in, "/env?k=GREETING"); got != "hello-a" {
			t.Fatalf("env GREETING = %q", got)
		}
		if err := in.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		select {
		case <-in.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("Done not closed after Stop")
		}
		if !strings.Contains(out.String(), "agent starting") {
			t.Fatalf("stdout not captured: %q", out.String())
		}
		if err := in.Stop(context.Background()); err != nil {
			t.Fatalf("second Stop: %v", err)
		}
	})
	t.Run("TwoSessionsSamePort", func(t *testing.T) {
		a := start(t, d, spec("one"))
		b := start(t, d, spec("two"))
		if ga, gb := get(t, a, "/env?k=GREETING"), get(t, b, "/env?k=GREETING"); ga != "hello-one" || gb != "hello-two" {
			t.Fatalf("sessions mixed: %q %q", ga, gb)
		}
		if get(t, a, "/pid") == get(t, b, "/pid") && d.Capabilities().Isolation == "none" {
			t.Fatal("two sessions share one process")
		}
	})
	t.Run("ExitDetected", func(t *testing.T) {
		in := start(t, d, spec("exit"))
		get(t, in, "/ping")
		hooked := make(chan error, 2)
		n, notifies := in.(sandbox.ExitNotifier)
		if notifies { // the hook sees the exit already recorded
			n.OnExit(func() { hooked <- in.Err() })
		}
		c := client(in)
		c.Get("http://agent/exit") //nolint:errcheck // the agent dies mid-request
		select {
		case <-in.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("exit not detected")
		}
		if in.Err() == nil {
			t.Fatal("Err() nil after exit status 7")
		}
		if notifies {
			n.OnExit(func() { hooked <- in.Err() }) // after the exit: runs at once
			for range 2 {
				select {
				case err := <-hooked:
					if err == nil {
						t.Fatal("OnExit hook ran with Err() nil")
					}
				case <-time.After(5 * time.Second):
					t.Fatal("OnExit hook did not run")
				}
			}
		}
	})
	t.Run("Listener", func(t *testing.T) { listener(t, d, spec) })
	t.Run("Usage", func(t *testing.T) { usage(t, d, spec("usage")) })
	t.Run("Exec", func(t *testing.T) { execCase(t, d, spec) })
	t.Run("BadCommand", func(t *testing.T) {
		s := spec("bad")
		s.Command = []string{"/nonexistent/agent-binary"}
		in, err := d.Start(context.Background(), s)
		if err == nil {
			select {
			case <-in.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("bad command neither failed Start nor exited")
			}
			in.Stop(context.Background())
		}
	})
}

// listener checks sandbox.Listener: the agent reaches a listener the
// platform opens for it (on the driver before Start, or on the instance in
// its own network namespace), and two sessions' listeners on the same port
// stay apart.
func listener(t *testing.T, d sandbox.Driver, spec func(string) sandbox.Spec) {
	const port = 4318
	open := func(id string) (sandbox.Instance, net.Listener, string) {
		if dl, ok := d.(sandbox.Listener); ok {
			ln, err := dl.Listen(context.Background(), port)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ln.Close() })
			return start(t, d, spec(id)), ln, ln.Addr().String()
		}
		in := start(t, d, spec(id))
		il, ok := in.(sandbox.Listener)
		if !ok {
			t.Skipf("driver %s does not implement sandbox.Listener", d.Name())
		}
		ln, err := il.Listen(context.Background(), port)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		return in, ln, fmt.Sprintf("127.0.0.1:%d", port)
	}
	accepted := func(ln net.Listener) <-chan struct{} {
		ch := make(chan struct{}, 4)
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Close()
				ch <- struct{}{}
			}
		}()
		return ch
	}
	a, lnA, addrA := open("lsn-a")
	b, lnB, addrB := open("lsn-b")
	gotA, gotB := accepted(lnA), accepted(lnB)
	for _, c := range []struct {
		in   sandbox.Instance
		addr string
		got  <-chan struct{}
	}{{a, addrA, gotA}, {b, addrB, gotB}} {
		if out := get(t, c.in, "/dial?addr="+c.addr); !strings.Contains(out, `"err":""`) {
			t.Fatalf("agent could not reach the platform's listener at %s: %s", c.addr, out)
		}
		select {
		case <-c.got:
		case <-time.After(5 * time.Second):
			t.Fatalf("listener at %s accepted nothing", c.addr)
		}
	}
	select {
	case <-gotA:
		t.Fatal("session a's listener got a connection meant for session b")
	default:
	}
}

func start(t *testing.T, d sandbox.Driver, s sandbox.Spec) sandbox.Instance {
	t.Helper()
	in, err := d.Start(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Stop(context.Background()) })
	return in
}

func client(in sandbox.Instance) *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return in.Dial(ctx, 8080) },
	}}
}

// get polls until the agent answers (it may still be starting).
func get(t *testing.T, in sandbox.Instance, path string) string {
	t.Helper()
	c := client(in)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := c.Get("http://agent" + path)
		if err == nil {
			b, _ := io.ReadAll(bufio.NewReader(resp.Body))
			resp.Body.Close()
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", path, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// SyncBuffer is a bytes.Buffer safe for a process's concurrent writers and
// a test reading it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// usage checks sandbox.UsageReporter (drivers that implement it): memory is
// reported and CPU time grows when the agent burns CPU.
func usage(t *testing.T, d sandbox.Driver, s sandbox.Spec) {
	in := start(t, d, s)
	ur, ok := in.(sandbox.UsageReporter)
	if !ok {
		t.Skipf("driver %s does not report usage", d.Name())
	}
	get(t, in, "/ping")
	before, err := ur.Usage()
	if err != nil {
		t.Fatal(err)
	}
	if before.MemoryBytes <= 0 {
		t.Fatalf("memory = %d, want > 0", before.MemoryBytes)
	}
	sh(t, in, "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done")
	after, err := ur.Usage()
	if err != nil {
		t.Fatal(err)
	}
	if after.CPUTime <= before.CPUTime {
		t.Fatalf("CPU time did not grow: %v then %v", before.CPUTime, after.CPUTime)
	}
	t.Logf("memory %d bytes, CPU %v -> %v", after.MemoryBytes, before.CPUTime, after.CPUTime)
}
