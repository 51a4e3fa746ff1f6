package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

func sessions(t *testing.T, e *testenv.Env) []runtime.SessionInfo {
	t.Helper()
	resp, err := http.Get(e.URL + "/_agentcore/sessions")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Sessions []runtime.SessionInfo }
	json.NewDecoder(resp.Body).Decode(&out)
	return out.Sessions
}

func sessionAlive(t *testing.T, e *testenv.Env, id string) (alive, busy bool) {
	for _, s := range sessions(t, e) {
		if s.SessionID == id {
			return true, s.Busy
		}
	}
	return false, false
}

func TestSessionsStickyAndIndependent(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	arn := *e.Deploy(t, "sticky", nil).AgentRuntimeArn
	a, b := testenv.SessionID("a"), testenv.SessionID("b")
	var pidA any
	for i := 1; i <= 3; i++ {
		m := e.InvokeJSON(t, arn, a, map[string]any{"action": "count"})
		if m["count"].(float64) != float64(i) {
			t.Fatalf("session a call %d: count %v", i, m["count"])
		}
		if pidA != nil && m["pid"] != pidA {
			t.Fatalf("session a moved to another process")
		}
		pidA = m["pid"]
	}
	m := e.InvokeJSON(t, arn, b, map[string]any{"action": "count"})
	if m["count"].(float64) != 1 || m["pid"] == pidA {
		t.Fatalf("session b shares state with a: %v", m)
	}
	if m := e.InvokeJSON(t, arn, a, map[string]any{"action": "count"}); m["count"].(float64) != 4 {
		t.Fatalf("session a after b: %v", m)
	}
}

func TestIdleTimeoutReaps(t *testing.T) {
	cfg := testenv.Fast()
	cfg.IdleTimeout = time.Second
	e := testenv.Start(t, cfg)
	arn := *e.Deploy(t, "idle", nil).AgentRuntimeArn
	s := testenv.SessionID("idle")
	e.InvokeJSON(t, arn, s, map[string]any{"action": "count"})
	e.InvokeJSON(t, arn, s, map[string]any{"action": "count"})
	waitGone(t, e, s, 6*time.Second)
	if m := e.InvokeJSON(t, arn, s, map[string]any{"action": "count"}); m["count"].(float64) != 1 {
		t.Fatalf("after reap the session should be fresh: %v", m)
	}
}

