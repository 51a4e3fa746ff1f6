package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// runningSessions reads GET /_agentcore/sessions.
func runningSessions(t testing.TB, e *testenv.Env) []runtime.SessionInfo {
	t.Helper()
	resp, err := http.Get(e.URL + "/_agentcore/sessions")
	if err != nil {
		t.Fatalf("GET /_agentcore/sessions: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		Sessions []runtime.SessionInfo `json:"sessions"`
	}
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET /_agentcore/sessions: %d %s", resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("GET /_agentcore/sessions: %v", err)
	}
	return out.Sessions
}

// findSession returns the running session with this id.
func findSession(t testing.TB, e *testenv.Env, id string) (runtime.SessionInfo, bool) {
	for _, s := range runningSessions(t, e) {
		if s.SessionID == id {
			return s, true
		}
	}
	return runtime.SessionInfo{}, false
}

// deployCode uploads zip and creates a runtime from it, waiting up to limit
// for READY.
func deployCode(t testing.TB, e *testenv.Env, name string, zip []byte, rt ctltypes.AgentManagedRuntimeType, entry string, limit time.Duration) *ctl.GetAgentRuntimeOutput {
	t.Helper()
	key := fmt.Sprintf("%s-%d.zip", name, time.Now().UnixNano())
	e.Upload(t, "agents", key, zip)
	out, err := e.Control.CreateAgentRuntime(context.Background(), &ctl.CreateAgentRuntimeInput{
		AgentRuntimeName:     aws.String(name),
		AgentRuntimeArtifact: testenv.CodeArtifact(&ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)}, rt, entry),
		RoleArn:              aws.String(testenv.RoleArn),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
	})
	if err != nil {
		t.Fatalf("CreateAgentRuntime: %v", err)
	}
	start := time.Now()
	got := e.WaitReady(t, *out.AgentRuntimeId, limit)
	t.Logf("%s: READY %s after CreateAgentRuntime", name, time.Since(start).Round(time.Millisecond))
	return got
}

// sseEvent is one decoded `data:` event and when it arrived.
type sseEvent struct {
	Data    map[string]any
	Arrived time.Time
}

// invokeSSE invokes with a payload and reads the SSE answer line by line.
func invokeSSE(t testing.TB, e *testenv.Env, arn, session string, payload any) (*bedrockagentcore.InvokeAgentRuntimeOutput, []sseEvent) {
	t.Helper()
	b, _ := json.Marshal(payload)
	out, err := e.Data.InvokeAgentRuntime(context.Background(), &bedrockagentcore.InvokeAgentRuntimeInput{
		AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(session), Payload: b,
		ContentType: aws.String("application/json"), Accept: aws.String("text/event-stream"),
	})
	if err != nil {
		t.Fatalf("InvokeAgentRuntime (stream): %v", err)
	}
	defer out.Response.Close()
	if ct := aws.ToString(out.ContentType); !strings.HasPrefix(ct, "text/event-stream") {
		body, _ := io.ReadAll(out.Response)
		t.Fatalf("content type %q, want text/event-stream; body %q", ct, body)
	}
	var events []sseEvent
	sc := bufio.NewScanner(out.Response)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("unexpected SSE line %q", line)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(data), &m); err != nil {
			t.Fatalf("SSE data is not a JSON object: %q", data)
		}
		events = append(events, sseEvent{m, time.Now()})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading SSE: %v", err)
	}
	return out, events
}

// invokeTTFB invokes a new session and measures the time to the first byte of
// the answer.
func invokeTTFB(t testing.TB, e *testenv.Env, arn, session string, payload any) (time.Duration, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(payload)
	start := time.Now()
	out, err := e.Data.InvokeAgentRuntime(context.Background(), &bedrockagentcore.InvokeAgentRuntimeInput{
		AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(session), Payload: b,
		ContentType: aws.String("application/json"),
	})
	if err != nil {
		t.Fatalf("InvokeAgentRuntime (cold): %v", err)
	}
	defer out.Response.Close()
	first := make([]byte, 1)
	if _, err := io.ReadFull(out.Response, first); err != nil {
		t.Fatalf("reading first byte: %v", err)
	}
	ttfb := time.Since(start)
	rest, err := io.ReadAll(out.Response)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(append(first, rest...), &m); err != nil {
		t.Fatalf("answer is not JSON: %q", append(first, rest...))
	}
	return ttfb, m
}

