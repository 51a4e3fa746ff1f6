package sandboxtest

// agentSrc is the suite's agent: a static Go program that listens on $PORT
// (or $FIXED_PORT, or 8080), answers /ping, and offers probes the isolation
// and attack tests use from inside the sandbox.
const agentSrc = `package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

func reply(w http.ResponseWriter, v any) { json.NewEncoder(w).Encode(v) }

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if p := os.Getenv("FIXED_PORT"); p != "" {
		port = p // an agent that ignores PORT
	}
	fmt.Println("agent starting")
	q := func(r *http.Request, k string) string { return r.URL.Query().Get(k) }
	http.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "{\"status\":\"Healthy\"}") })
	http.HandleFunc("/env", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, os.Getenv(q(r, "k"))) })
	http.HandleFunc("/pid", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, os.Getpid()) })
	http.HandleFunc("/exit", func(w http.ResponseWriter, r *http.Request) { os.Exit(7) })
	// /exec?cmd=...: run a shell command, report output and exit code.
	http.HandleFunc("/exec", func(w http.ResponseWriter, r *http.Request) {
		out, err := exec.Command("/bin/sh", "-c", q(r, "cmd")).CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			code = -1
			out = append(out, err.Error()...)
		}
		reply(w, map[string]any{"out": string(out), "code": code})
	})
	// /read?path=, /write?path=&data=
	http.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(q(r, "path"))
		reply(w, map[string]any{"data": string(b), "err": errString(err)})
	})
	http.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		err := os.WriteFile(q(r, "path"), []byte(q(r, "data")), 0o644)
		reply(w, map[string]any{"err": errString(err)})
	})
	// /procs: how many processes this sandbox can see; /glob?pattern=
	// (Go code, so probes work where coreutils do not, e.g. old gVisor).
	http.HandleFunc("/procs", func(w http.ResponseWriter, r *http.Request) {
		ents, err := os.ReadDir("/proc")
		n := 0
		for _, e := range ents {
			if _, err := strconv.Atoi(e.Name()); err == nil {
				n++
			}
		}
		reply(w, map[string]any{"count": n, "err": errString(err)})
	})
	http.HandleFunc("/glob", func(w http.ResponseWriter, r *http.Request) {
		m, err := filepath.Glob(q(r, "pattern"))
		reply(w, map[string]any{"matches": m, "err": errString(err)})
	})
	// /dial?addr=host:port: can this sandbox open a TCP connection there?
	http.HandleFunc("/dial", func(w http.ResponseWriter, r *http.Request) {
		c, err := net.DialTimeout("tcp", q(r, "addr"), 2*time.Second)
		if err == nil {
			c.Close()
		}
		reply(w, map[string]any{"err": errString(err)})
	})
	// /ips: the sandbox's own addresses.
	http.HandleFunc("/ips", func(w http.ResponseWriter, r *http.Request) {
		var ips []string
		addrs, _ := net.InterfaceAddrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
				ips = append(ips, n.IP.String())
			}
		}
		reply(w, map[string]any{"ips": ips})
	})
	// /syscall?name=ptrace|mount|unshare&pid=: try an escape syscall.
	http.HandleFunc("/syscall", func(w http.ResponseWriter, r *http.Request) {
		var err error
		switch q(r, "name") {
		case "ptrace":
			pid, _ := strconv.Atoi(q(r, "pid"))
			err = syscall.PtraceAttach(pid)
		case "mount":
			os.MkdirAll("/tmp/mnt", 0o755)
			err = syscall.Mount("none", "/tmp/mnt", "tmpfs", 0, "")
		case "unshare":
			err = syscall.Unshare(syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS)
		case "setuid": // to root, or away from it for root of a user namespace
			if os.Getuid() == 0 {
				err = syscall.Setuid(1)
			} else {
				err = syscall.Setuid(0)
			}
		case "chroot":
			err = syscall.Chroot("/")
		}
		reply(w, map[string]any{"err": errString(err), "uid": os.Getuid(), "euid": os.Geteuid()})
	})
	// /forkbomb?n=: start up to n sleeping processes; report how many started.
	http.HandleFunc("/forkbomb", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(q(r, "n"))
		started := 0
		for i := 0; i < n; i++ {
			c := exec.Command("/bin/sleep", "30")
			if c.Start() != nil {
				break
			}
			started++
		}
		reply(w, map[string]any{"started": started})
	})
	// /hog?mb=: allocate and touch memory.
	var keep [][]byte
	http.HandleFunc("/hog", func(w http.ResponseWriter, r *http.Request) {
		mb, _ := strconv.Atoi(q(r, "mb"))
		for i := 0; i < mb; i++ {
			b := make([]byte, 1<<20)
			for j := range b {
				if j%4096 == 0 {
					b[j] = 1
				}
			}
			keep = append(keep, b)
		}
		reply(w, map[string]any{"held": len(keep)})
	})
	if err := http.ListenAndServe(":"+port, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
`
