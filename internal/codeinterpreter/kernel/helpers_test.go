package kernel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// kernelProc is a kernel started as a direct host process by a test.
type kernelProc struct {
	t    testing.TB
	url  string
	home string
	cmd  *exec.Cmd
	done chan struct{}
	out  *bytes.Buffer
}

// result is the union of a CodeInterpreterResult and an error body.
type result struct {
	Content []struct {
		Type        string `json:"type"`
		Text        string `json:"text"`
		Data        string `json:"data"`
		MimeType    string `json:"mimeType"`
		URI         string `json:"uri"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Size        *int64 `json:"size"`
		Resource    *struct {
			Type     string `json:"type"`
			URI      string `json:"uri"`
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Blob     string `json:"blob"`
		} `json:"resource"`
	} `json:"content"`
	Structured struct {
		Stdout        string   `json:"stdout"`
		Stderr        string   `json:"stderr"`
		ExitCode      *int     `json:"exitCode"`
		ExecutionTime *float64 `json:"executionTime"`
		TaskID        string   `json:"taskId"`
		TaskStatus    string   `json:"taskStatus"`
	} `json:"structuredContent"`
	IsError bool   `json:"isError"`
	Type    string `json:"__type"`
	Message string `json:"message"`

	status int
}

func (r *result) exit() int {
	if r.Structured.ExitCode == nil {
		return -1
	}
	return *r.Structured.ExitCode
}

var (
	pythonOnce sync.Once
	pythonPath string
	installDir string
)

// python is the real interpreter behind python3 (a pyenv shim costs a shell
// start per exec) and a directory with the kernel installed.
func python(t testing.TB) (string, string) {
	pythonOnce.Do(func() {
		pythonPath = "python3"
		if out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output(); err == nil {
			if p := strings.TrimSpace(string(out)); filepath.IsAbs(p) {
				pythonPath = p
			}
		}
		dir, err := os.MkdirTemp("", "kernel-test-")
		if err == nil {
			err = Install(filepath.Join(dir, Version))
		}
		if err != nil {
			panic(err)
		}
		installDir = filepath.Join(dir, Version)
	})
	if _, err := exec.LookPath(pythonPath); err != nil {
		t.Skipf("no python3 on this host: %v", err)
	}
	return pythonPath, installDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if installDir != "" {
		os.RemoveAll(filepath.Dir(installDir))
	}
	os.Exit(code)
}

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startKernel runs the kernel with HOME = a new temporary directory and
// waits for /ping. At the end of the test it sends SIGTERM, then kills the
// kernel's process group.
func startKernel(t testing.TB, extraEnv ...string) *kernelProc {
	t.Helper()
	py, dir := python(t)
	home := t.TempDir()
	port := freePort(t)
	k := &kernelProc{t: t, url: fmt.Sprintf("http://127.0.0.1:%d", port), home: home, done: make(chan struct{}), out: new(bytes.Buffer)}
	argv := Argv(py, dir)
	k.cmd = exec.Command(argv[0], argv[1:]...)
	k.cmd.Env = append([]string{"PORT=" + fmt.Sprint(port), "HOME=" + home, "PATH=" + os.Getenv("PATH"), "MPLBACKEND=Agg", "LANG=C.UTF-8"}, extraEnv...)
	k.cmd.Stdout, k.cmd.Stderr = k.out, k.out
	k.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := k.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { k.cmd.Wait(); close(k.done) }()
	t.Cleanup(k.stop)
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(k.url + "/ping")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"status":"Healthy"}` {
				t.Fatalf("/ping: %d %s", resp.StatusCode, body)
			}
			return k
		}
		select {
		case <-k.done:
			t.Fatalf("kernel exited before answering /ping: %s", k.out)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("kernel did not answer /ping: %v; output: %s", err, k.out)
		}
	}
}

// stop sends SIGTERM, waits up to 5 s, then SIGKILLs the process group.
func (k *kernelProc) stop() {
	k.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-k.done:
	case <-time.After(5 * time.Second):
		k.t.Errorf("kernel did not exit on SIGTERM")
	}
	syscall.Kill(-k.cmd.Process.Pid, syscall.SIGKILL)
	<-k.done
}

// invoke posts one tool call and decodes the answer, whatever its status.
func (k *kernelProc) invoke(name string, args map[string]any, timeout float64) *result {
	k.t.Helper()
	req := map[string]any{"name": name, "arguments": args}
	if timeout > 0 {
		req["timeoutSeconds"] = timeout
	}
	body, _ := json.Marshal(req)
	return k.post(body)
}

func (k *kernelProc) post(body []byte) *result {
	k.t.Helper()
	resp, err := http.Post(k.url+"/invoke", "application/json", bytes.NewReader(body))
	if err != nil {
		k.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		k.t.Fatal(err)
	}
	r := &result{status: resp.StatusCode}
	if err := json.Unmarshal(data, r); err != nil {
		k.t.Fatalf("answer %d is not JSON: %v: %.300s", resp.StatusCode, err, data)
	}
	return r
}

// ok is invoke for a call that must answer 200.
func (k *kernelProc) ok(name string, args map[string]any, timeout float64) *result {
	k.t.Helper()
	r := k.invoke(name, args, timeout)
	if r.status != 200 {
		k.t.Fatalf("%s: HTTP %d %s: %s", name, r.status, r.Type, r.Message)
	}
	return r
}

func (k *kernelProc) py(code string) *result {
	k.t.Helper()
	return k.ok("executeCode", map[string]any{"code": code, "language": "python"}, 30)
}

func (k *kernelProc) js(code string) *result {
	k.t.Helper()
	return k.ok("executeCode", map[string]any{"code": code, "language": "javascript"}, 30)
}

func (k *kernelProc) sh(command string) *result {
	k.t.Helper()
	return k.ok("executeCommand", map[string]any{"command": command}, 30)
}

// wantOut fails unless r succeeded with exactly stdout.
func wantOut(t testing.TB, r *result, stdout string) {
	t.Helper()
	if r.IsError || r.exit() != 0 || r.Structured.Stdout != stdout {
		t.Fatalf("want stdout %q, exit 0; got isError=%v exit=%d stdout=%q stderr=%q", stdout, r.IsError, r.exit(), r.Structured.Stdout, r.Structured.Stderr)
	}
}

// alive reports whether pid is a live process (not gone, not a zombie).
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || (s[i+2] != 'Z' && s[i+2] != 'X')
}
