package kernel

import (
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestExecuteCommand(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	r := k.sh("echo out; echo err >&2; pwd")
	if r.IsError || r.exit() != 0 || r.Structured.Stdout != "out\n"+k.home+"\n" || r.Structured.Stderr != "err\n" {
		t.Fatalf("got %+v", r.Structured)
	}
	if r.Content[0].Text != "out\n"+k.home+"\nerr\n" {
		t.Fatalf("content %q", r.Content[0].Text)
	}
	r = k.sh("exit 3")
	if !r.IsError || r.exit() != 3 {
		t.Fatalf("exit 3: %+v", r.Structured)
	}
	r = k.sh("kill -9 $$")
	if !r.IsError || r.exit() != 137 {
		t.Fatalf("killed shell: %+v", r.Structured)
	}
	// A background job holding the pipes does not hold up the answer.
	start := time.Now()
	r = k.sh("sleep 30 & echo started")
	if r.Structured.Stdout != "started\n" || time.Since(start) > 3*time.Second {
		t.Fatalf("background job: %+v after %v", r.Structured, time.Since(start))
	}
}

func TestExecuteCommandTimeout(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	start := time.Now()
	r := k.ok("executeCommand", map[string]any{"command": "echo begun; sleep 100"}, 1)
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("timeout took %v", d)
	}
	if !r.IsError || r.exit() != 124 || r.Structured.Stdout != "begun\n" || !strings.Contains(r.Structured.Stderr, "timed out after 1s") {
		t.Fatalf("got %+v", r.Structured)
	}
	wantOut(t, k.sh("echo again"), "again\n")
}

func TestTaskLifecycle(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	r := k.ok("startCommandExecution", map[string]any{"command": "echo $$; echo start; exec sleep 100"}, 0)
	id := r.Structured.TaskID
	if id == "" || r.Structured.TaskStatus != "working" || r.IsError {
		t.Fatalf("start: %+v", r.Structured)
	}
	var g *result
	for i := 0; i < 200; i++ {
		g = k.ok("getTask", map[string]any{"taskId": id}, 0)
		if strings.Contains(g.Structured.Stdout, "start") {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if g.Structured.TaskStatus != "working" || g.Structured.ExitCode != nil {
		t.Fatalf("get while running: %+v", g.Structured)
	}
	pid, err := strconv.Atoi(strings.Fields(g.Structured.Stdout)[0])
	if err != nil {
		t.Fatal(err)
	}
	s := k.ok("stopTask", map[string]any{"taskId": id}, 0)
	if s.Structured.TaskStatus != "canceled" || s.IsError {
		t.Fatalf("stop: %+v", s.Structured)
	}
	for i := 0; i < 100 && alive(pid); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(pid) {
		t.Fatalf("task process %d survived stopTask", pid)
	}
	if g := k.ok("getTask", map[string]any{"taskId": id}, 0); g.Structured.TaskStatus != "canceled" {
		t.Fatalf("get after stop: %+v", g.Structured)
	}

	for _, c := range []struct {
		cmd, status string
		exit        int
	}{{"echo done", "completed", 0}, {"echo failing >&2; exit 3", "failed", 3}} {
		id := k.ok("startCommandExecution", map[string]any{"command": c.cmd}, 0).Structured.TaskID
		for i := 0; i < 300; i++ {
			g = k.ok("getTask", map[string]any{"taskId": id}, 0)
			if g.Structured.TaskStatus != "working" {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if g.Structured.TaskStatus != c.status || g.exit() != c.exit || g.Structured.Stdout+g.Structured.Stderr == "" {
			t.Fatalf("%s: %+v", c.cmd, g.Structured)
		}
		// Stopping a task that ended keeps its status.
		if s := k.ok("stopTask", map[string]any{"taskId": id}, 0); s.Structured.TaskStatus != c.status {
			t.Fatalf("stop after end: %+v", s.Structured)
		}
	}

	for _, tool := range []string{"getTask", "stopTask"} {
		r := k.invoke(tool, map[string]any{"taskId": "no-such-task"}, 0)
		if r.status != 404 || r.Type != "ResourceNotFoundException" || !strings.Contains(r.Message, "no-such-task") {
			t.Fatalf("%s unknown: %d %s %s", tool, r.status, r.Type, r.Message)
		}
	}
}

// TestShutdownKillsEverything: on SIGTERM the kernel kills its workers and
// the processes of its commands and tasks.
func TestShutdownKillsEverything(t *testing.T) {
	t.Parallel()
	needNode(t)
	k := startKernel(t)
	var pids []int
	add := func(out string) {
		t.Helper()
		pid, err := strconv.Atoi(strings.TrimSpace(out))
		if err != nil {
			t.Fatalf("pid %q: %v", out, err)
		}
		pids = append(pids, pid)
	}
	add(k.py("import os\nos.getpid()").Structured.Stdout)
	add(k.js("process.pid").Structured.Stdout)
	add(k.sh("sleep 100 >/dev/null 2>&1 & echo $!").Structured.Stdout)
	id := k.ok("startCommandExecution", map[string]any{"command": "echo $$; exec sleep 100"}, 0).Structured.TaskID
	for i := 0; i < 200; i++ {
		if out := k.ok("getTask", map[string]any{"taskId": id}, 0).Structured.Stdout; out != "" {
			add(out)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(pids) != 4 {
		t.Fatalf("pids %v", pids)
	}
	k.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-k.done:
	case <-time.After(5 * time.Second):
		t.Fatal("kernel did not exit on SIGTERM")
	}
	for _, pid := range pids {
		for i := 0; i < 100 && alive(pid); i++ {
			time.Sleep(10 * time.Millisecond)
		}
		if alive(pid) {
			t.Errorf("process %d survived the kernel's SIGTERM", pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
