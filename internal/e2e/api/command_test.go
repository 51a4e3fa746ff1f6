package api_test

import (
	"context"
	"net/http"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// commandResult is what the event stream of one InvokeAgentRuntimeCommand
// carried, read with the SDK's event-stream reader.
type commandResult struct {
	session        string
	started        bool
	stdout, stderr string
	deltas         int
	stop           *types.ContentStopEvent
	err            error
}

func runCommand(t *testing.T, e *testenv.Env, arn, session, command string, timeout int32) (commandResult, error) {
	t.Helper()
	in := &bedrockagentcore.InvokeAgentRuntimeCommandInput{
		AgentRuntimeArn: aws.String(arn),
		Body:            &types.InvokeAgentRuntimeCommandRequestBody{Command: aws.String(command)},
	}
	if session != "" {
		in.RuntimeSessionId = aws.String(session)
	}
	if timeout != 0 {
		in.Body.Timeout = aws.Int32(timeout)
	}
	// The SDK answers before the response arrives (HTTP errors come out of
	// the stream) and its initial reply binds no header members (v1.56.3),
	// so the session header is recorded by the HTTP client.
	hc := &headerRecorder{base: testenv.NewSDKHTTPClient()}
	out, err := e.Data.InvokeAgentRuntimeCommand(bg, in, func(o *bedrockagentcore.Options) { o.HTTPClient = hc })
	if err != nil {
		return commandResult{}, err
	}
	es := out.GetStream()
	defer es.Close()
	var res commandResult
	for ev := range es.Events() {
		chunk, ok := ev.(*types.InvokeAgentRuntimeCommandStreamOutputMemberChunk)
		if !ok {
			t.Fatalf("unexpected event %T", ev)
		}
		switch c := chunk.Value; {
		case c.ContentStart != nil:
			res.started = true
		case c.ContentDelta != nil:
			res.deltas++
			res.stdout += aws.ToString(c.ContentDelta.Stdout)
			res.stderr += aws.ToString(c.ContentDelta.Stderr)
		case c.ContentStop != nil:
			res.stop = c.ContentStop
		}
	}
	res.err = es.Err()
	if res.err != nil {
		t.Logf("stream error: %v", res.err)
	}
	if h := hc.header.Load(); h != nil {
		res.session = h.Get("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id")
	}
	if !res.started && res.err != nil {
		return res, res.err
	}
	return res, nil
}

// headerRecorder is the SDK's HTTP client, keeping the last response's headers.
type headerRecorder struct {
	base   aws.HTTPClient
	header atomic.Pointer[http.Header]
}

func (h *headerRecorder) Do(r *http.Request) (*http.Response, error) {
	resp, err := h.base.Do(r)
	if err == nil {
		hd := resp.Header.Clone()
		h.header.Store(&hd)
	}
	return resp, err
}

// TestInvokeAgentRuntimeCommand runs commands through the SDK's
// event-stream reader on every sandbox driver the host has.
func TestInvokeAgentRuntimeCommand(t *testing.T) {
	for _, driver := range []string{"process", "linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) {
			if driver != "process" {
				testenv.RequireImageDriver(t, driver)
			}
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			commandCases(t, testenv.Start(t, cfg))
		})
	}
}

