package api_test

import (
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestCodeInterpreterSessions: start, get, list (status filter,
// pagination), stop (twice), and the typed errors of sessions that are
// stopped, unknown, another account's, or of an unknown interpreter.
func TestCodeInterpreterSessions(t *testing.T) {
	e := ciServer(t, 0)
	d := e.Data
	sid := ciStartSession(t, d, builtinCI, 0)
	get := func(interp, sid string) (*bedrockagentcore.GetCodeInterpreterSessionOutput, error) {
		return d.GetCodeInterpreterSession(bg, &bedrockagentcore.GetCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(interp), SessionId: aws.String(sid)})
	}
	g, err := get(builtinCI, sid)
	if err != nil || g.Status != types.CodeInterpreterSessionStatusReady || aws.ToInt32(g.SessionTimeoutSeconds) != 900 ||
		aws.ToString(g.Name) != "test" || aws.ToString(g.CodeInterpreterIdentifier) != builtinCI || g.CreatedAt == nil {
		t.Fatalf("get: %+v %v", g, err)
	}
	second := ciStartSession(t, d, builtinCI, 60)
	if g, err := get(builtinCI, second); err != nil || aws.ToInt32(g.SessionTimeoutSeconds) != 60 {
		t.Fatalf("timeout 60: %+v %v", g, err)
	}

	// Both are listed; one a page.
	var seen []string
	in := &bedrockagentcore.ListCodeInterpreterSessionsInput{CodeInterpreterIdentifier: aws.String(builtinCI), MaxResults: aws.Int32(1)}
	for {
		page, err := d.ListCodeInterpreterSessions(bg, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Items {
			seen = append(seen, aws.ToString(s.SessionId))
		}
		if page.NextToken == nil {
			break
		}
		in.NextToken = page.NextToken
	}
	if len(seen) != 2 {
		t.Fatalf("listed %v", seen)
	}

	stop := func(interp, sid string) (*bedrockagentcore.StopCodeInterpreterSessionOutput, error) {
		return d.StopCodeInterpreterSession(bg, &bedrockagentcore.StopCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(interp), SessionId: aws.String(sid)})
	}
	st, err := stop(builtinCI, sid)
	if err != nil || aws.ToString(st.SessionId) != sid || st.LastUpdatedAt == nil {
		t.Fatalf("stop: %+v %v", st, err)
	}
	if _, err := stop(builtinCI, sid); err != nil {
		t.Fatalf("stopping a TERMINATED session again: %v", err)
	}
	if g, err := get(builtinCI, sid); err != nil || g.Status != types.CodeInterpreterSessionStatusTerminated {
		t.Fatalf("after stop: %+v %v", g, err)
	}
	list := func(status types.CodeInterpreterSessionStatus) []types.CodeInterpreterSessionSummary {
		l, err := d.ListCodeInterpreterSessions(bg, &bedrockagentcore.ListCodeInterpreterSessionsInput{CodeInterpreterIdentifier: aws.String(builtinCI), Status: status})
		if err != nil {
			t.Fatal(err)
		}
		return l.Items
	}
	if r, term := list(types.CodeInterpreterSessionStatusReady), list(types.CodeInterpreterSessionStatusTerminated); len(r) != 1 || aws.ToString(r[0].SessionId) != second ||
		len(term) != 1 || aws.ToString(term[0].SessionId) != sid {
		t.Fatalf("READY %+v TERMINATED %+v", r, term)
	}

	// Invoking a stopped, an unknown, or another account's session; an unknown interpreter.
	cmd := &types.ToolArguments{Command: aws.String("echo hi")}
	if _, err := ciCall(d, builtinCI, sid, types.ToolNameExecuteCommand, cmd); !isNotFound(err) {
		t.Fatalf("stopped session: %v", err)
	}
	if _, err := ciCall(d, builtinCI, "NOSUCHSESSION0123", types.ToolNameExecuteCommand, cmd); !isNotFound(err) {
		t.Fatalf("unknown session: %v", err)
	}
	_, otherData := testenv.ClientsWith(e.URL, otherKeyID, otherSecret)
	if _, err := ciCall(otherData, builtinCI, second, types.ToolNameExecuteCommand, cmd); !isNotFound(err) {
		t.Fatalf("another account's session: %v", err)
	}
	if _, err := otherData.GetCodeInterpreterSession(bg, &bedrockagentcore.GetCodeInterpreterSessionInput{
		CodeInterpreterIdentifier: aws.String(builtinCI), SessionId: aws.String(second)}); !isNotFound(err) {
		t.Fatalf("another account's get: %v", err)
	}
	if _, err := otherData.StopCodeInterpreterSession(bg, &bedrockagentcore.StopCodeInterpreterSessionInput{
		CodeInterpreterIdentifier: aws.String(builtinCI), SessionId: aws.String(second)}); !isNotFound(err) {
		t.Fatalf("another account's stop: %v", err)
	}
	if g, err := get(builtinCI, second); err != nil || g.Status != types.CodeInterpreterSessionStatusReady {
		t.Fatalf("the other account's calls changed the session: %+v %v", g, err)
	}
	if _, err := d.StartCodeInterpreterSession(bg, &bedrockagentcore.StartCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String("nope-0123456789")}); !isNotFound(err) {
		t.Fatalf("unknown interpreter: %v", err)
	}
	if _, err := get(builtinCI, "bad-id!"); !isValidation(err) {
		t.Fatalf("malformed session id: %v", err)
	}
	for _, n := range []int32{-1, 28801} {
		_, err := d.StartCodeInterpreterSession(bg, &bedrockagentcore.StartCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(builtinCI), SessionTimeoutSeconds: aws.Int32(n)})
		if !isValidation(err) {
			t.Fatalf("sessionTimeoutSeconds %d: %v", n, err)
		}
	}

	// Deleting a custom interpreter ends its sessions.
	custom := ciCreate(t, e.Control, "doomed", ctltypes.CodeInterpreterNetworkModeSandbox)
	cs := ciStartSession(t, d, custom, 0)
	if _, err := e.Control.DeleteCodeInterpreter(bg, &ctl.DeleteCodeInterpreterInput{CodeInterpreterId: aws.String(custom)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ciCall(d, custom, cs, types.ToolNameExecuteCommand, cmd); !isNotFound(err) {
		t.Fatalf("session of a deleted interpreter: %v", err)
	}
}

// TestCodeInterpreterSessionTimeout: sessionTimeoutSeconds is the
// session's lifetime: a 2 s session is TERMINATED after it.
func TestCodeInterpreterSessionTimeout(t *testing.T) {
	e := ciServer(t, 0)
	sid := ciStartSession(t, e.Data, builtinCI, 2)
	deadline := time.Now().Add(15 * time.Second)
	for {
		g, err := e.Data.GetCodeInterpreterSession(bg, &bedrockagentcore.GetCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(builtinCI), SessionId: aws.String(sid)})
		if err != nil {
			t.Fatal(err)
		}
		if g.Status == types.CodeInterpreterSessionStatusTerminated {
			if since := time.Since(*g.CreatedAt); since < 2*time.Second {
				t.Fatalf("terminated after %s", since)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a 2 s session is still READY after 15 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, err := ciCall(e.Data, builtinCI, sid, types.ToolNameExecuteCommand, &types.ToolArguments{Command: aws.String("true")}); !isNotFound(err) {
		t.Fatalf("invoking an expired session: %v", err)
	}
}

// TestCodeInterpreterSessionsAfterRestart: a server that restarts marks the
// sessions whose kernel it no longer has TERMINATED.
func TestCodeInterpreterSessionsAfterRestart(t *testing.T) {
	cfg := testenv.Fast()
	cfg.DataDir = t.TempDir()
	e := testenv.Start(t, cfg)
	sid := ciStartSession(t, e.Data, builtinCI, 0)
	e.Stop()
	e = testenv.Start(t, cfg)
	g, err := e.Data.GetCodeInterpreterSession(bg, &bedrockagentcore.GetCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(builtinCI), SessionId: aws.String(sid)})
	if err != nil || g.Status != types.CodeInterpreterSessionStatusTerminated {
		t.Fatalf("after restart: %+v %v", g, err)
	}
}
