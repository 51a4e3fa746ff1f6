package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startAgent builds the testagent, starts it on a free port and waits for /ping.
func startAgent(t *testing.T, env ...string) (string, *exec.Cmd) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "testagent")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append([]string{"PORT=" + port, "AWS_REGION=us-east-1", "PATH=/usr/bin:/bin"}, env...)
	cmd.Stderr = testWriter{t}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := "http://127.0.0.1:" + port
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url + "/ping")
		if err == nil {
			resp.Body.Close()
			return url, cmd
		}
		if time.Now().After(deadline) {
			t.Fatal("agent did not come up")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func invoke(t *testing.T, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/invocations", strings.NewReader(body))
	req.Header.Set("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", "session-0123456789-0123456789-0123456789")
	req.Header.Set("X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant", "acme")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestTestAgentActions(t *testing.T) {
	url, cmd := startAgent(t, "MY_VAR=hello")

	_, body := invoke(t, url, `{"x":1,"envKeys":["MY_VAR"]}`)
	var echo struct {
		Echo      map[string]any    `json:"echo"`
		SessionID string            `json:"sessionId"`
		RequestID string            `json:"requestId"`
		Pid       int               `json:"pid"`
		Count     int               `json:"count"`
		Headers   map[string]string `json:"headers"`
		Env       map[string]*string
	}
	if err := json.Unmarshal([]byte(body), &echo); err != nil {
		t.Fatal(err)
	}
	if echo.Echo["x"] != 1.0 || echo.SessionID == "" || echo.RequestID == "" || echo.Pid != cmd.Process.Pid ||
		echo.Count != 1 || echo.Headers["x-amzn-bedrock-agentcore-runtime-custom-tenant"] != "acme" ||
		*echo.Env["MY_VAR"] != "hello" || *echo.Env["AWS_REGION"] != "us-east-1" || echo.Env["DOCKER_CONTAINER"] != nil {
		t.Fatalf("echo: %s", body)
	}
	if _, body := invoke(t, url, `{"action":"count"}`); !strings.HasPrefix(body, `{"count":2,`) {
		t.Fatalf("count: %s", body)
	}
	if status, body := invoke(t, url, `{"action":"error","status":418}`); status != 418 {
		t.Fatalf("error: %d %s", status, body)
	}
	if _, body := invoke(t, url, `{"action":"big","bytes":12345}`); len(body) != 12345 || !json.Valid([]byte(body)) {
		t.Fatalf("big: %d bytes", len(body))
	}
	if _, body := invoke(t, url, `{"action":"sleep","ms":50}`); body != `{"slept":50}` {
		t.Fatalf("sleep: %s", body)
	}

	// stream: events carry their production time and arrive spaced out.
	resp, err := http.Post(url+"/invocations", "application/json", strings.NewReader(`{"action":"stream","n":3,"delayMs":100}`))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	var events []map[string]int64
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			var ev map[string]int64
			_ = json.Unmarshal([]byte(data), &ev)
			events = append(events, ev)
		}
	}
	resp.Body.Close()
	if len(events) != 3 || events[2]["i"] != 2 || events[2]["t"]-events[0]["t"] < int64(150*time.Millisecond) {
		t.Fatalf("stream: %v", events)
	}

	// busy: ping reports HealthyBusy until the task ends.
	if _, body := invoke(t, url, `{"action":"busy","seconds":0.5}`); !strings.Contains(body, `"taskId"`) {
		t.Fatalf("busy: %s", body)
	}
	if got := ping(t, url); got != "HealthyBusy" {
		t.Fatalf("ping during busy: %s", got)
	}
	time.Sleep(700 * time.Millisecond)
	if got := ping(t, url); got != "Healthy" {
		t.Fatalf("ping after busy: %s", got)
	}

	// crash: the process exits with status 3.
	_, _ = http.Post(url+"/invocations", "application/json", strings.NewReader(`{"action":"crash"}`))
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("crash: %v", err)
	}
}

func ping(t *testing.T, url string) string {
	resp, err := http.Get(url + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct{ Status string }
	_ = json.NewDecoder(resp.Body).Decode(&p)
	return p.Status
}