func jsonNum(v any) float64 { f, _ := v.(float64); return f }

// TestPyAgent deploys examples/python-agent, which uses the real
// bedrock-agentcore package from PyPI (installed from requirements.txt at
// deploy), and drives it through the Go AWS SDK.
func TestPyAgent(t *testing.T) {
	if testing.Short() {
		t.Skip("pip-installs bedrock-agentcore from PyPI")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	t.Parallel()
	cfg := testenv.Fast()
	cfg.IdleTimeout = 2 * time.Second
	cfg.PingInterval = 200 * time.Millisecond
	e := testenv.Start(t, cfg)
	zip := testenv.ZipDir(t, filepath.Join(testenv.RepoRoot(), "examples", "python-agent"))
	rt := deployCode(t, e, "pyagent", zip, testenv.PythonRuntime(), "agent.py", 5*time.Minute)
	arn := *rt.AgentRuntimeArn

	t.Run("sync", func(t *testing.T) {
		a, b := testenv.SessionID("pyA"), testenv.SessionID("pyB")
		ttfb, got := invokeTTFB(t, e, arn, a, map[string]any{"prompt": "hello"})
		t.Logf("cold start (new session → first byte): %s", ttfb.Round(time.Millisecond))
		if got["result"] != "You said: hello" || got["sessionId"] != a || jsonNum(got["count"]) != 1 {
			t.Fatalf("first answer: %v", got)
		}
		start := time.Now()
		got = e.InvokeJSON(t, arn, a, map[string]any{"prompt": "again"})
		t.Logf("warm invoke: %s", time.Since(start).Round(time.Millisecond))
		if got["sessionId"] != a || jsonNum(got["count"]) != 2 {
			t.Fatalf("second answer (same session): %v", got)
		}
		got = e.InvokeJSON(t, arn, b, map[string]any{"prompt": "other"})
		if got["sessionId"] != b || jsonNum(got["count"]) != 1 {
			t.Fatalf("answer for another session: %v", got)
		}
		// A non-object payload reaches the handler too (the SDK passes any JSON value).
		got = e.InvokeJSON(t, arn, b, "plain string")
		if got["result"] != "You said: plain string" || jsonNum(got["count"]) != 2 {
			t.Fatalf("answer for a string payload: %v", got)
		}
	})

	t.Run("stream", func(t *testing.T) {
		const n, delay = 5, 200 * time.Millisecond
		session := testenv.SessionID("pyStream")
		start := time.Now()
		out, events := invokeSSE(t, e, arn, session, map[string]any{"stream": true, "n": n, "delayMs": delay.Milliseconds()})
		if aws.ToString(out.RuntimeSessionId) != session {
			t.Errorf("runtimeSessionId %q, want %q", aws.ToString(out.RuntimeSessionId), session)
		}
		if len(events) != n {
			t.Fatalf("%d events, want %d: %v", len(events), n, events)
		}
		for i, ev := range events {
			if jsonNum(ev.Data["i"]) != float64(i) {
				t.Fatalf("event %d: %v", i, ev.Data)
			}
		}
		// Relayed as produced: the first event reached us long before the last.
		spread := events[n-1].Arrived.Sub(events[0].Arrived)
		if spread < time.Duration(float64((n-1)*delay)*0.6) {
			t.Fatalf("events arrived within %s of each other: the stream was buffered", spread)
		}
		t.Logf("stream of %d events: first after %s, spread %s", n, events[0].Arrived.Sub(start).Round(time.Millisecond), spread.Round(time.Millisecond))
	})

	t.Run("asyncTaskKeepsSessionAlive", func(t *testing.T) {
		// Idle timeout is 2s. A background task of busyFor keeps /ping at
		// HealthyBusy, so the session must survive well past the idle
		// timeout, then go once the task has ended and it has been idle.
		const busyFor = 6 * time.Second
		session := testenv.SessionID("pyBusy")
		control := testenv.SessionID("pyIdle")
		got := e.InvokeJSON(t, arn, control, map[string]any{"prompt": "idle control"})
		if jsonNum(got["count"]) != 1 {
			t.Fatalf("control answer: %v", got)
		}
		// Warm the session first so the busy call's duration is the handler's alone.
		if got := e.InvokeJSON(t, arn, session, map[string]any{"prompt": "warm up"}); jsonNum(got["count"]) != 1 {
			t.Fatalf("warm-up answer: %v", got)
		}
		invoked := time.Now()
		got = e.InvokeJSON(t, arn, session, map[string]any{"action": "busy", "seconds": busyFor.Seconds()})
		if got["sessionId"] != session || !strings.HasPrefix(fmt.Sprint(got["result"]), "busy for") || jsonNum(got["count"]) != 2 {
			t.Fatalf("busy answer: %v", got)
		}
		if d := time.Since(invoked); d > busyFor/2 {
			t.Fatalf("the busy invocation took %s; it should return at once and leave the task running", d)
		}

		var sawBusy, sawIdleAfterBusy time.Time
		var controlGone time.Time
		deadline := invoked.Add(busyFor + 20*time.Second)
		for time.Now().Before(deadline) {
			now := time.Now()
			s, ok := findSession(t, e, session)
			if _, alive := findSession(t, e, control); !alive && controlGone.IsZero() {
				controlGone = now
			}
			if !ok {
				if sawBusy.IsZero() {
					t.Fatalf("session reaped after %s without ever reporting healthyBusy", now.Sub(invoked))
				}
				if now.Sub(invoked) < busyFor {
					t.Fatalf("busy session reaped after %s while its %s task was running", now.Sub(invoked), busyFor)
				}
				t.Logf("healthyBusy seen %s after invoke; Healthy again %s after invoke; reaped %s after invoke (idle timeout %s)",
					sawBusy.Sub(invoked).Round(time.Millisecond), sawIdleAfterBusy.Sub(invoked).Round(time.Millisecond),
					now.Sub(invoked).Round(time.Millisecond), cfg.IdleTimeout)
				// Idle time restarts when the task ends (time_of_last_update has
				// one-second resolution, so allow that much early).
				if !sawIdleAfterBusy.IsZero() && now.Sub(sawIdleAfterBusy) < cfg.IdleTimeout-1500*time.Millisecond {
					t.Errorf("reaped %s after the task ended; idle timeout is %s", now.Sub(sawIdleAfterBusy), cfg.IdleTimeout)
				}
				if controlGone.IsZero() || controlGone.Sub(invoked) > busyFor {
					t.Errorf("the idle control session was not reaped while the busy one was kept (gone at %s)", controlGone.Sub(invoked))
				}
				return
			}
			switch {
			case s.Busy && sawBusy.IsZero():
				sawBusy = now
			case !s.Busy && !sawBusy.IsZero() && sawIdleAfterBusy.IsZero():
				sawIdleAfterBusy = now
				if now.Sub(invoked) < busyFor-time.Second {
					t.Fatalf("healthyBusy ended after %s; the task runs %s", now.Sub(invoked), busyFor)
				}
			}
			if sawBusy.IsZero() && now.Sub(invoked) > 3*time.Second {
				t.Fatalf("session never reported healthyBusy within 3s of starting the task: %+v", s)
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("session still running %s after the task ended (idle timeout %s); busy seen at %s, idle at %s",
			time.Since(invoked)-busyFor, cfg.IdleTimeout, sawBusy.Sub(invoked), sawIdleAfterBusy.Sub(invoked))
	})
}