func commandCases(t *testing.T, e *testenv.Env) {
	arn := *e.Deploy(t, "commands", nil).AgentRuntimeArn
	s := testenv.SessionID("cmd")

	t.Run("StdoutStderrExitCode", func(t *testing.T) {
		r, err := runCommand(t, e, arn, s, "echo out; echo err >&2; exit 3", 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.err != nil || !r.started || r.stdout != "out\n" || r.stderr != "err\n" || r.stop == nil ||
			aws.ToInt32(r.stop.ExitCode) != 3 || r.stop.Status != types.CommandExecutionStatusCompleted {
			t.Fatalf("%+v stop %+v", r, r.stop)
		}
		if r.session != s {
			t.Fatalf("session header %q, want %q", r.session, s)
		}
	})
	t.Run("SameSessionAsInvoke", func(t *testing.T) {
		file := "/tmp/agentcore-cmd-" + s[len(s)-12:]
		e.InvokeJSON(t, arn, s, map[string]any{"action": "writefile", "path": file, "data": "written-by-agent"})
		r, err := runCommand(t, e, arn, s, "cat "+file+"; echo; echo $AWS_REGION $DOCKER_CONTAINER; echo from-command > "+file, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.stdout != "written-by-agent\nus-east-1 1\n" || aws.ToInt32(r.stop.ExitCode) != 0 {
			t.Fatalf("command saw %q (stderr %q)", r.stdout, r.stderr)
		}
		if m := e.InvokeJSON(t, arn, s, map[string]any{"action": "readfile", "path": file}); m["data"] != "from-command\n" {
			t.Fatalf("agent read %v", m)
		}
	})
	t.Run("StreamsLargeAndUTF8Output", func(t *testing.T) {
		// 100000 two-byte runes: pipe reads split some of them.
		r, err := runCommand(t, e, arn, s, `i=0; while [ $i -lt 1000 ]; do printf 'éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé'; i=$((i+1)); done`, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.stdout != strings.Repeat("é", 100000) || aws.ToInt32(r.stop.ExitCode) != 0 {
			t.Fatalf("got %d bytes in %d deltas (valid: %v), stop %+v, err %v, stderr %q", len(r.stdout), r.deltas, r.stdout == strings.Repeat("é", len(r.stdout)/2), r.stop, r.err, r.stderr)
		}
	})
	t.Run("Timeout", func(t *testing.T) {
		t0 := time.Now()
		r, err := runCommand(t, e, arn, s, "echo before; sleep 30; echo after", 1)
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(t0); took > 10*time.Second {
			t.Fatalf("took %v", took)
		}
		if r.stop == nil || r.stop.Status != types.CommandExecutionStatusTimedOut || r.stdout != "before\n" || aws.ToInt32(r.stop.ExitCode) == 0 {
			t.Fatalf("%+v stop %+v", r, r.stop)
		}
	})
	t.Run("UnknownSessionStartsOne", func(t *testing.T) {
		fresh := testenv.SessionID("cmd-new")
		r, err := runCommand(t, e, arn, fresh, "echo hi", 0)
		if err != nil || r.stdout != "hi\n" {
			t.Fatalf("%+v %v", r, err)
		}
		// The command started the session: the agent has served nothing yet.
		if m := e.InvokeJSON(t, arn, fresh, map[string]any{"action": "count"}); m["count"] != float64(1) {
			t.Fatalf("invoke after the command: %v", m)
		}
		// Without a session id the SDK generates one, as for InvokeAgentRuntime.
		r, err = runCommand(t, e, arn, "", "true", 0)
		if err != nil || len(r.session) < 33 || aws.ToInt32(r.stop.ExitCode) != 0 {
			t.Fatalf("%+v %v", r, err)
		}
	})
	t.Run("CallerGoneKillsCommand", func(t *testing.T) {
		marker := "cmd-marker-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		cctx, cancel := context.WithCancel(bg)
		out, err := e.Data.InvokeAgentRuntimeCommand(cctx, &bedrockagentcore.InvokeAgentRuntimeCommandInput{
			AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s),
			Body: &types.InvokeAgentRuntimeCommandRequestBody{Command: aws.String("echo started; sleep 60; : " + marker)},
		})
		if err != nil {
			t.Fatal(err)
		}
		<-out.GetStream().Events() // contentStart: the command runs
		cancel()
		out.GetStream().Close()
		// pgrep's own shell line must not match: [c]md-marker-…
		probe := "pgrep -f '[" + marker[:1] + "]" + marker[1:] + "' || echo gone"
		waitFor(t, 10*time.Second, func() bool {
			r, err := runCommand(t, e, arn, s, probe, 0)
			return err == nil && strings.TrimSpace(r.stdout) == "gone"
		})
	})
	t.Run("NothingLeaked", func(t *testing.T) {
		waitFor(t, 10*time.Second, func() bool {
			buf := make([]byte, 4<<20)
			return !strings.Contains(string(buf[:goruntime.Stack(buf, true)]), "invokeAgentRuntimeCommand")
		})
		for _, id := range []string{s} {
			if info := sessionInfo(t, e, id); info != nil && info.InFlight != 0 {
				t.Fatalf("session %s still has %d leases", id, info.InFlight)
			}
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		for name, c := range map[string]struct {
			arn, session, command string
			timeout               int32
			check                 func(error) bool
		}{
			"EmptyCommand":   {arn, s, "", 0, isValidation},
			"TimeoutTooLong": {arn, s, "true", 3601, isValidation},
			"TimeoutZero":    {arn, s, "true", -1, isValidation},
			"HugeCommand":    {arn, s, "echo " + strings.Repeat("x", 70000), 0, isValidation},
			"ShortSession":   {arn, "short", "true", 0, isValidation},
			"UnknownRuntime": {strings.Replace(arn, "commands", "nothere", 1), s, "true", 0, isNotFound},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := runCommand(t, e, c.arn, c.session, c.command, c.timeout)
				if !c.check(err) {
					t.Fatalf("got %v", err)
				}
			})
		}
	})
}
