package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/aws/smithy-go"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestReplicasToolSessions: Code Interpreter and Browser sessions live on
// the replica that started them; their requests through another replica
// are forwarded there (issue 16). Three `agentcore server` processes on one
// PostgreSQL: a Code Interpreter session started through A keeps its
// Python state when InvokeCodeInterpreter comes through B (the event
// stream arrives through B) and C, Get through C reports it READY, Stop
// through B ends it on A; a Browser session started through A is driven
// through its automation WebSocket dialled at B (CDP: navigate, evaluate)
// and watched through its live view (page through B, WebSocket through C),
// its profile saved through B, then stopped through B. A session of a replica killed with SIGKILL is
// reported TERMINATED by the others once its lease has expired, and an
// invocation of it fails at once instead of hanging.
func TestReplicasToolSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the three-replica tool test")
	}
	pg := testenv.Postgres(t, "e2e_replica_tools")
	bin := testenv.BuildGo(t, "cmd/agentcore")
	_, chromiumErr := os.Stat(brChromium)
	flags := []string{"--node-lease", "3s", "--code-interpreter=true", "--browser=" + fmt.Sprint(chromiumErr == nil)}
	if env := os.Getenv("AGENTCORE_TEST_CI_ENV"); env != "" {
		flags = append(flags, "--code-interpreter-env", env)
	}
	a := startReplica(t, bin, "A", pg.DSN, t.TempDir(), flags...)
	b := startReplica(t, bin, "B", pg.DSN, t.TempDir(), flags...)
	c := startReplica(t, bin, "C", pg.DSN, t.TempDir(), flags...)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	t.Run("CodeInterpreter", func(t *testing.T) {
		sid, err := ciStart(ctx, a.env.Data)
		if err != nil {
			t.Fatalf("StartCodeInterpreterSession through A: %v", err)
		}
		if out, err := ciRun(ctx, a, sid, "x = 41\nprint('set on', x)"); err != nil || out != "set on 41\n" {
			t.Fatalf("executeCode through A: %q %v", out, err)
		}
		for _, r := range []*replica{b, c} { // the variable set through A is read through B and C
			out, err := ciRun(ctx, r, sid, "x += 1\nprint(x)")
			if err != nil {
				t.Fatalf("executeCode through %s: %v", r.name, err)
			}
			if want := map[*replica]string{b: "42\n", c: "43\n"}[r]; out != want {
				t.Fatalf("executeCode through %s: stdout %q, want %q (state lost: not forwarded to the session's replica)", r.name, out, want)
			}
		}
		med := func(r *replica) time.Duration { // executeCode round trips through r, median of 15
			var d []time.Duration
			for range 15 {
				t0 := time.Now()
				if _, err := ciRun(ctx, r, sid, "pass"); err != nil {
					t.Fatalf("executeCode through %s: %v", r.name, err)
				}
				d = append(d, time.Since(t0))
			}
			slices.Sort(d)
			return d[len(d)/2]
		}
		owner, fwd := med(a), med(b)
		t.Logf("executeCode p50 through the owner A %s, forwarded through B %s (+%s)", owner.Round(time.Microsecond), fwd.Round(time.Microsecond), (fwd - owner).Round(time.Microsecond))
		if st := ciStatus(ctx, t, c, sid); st != types.CodeInterpreterSessionStatusReady {
			t.Fatalf("GetCodeInterpreterSession through C: %s, want READY", st)
		}
		if _, err := b.env.Data.StopCodeInterpreterSession(ctx, &dp.StopCodeInterpreterSessionInput{
			CodeInterpreterIdentifier: aws.String(ciBuiltin), SessionId: aws.String(sid)}); err != nil {
			t.Fatalf("StopCodeInterpreterSession through B: %v", err)
		}
		if st := ciStatus(ctx, t, a, sid); st != types.CodeInterpreterSessionStatusTerminated {
			t.Fatalf("GetCodeInterpreterSession through A after the stop through B: %s, want TERMINATED", st)
		}
		if _, err := ciRun(ctx, a, sid, "print(x)"); err == nil {
			t.Fatal("executeCode through A after the stop through B succeeded: the kernel still runs")
		}
	})

	t.Run("Browser", func(t *testing.T) {
		if chromiumErr != nil {
			t.Skip("Chromium is not installed (Debian package chromium): " + chromiumErr.Error())
		}
		s, err := brStartSession(ctx, a.env.Data)
		if err != nil {
			t.Fatalf("StartBrowserSession through A: %v", err)
		}
		stream := strings.Replace(s.stream, strings.TrimPrefix(a.url, "http://"), strings.TrimPrefix(b.url, "http://"), 1)
		if stream == s.stream {
			t.Fatalf("automation stream %s does not name A (%s)", s.stream, a.url)
		}
		cdp, err := brDialAutomation(ctx, stream)
		if err != nil {
			t.Fatalf("automation stream through B: %v\n%s", err, tail(b.log(), 3000))
		}
		const page = "data:text/html,<title>forwarded</title><p id=p>via B</p>"
		if err := cdp.firstNavigation(ctx, page); err != nil {
			t.Fatalf("CDP navigation through B: %v", err)
		}
		psid, err := cdp.attachPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := cdp.call(ctx, psid, "Runtime.evaluate", map[string]any{"expression": "document.title + ' ' + document.getElementById('p').textContent", "returnByValue": true})
		if err != nil {
			t.Fatalf("Runtime.evaluate through B: %v", err)
		}
		var ev struct{ Result struct{ Value string } }
		json.Unmarshal(res, &ev) //nolint:errcheck // checked below
		if ev.Result.Value != "forwarded via B" {
			t.Fatalf("Runtime.evaluate through B: %s", res)
		}
		liveView(ctx, t, stream, b, c)
		cdp.close()
		prof, err := a.env.Control.CreateBrowserProfile(ctx, &ctl.CreateBrowserProfileInput{Name: aws.String(fmt.Sprintf("fwd_%d", time.Now().UnixNano()%1e9))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.env.Data.SaveBrowserSessionProfile(ctx, &dp.SaveBrowserSessionProfileInput{ProfileIdentifier: prof.ProfileId,
			BrowserIdentifier: aws.String(brBuiltin), SessionId: aws.String(s.id)}); err != nil {
			t.Fatalf("SaveBrowserSessionProfile through B: %v", err)
		}
		if _, err := b.env.Data.StopBrowserSession(ctx, &dp.StopBrowserSessionInput{
			BrowserIdentifier: aws.String(brBuiltin), SessionId: aws.String(s.id)}); err != nil {
			t.Fatalf("StopBrowserSession through B: %v", err)
		}
		g, err := a.env.Data.GetBrowserSession(ctx, &dp.GetBrowserSessionInput{BrowserIdentifier: aws.String(brBuiltin), SessionId: aws.String(s.id)})
		if err != nil || g.Status != types.BrowserSessionStatusTerminated {
			t.Fatalf("GetBrowserSession through A after the stop through B: %+v %v", g, err)
		}
	})

	t.Run("PausedReplica", func(t *testing.T) {
		sid, err := ciStart(ctx, b.env.Data)
		if err != nil {
			t.Fatalf("StartCodeInterpreterSession through B: %v", err)
		}
		b.signal(syscall.SIGSTOP) // B stalls (its kernel runs on) past three leases: declared dead
		stopped := true
		defer func() {
			if stopped {
				b.signal(syscall.SIGCONT)
			}
		}()
		// A request forwarded to a stalled replica waits for it (TCP still
		// accepts): ask A only once B's lease (3 s) has expired.
		time.Sleep(4 * time.Second)
		waitTerminated(ctx, t, a, sid, 15*time.Second)
		time.Sleep(3 * 3 * time.Second) // three leases and a sweep: A or C declares B dead
		b.signal(syscall.SIGCONT)
		stopped = false
		if st := ciStatus(ctx, t, b, sid); st != types.CodeInterpreterSessionStatusTerminated {
			t.Fatalf("GetCodeInterpreterSession through B after it was declared dead: %s, want TERMINATED", st)
		}
		if !strings.Contains(b.log(), "its record was ended by another replica") {
			t.Fatalf("B did not stop the kernel of its session that the others ended:\n%s", tail(b.log(), 3000))
		}
		if out, err := ciRun(ctx, b, sid, "print(1)"); err == nil {
			t.Fatalf("executeCode through B on its ended session answered %q", out)
		}
	})

	t.Run("DeadReplica", func(t *testing.T) {
		sid, err := ciStart(ctx, c.env.Data)
		if err != nil {
			t.Fatalf("StartCodeInterpreterSession through C: %v", err)
		}
		if out, err := ciRun(ctx, b, sid, "print(6*7)"); err != nil || out != "42\n" {
			t.Fatalf("executeCode through B: %q %v", out, err)
		}
		c.signal(syscall.SIGKILL)
		c.waitExit(t, 10*time.Second)
		waitTerminated(ctx, t, a, sid, 15*time.Second)
		ictx, icancel := context.WithTimeout(ctx, 10*time.Second)
		defer icancel()
		_, err = ciRun(ictx, b, sid, "print(1)")
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ResourceNotFoundException" {
			t.Fatalf("executeCode through B on the dead replica's session: %v, want ResourceNotFoundException", err)
		}
	})
}

