package linuxns

import (
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

// probeSrc is a test agent that reports on its sandbox from the inside.
const probeSrc = `package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var hog [][]byte

func main() {
	if len(os.Args) > 1 && os.Args[1] == "sleep" {
		time.Sleep(time.Hour)
		return
	}
	q := func(r *http.Request, k string) string { return r.URL.Query().Get(k) }
	h := http.HandleFunc
	h("/ping", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	h("/read", func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(q(r, "path"))
		if err != nil {
			fmt.Fprint(w, "err ", err)
			return
		}
		w.Write(b)
	})
	h("/write", func(w http.ResponseWriter, r *http.Request) {
		if err := os.WriteFile(q(r, "path"), []byte(q(r, "data")), 0o644); err != nil {
			fmt.Fprint(w, "err ", err)
			return
		}
		fmt.Fprint(w, "ok")
	})
	h("/ls", func(w http.ResponseWriter, r *http.Request) {
		ents, err := os.ReadDir(q(r, "path"))
		if err != nil {
			fmt.Fprint(w, "err ", err)
			return
		}
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		fmt.Fprint(w, strings.Join(names, " "))
	})
	h("/id", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "%d %d", os.Getuid(), os.Getgid()) })
	h("/hostname", func(w http.ResponseWriter, r *http.Request) { n, _ := os.Hostname(); fmt.Fprint(w, n) })
	h("/dial", func(w http.ResponseWriter, r *http.Request) {
		c, err := net.DialTimeout("tcp", q(r, "addr"), time.Second)
		if err != nil {
			fmt.Fprint(w, "err ", err)
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(time.Second))
		b := make([]byte, 100)
		n, _ := c.Read(b)
		fmt.Fprint(w, "ok ", string(b[:n]))
	})
	h("/syscall", func(w http.ResponseWriter, r *http.Request) {
		var err error
		switch q(r, "name") {
		case "mount":
			err = syscall.Mount("tmpfs", "/tmp", "tmpfs", 0, "")
		case "ptrace":
			_, _, e := syscall.RawSyscall(syscall.SYS_PTRACE, syscall.PTRACE_TRACEME, 0, 0)
			if e != 0 {
				err = e
			}
		case "unshare":
			err = syscall.Unshare(syscall.CLONE_NEWUSER)
		case "clone-newuser":
			cmd := exec.Command("/proc/self/exe", "sleep")
			cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER}
			err = cmd.Start()
			if err == nil {
				cmd.Process.Kill()
			}
		case "setuid0":
			err = syscall.Setuid(0)
		case "setuid1":
			err = syscall.Setuid(1)
		}
		fmt.Fprint(w, err)
	})
	h("/alloc", func(w http.ResponseWriter, r *http.Request) {
		mb, _ := strconv.Atoi(q(r, "mb"))
		for i := 0; i < mb; i++ {
			b := make([]byte, 1<<20)
			for j := range b {
				b[j] = 1
			}
			hog = append(hog, b)
		}
		fmt.Fprint(w, "ok")
	})
	h("/spawn", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(q(r, "n"))
		started := 0
		var err error
		for ; started < n; started++ {
			cmd := exec.Command("/proc/self/exe", "sleep")
			if err = cmd.Start(); err != nil {
				break
			}
			go cmd.Wait()
		}
		fmt.Fprint(w, started, " ", err)
	})
	if err := http.ListenAndServe(":8080", nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`

var (
	probeOnce sync.Once
	probeDir  string
	probeErr  error
)

// probeAgentDir builds the probe agent once; the directory holds "probe".
func probeAgentDir(t testing.TB) string {
	probeOnce.Do(func() {
		probeDir, probeErr = os.MkdirTemp("", "linuxns-probe")
		if probeErr != nil {
			return
		}
		src := filepath.Join(probeDir, "main.go")
		if probeErr = os.WriteFile(src, []byte(probeSrc), 0o644); probeErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(probeDir, "probe"), src)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GO111MODULE=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			probeErr = fmt.Errorf("build probe agent: %v: %s", err, out)
		}
		os.Remove(src)
	})
	if probeErr != nil {
		t.Fatal(probeErr)
	}
	return probeDir
}

// probe starts the probe agent with spec tweaks and waits until it serves.
func probe(t *testing.T, d *Driver, id string, tweak func(*sandbox.Spec)) *instance {
	t.Helper()
	s := sandbox.Spec{ID: id, Command: []string{"probe"}, Dir: probeAgentDir(t), Ports: []int{8080}, Network: "NONE"}
	if tweak != nil {
		tweak(&s)
	}
	in, err := d.Start(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Stop(context.Background()) })
	call(t, in, "/ping")
	return in.(*instance)
}

// call GETs path from the agent, retrying while it starts.
func call(t testing.TB, in sandbox.Instance, path string) string {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return in.Dial(ctx, 8080) },
	}}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := c.Get("http://agent" + path)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return strings.TrimSpace(string(b))
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", path, err)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
