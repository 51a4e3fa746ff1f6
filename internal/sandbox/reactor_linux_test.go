package sandbox

import (
	"bytes"
	"io"
	"net"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a writer the reactor and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestReactorOutputAndExit: a real command's stdout and stderr (more than
// one read buffer, and written after a pause) reach their writers through
// the reactor, Output.Wait returns once both are delivered, AfterExit runs
// after the process exited (its cmd.Wait returns the exit status), and the
// streams and the exit wait park no goroutine while the command runs.
func TestReactorOutputAndExit(t *testing.T) {
	if getReactor() == nil {
		t.Skip("no epoll")
	}
	var out Output
	var stdout, stderr lockedBuffer
	cmd := exec.Command("sh", "-c", `head -c 10000 /dev/zero | tr '\0' x; sleep 0.5; echo; echo oops >&2; exit 3`)
	ow, err := out.Pipe(&stdout)
	if err != nil {
		t.Fatal(err)
	}
	ew, err := out.Pipe(&stderr)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = ow, ew
	g0 := runtime.NumGoroutine()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out.Started()
	exited := make(chan error, 1)
	AfterExit(cmd.Process.Pid, func() { exited <- cmd.Wait() })
	time.Sleep(100 * time.Millisecond)
	if g := runtime.NumGoroutine(); g > g0 {
		t.Errorf("goroutines while the command runs: %d, before it started %d", g, g0)
	}
	select {
	case err := <-exited:
		t.Fatalf("AfterExit ran before the command exited: %v", err)
	default:
	}
	select {
	case err := <-exited:
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
			t.Fatalf("cmd.Wait: %v, want exit status 3", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("AfterExit did not run within 10 s of the command's start")
	}
	out.Wait()
	if got := stdout.String(); got != strings.Repeat("x", 10000)+"\n" {
		t.Errorf("stdout: %d bytes %.20q…, want 10000 x and a newline", len(got), got)
	}
	if got := stderr.String(); got != "oops\n" {
		t.Errorf("stderr %q, want %q", got, "oops\n")
	}
}

// TestAcceptOnReactor: connections to a listener on the reactor are
// accepted and delivered (usable both ways) with no goroutine in Accept;
// after stop the listener is closed and new connections are refused.
func TestAcceptOnReactor(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan net.Conn, 4)
	getReactor() // its own goroutine is not the listener's
	g0 := runtime.NumGoroutine()
	stop, ok := AcceptOnReactor(ln, func(c net.Conn) { got <- c })
	if !ok {
		t.Skip("no reactor")
	}
	if g := runtime.NumGoroutine(); g > g0 {
		t.Errorf("goroutines after AcceptOnReactor: %d, before %d", g, g0)
	}
	for i := range 3 {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		var s net.Conn
		select {
		case s = <-got:
		case <-time.After(5 * time.Second):
			t.Fatalf("connection %d not delivered", i)
		}
		s.Write([]byte("hi"))
		buf := make([]byte, 2)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hi" {
			t.Fatalf("read from delivered conn: %q %v", buf, err)
		}
		c.Close()
		s.Close()
	}
	stop()
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Fatal("listener still accepts after stop")
	}
}