// ciRun runs Python code in a session through r and returns its stdout;
// an exception event or an error result is an error.
func ciRun(ctx context.Context, r *replica, sid, code string) (string, error) {
	out, err := r.env.Data.InvokeCodeInterpreter(ctx, &dp.InvokeCodeInterpreterInput{
		CodeInterpreterIdentifier: aws.String(ciBuiltin), SessionId: aws.String(sid), Name: types.ToolNameExecuteCode,
		Arguments: &types.ToolArguments{Code: aws.String(code), Language: types.ProgrammingLanguagePython}})
	if err != nil {
		return "", err
	}
	es := out.GetStream()
	defer es.Close()
	var stdout string
	events := 0
	for ev := range es.Events() {
		events++
		if res, ok := ev.(*types.CodeInterpreterStreamOutputMemberResult); ok {
			if aws.ToBool(res.Value.IsError) {
				return "", fmt.Errorf("executeCode error result: %+v", res.Value.StructuredContent)
			}
			if res.Value.StructuredContent != nil {
				stdout = aws.ToString(res.Value.StructuredContent.Stdout)
			}
		}
	}
	if err := es.Err(); err != nil {
		return "", err
	}
	if events == 0 {
		return "", errors.New("executeCode: the event stream had no event")
	}
	return stdout, nil
}