func waitGone(t *testing.T, e *testenv.Env, s string, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if alive, _ := sessionAlive(t, e, s); !alive {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("session %s still alive after %s", s, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestHealthyBusyPreventsReap(t *testing.T) {
	cfg := testenv.Fast()
	cfg.IdleTimeout = time.Second
	e := testenv.Start(t, cfg)
	arn := *e.Deploy(t, "busy", nil).AgentRuntimeArn
	s := testenv.SessionID("busy")
	e.InvokeJSON(t, arn, s, map[string]any{"action": "busy", "seconds": 3})
	sawBusy := false
	for deadline := time.Now().Add(2500 * time.Millisecond); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		alive, busy := sessionAlive(t, e, s)
		if !alive {
			t.Fatal("busy session was reaped while its task ran")
		}
		sawBusy = sawBusy || busy
	}
	if !sawBusy {
		t.Fatal("session never reported HealthyBusy")
	}
	waitGone(t, e, s, 5*time.Second)
}

func TestMaxLifetime(t *testing.T) {
	cfg := testenv.Fast()
	cfg.MaxLifetime = 2 * time.Second
	e := testenv.Start(t, cfg)
	arn := *e.Deploy(t, "maxlife", nil).AgentRuntimeArn
	s := testenv.SessionID("max")
	first := e.InvokeJSON(t, arn, s, map[string]any{"action": "count"})["pid"]
	// Keep it busy with traffic: max lifetime ends it anyway.
	deadline := time.Now().Add(6 * time.Second)
	for time.Now().Before(deadline) {
		m := e.InvokeJSON(t, arn, s, map[string]any{"action": "count"})
		if m["pid"] != first {
			if m["count"].(float64) != 1 {
				t.Fatalf("new environment should start fresh: %v", m)
			}
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("session outlived maxLifetime")
}

func TestStopRuntimeSession(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	arn := *e.Deploy(t, "stopper", nil).AgentRuntimeArn
	s := testenv.SessionID("stop")
	e.InvokeJSON(t, arn, s, map[string]any{"action": "count"})
	e.InvokeJSON(t, arn, s, map[string]any{"action": "count"})
	out, err := e.Data.StopRuntimeSession(bg, &bedrockagentcore.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s)})
	if err != nil || *out.RuntimeSessionId != s || out.StatusCode == nil || *out.StatusCode != 200 {
		t.Fatalf("stop: %+v %v", out, err)
	}
	if alive, _ := sessionAlive(t, e, s); alive {
		t.Fatal("session alive after StopRuntimeSession")
	}
	if m := e.InvokeJSON(t, arn, s, map[string]any{"action": "count"}); m["count"].(float64) != 1 {
		t.Fatalf("after stop the session should be fresh: %v", m)
	}
	_, err = e.Data.StopRuntimeSession(bg, &bedrockagentcore.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(testenv.SessionID("never"))})
	if !isNotFound(err) {
		t.Fatalf("stop unknown session: %v", err)
	}
}

func TestCrashMidRequest(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	arn := *e.Deploy(t, "crasher", nil).AgentRuntimeArn
	s := testenv.SessionID("crash")
	e.InvokeJSON(t, arn, s, map[string]any{"action": "count"})
	_, _, err := e.Invoke(bg, arn, s, map[string]any{"action": "crash"}, "")
	if !isRuntimeClientError(err) {
		t.Fatalf("crash: want RuntimeClientError, got %v", err)
	}
	if m := e.InvokeJSON(t, arn, s, map[string]any{"action": "count"}); m["count"].(float64) != 1 {
		t.Fatalf("after crash the session should be fresh: %v", m)
	}
}

func TestAgentErrorAndTimeouts(t *testing.T) {
	cfg := testenv.Fast()
	cfg.InvokeTimeout = time.Second
	cfg.InitTimeout = time.Second
	e := testenv.Start(t, cfg)
	arn := *e.Deploy(t, "failing", nil).AgentRuntimeArn
	_, _, err := e.Invoke(bg, arn, testenv.SessionID("err"), map[string]any{"action": "error", "status": 503}, "")
	if !isRuntimeClientError(err) || !strings.Contains(err.Error(), "Received error (503) from runtime") {
		t.Fatalf("agent 503: %v", err)
	}
	_, _, err = e.Invoke(bg, arn, testenv.SessionID("slow"), map[string]any{"action": "sleep", "ms": 3000}, "")
	if !isRuntimeClientError(err) || !strings.Contains(err.Error(), "did not respond") {
		t.Fatalf("silent agent: %v", err)
	}
	// An agent that never listens fails initialisation; the server keeps serving.
	dead := *e.Deploy(t, "never_listens", func(in *ctl.CreateAgentRuntimeInput) {
		in.EnvironmentVariables = map[string]string{"TESTAGENT_NEVER_LISTEN": "1"}
	}).AgentRuntimeArn
	_, _, err = e.Invoke(bg, dead, testenv.SessionID("dead"), map[string]any{}, "")
	if !isRuntimeClientError(err) || !strings.Contains(err.Error(), "initialization time exceeded") {
		t.Fatalf("never-listening agent: %v", err)
	}
	if m := e.InvokeJSON(t, arn, testenv.SessionID("ok"), map[string]any{"action": "count"}); m["count"].(float64) != 1 {
		t.Fatalf("server stopped serving: %v", m)
	}
	if n := len(sessions(t, e)); n > 3 {
		t.Fatalf("sessions leaked: %d", n)
	}
}

var _ = server.Config{}
