package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

// TestBrowserSessions: start (a real Chromium under the process driver)
// with its stream endpoints on this server, get, list (status filter,
// pagination), UpdateBrowserStream, stop (twice), and the typed errors of
// sessions that are stopped, unknown or another account's, of an unknown
// browser or profile, and of out-of-range viewports and timeouts.
func TestBrowserSessions(t *testing.T) {
	requireChromium(t)
	e := brServer(t)
	d := e.Data
	host := strings.TrimPrefix(e.URL, "http://")
	st := brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{Name: aws.String("first"),
		ViewPort: &types.ViewPort{Width: aws.Int32(1024), Height: aws.Int32(768)}})
	sid := aws.ToString(st.SessionId)
	base := "/browser-streams/aws.browser.v1/sessions/" + sid
	if aws.ToString(st.BrowserIdentifier) != builtinBrowser || st.CreatedAt == nil || st.Streams == nil ||
		aws.ToString(st.Streams.AutomationStream.StreamEndpoint) != "ws://"+host+base+"/automation" ||
		st.Streams.AutomationStream.StreamStatus != types.AutomationStreamStatusEnabled ||
		aws.ToString(st.Streams.LiveViewStream.StreamEndpoint) != "http://"+host+base+"/live-view" {
		t.Fatalf("start: %+v %+v", st, st.Streams)
	}
	g, err := brGet(d, builtinBrowser, sid)
	if err != nil || g.Status != types.BrowserSessionStatusReady || aws.ToInt32(g.SessionTimeoutSeconds) != 3600 ||
		aws.ToString(g.Name) != "first" || aws.ToInt32(g.ViewPort.Width) != 1024 || aws.ToInt32(g.ViewPort.Height) != 768 ||
		g.Streams == nil || aws.ToString(g.Streams.AutomationStream.StreamEndpoint) != "ws://"+host+base+"/automation" {
		t.Fatalf("get: %+v %v", g, err)
	}
	second := aws.ToString(brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{SessionTimeoutSeconds: aws.Int32(60)}).SessionId)
	if g, err := brGet(d, builtinBrowser, second); err != nil || aws.ToInt32(g.SessionTimeoutSeconds) != 60 ||
		aws.ToInt32(g.ViewPort.Width) != 1280 || aws.ToInt32(g.ViewPort.Height) != 720 {
		t.Fatalf("defaults: %+v %v", g, err)
	}

	// UpdateBrowserStream: take and release control.
	upd := func(s types.AutomationStreamStatus) (*bedrockagentcore.UpdateBrowserStreamOutput, error) {
		return d.UpdateBrowserStream(bg, &bedrockagentcore.UpdateBrowserStreamInput{BrowserIdentifier: aws.String(builtinBrowser), SessionId: aws.String(sid),
			StreamUpdate: &types.StreamUpdateMemberAutomationStreamUpdate{Value: types.AutomationStreamUpdate{StreamStatus: s}}})
	}
	u, err := upd(types.AutomationStreamStatusDisabled)
	if err != nil || u.Streams.AutomationStream.StreamStatus != types.AutomationStreamStatusDisabled || u.UpdatedAt == nil || aws.ToString(u.SessionId) != sid {
		t.Fatalf("disable: %+v %v", u, err)
	}
	if g, _ := brGet(d, builtinBrowser, sid); g.Streams.AutomationStream.StreamStatus != types.AutomationStreamStatusDisabled {
		t.Fatalf("get after disable: %+v", g.Streams.AutomationStream)
	}
	if u, err := upd(types.AutomationStreamStatusEnabled); err != nil || u.Streams.AutomationStream.StreamStatus != types.AutomationStreamStatusEnabled {
		t.Fatalf("enable: %+v %v", u, err)
	}
	if _, err := upd("PAUSED"); !isValidation(err) {
		t.Fatalf("unknown stream status: %v", err)
	}

	// Both are listed; one a page.
	var seen []string
	in := &bedrockagentcore.ListBrowserSessionsInput{BrowserIdentifier: aws.String(builtinBrowser), MaxResults: aws.Int32(1)}
	for {
		page, err := d.ListBrowserSessions(bg, in)
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

	stop := func(sid string) (*bedrockagentcore.StopBrowserSessionOutput, error) {
		return d.StopBrowserSession(bg, &bedrockagentcore.StopBrowserSessionInput{BrowserIdentifier: aws.String(builtinBrowser), SessionId: aws.String(sid)})
	}
	if s, err := stop(sid); err != nil || aws.ToString(s.SessionId) != sid || s.LastUpdatedAt == nil {
		t.Fatalf("stop: %+v %v", s, err)
	}
	if _, err := stop(sid); err != nil {
		t.Fatalf("stopping a TERMINATED session again: %v", err)
	}
	if g, err := brGet(d, builtinBrowser, sid); err != nil || g.Status != types.BrowserSessionStatusTerminated || g.Streams != nil {
		t.Fatalf("after stop: %+v %v", g, err)
	}
	l, err := d.ListBrowserSessions(bg, &bedrockagentcore.ListBrowserSessionsInput{BrowserIdentifier: aws.String(builtinBrowser), Status: types.BrowserSessionStatusReady})
	if err != nil || len(l.Items) != 1 || aws.ToString(l.Items[0].SessionId) != second {
		t.Fatalf("READY: %+v %v", l, err)
	}

	// Typed errors.
	shot := &types.BrowserActionMemberScreenshot{Value: types.ScreenshotArguments{}}
	if _, err := brInvoke(d, builtinBrowser, sid, shot); !isNotFound(err) {
		t.Fatalf("stopped session: %v", err)
	}
	if _, err := upd(types.AutomationStreamStatusEnabled); !isNotFound(err) {
		t.Fatalf("stream of a stopped session: %v", err)
	}
	if _, err := brInvoke(d, builtinBrowser, "NOSUCHSESSION0123", shot); !isNotFound(err) {
		t.Fatalf("unknown session: %v", err)
	}
	_, otherData := testenv.ClientsWith(e.URL, brOtherKeyID, brOtherSecret)
	if _, err := brGet(otherData, builtinBrowser, second); !isNotFound(err) {
		t.Fatalf("another account's get: %v", err)
	}
	if _, err := brInvoke(otherData, builtinBrowser, second, shot); !isNotFound(err) {
		t.Fatalf("another account's invoke: %v", err)
	}
	if _, err := otherData.StopBrowserSession(bg, &bedrockagentcore.StopBrowserSessionInput{BrowserIdentifier: aws.String(builtinBrowser), SessionId: aws.String(second)}); !isNotFound(err) {
		t.Fatalf("another account's stop: %v", err)
	}
	if g, err := brGet(d, builtinBrowser, second); err != nil || g.Status != types.BrowserSessionStatusReady {
		t.Fatalf("the other account's calls changed the session: %+v %v", g, err)
	}
	if _, err := d.StartBrowserSession(bg, &bedrockagentcore.StartBrowserSessionInput{BrowserIdentifier: aws.String("nope-0123456789")}); !isNotFound(err) {
		t.Fatalf("unknown browser: %v", err)
	}
	if _, err := d.StartBrowserSession(bg, &bedrockagentcore.StartBrowserSessionInput{BrowserIdentifier: aws.String(builtinBrowser),
		ProfileConfiguration: &types.BrowserProfileConfiguration{ProfileIdentifier: aws.String("nope-0123456789")}}); !isNotFound(err) {
		t.Fatalf("unknown profile: %v", err)
	}
	if _, err := brGet(d, builtinBrowser, "bad-id!"); !isValidation(err) {
		t.Fatalf("malformed session id: %v", err)
	}
	for _, vp := range [][2]int32{{319, 600}, {3841, 600}, {800, 239}, {800, 2161}} {
		_, err := d.StartBrowserSession(bg, &bedrockagentcore.StartBrowserSessionInput{BrowserIdentifier: aws.String(builtinBrowser),
			ViewPort: &types.ViewPort{Width: aws.Int32(vp[0]), Height: aws.Int32(vp[1])}})
		if !isValidation(err) {
			t.Fatalf("viewport %v: %v", vp, err)
		}
	}
	for _, n := range []int32{0, 28801} {
		_, err := d.StartBrowserSession(bg, &bedrockagentcore.StartBrowserSessionInput{BrowserIdentifier: aws.String(builtinBrowser), SessionTimeoutSeconds: aws.Int32(n)})
		if !isValidation(err) {
			t.Fatalf("sessionTimeoutSeconds %d: %v", n, err)
		}
	}

	// Deleting a custom browser ends its sessions.
	custom := brCreate(t, e.Control, "doomed")
	cs := aws.ToString(brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{BrowserIdentifier: aws.String(custom)}).SessionId)
	if _, err := e.Control.DeleteBrowser(bg, &ctl.DeleteBrowserInput{BrowserId: aws.String(custom)}); err != nil {
		t.Fatal(err)
	}
	if _, err := brInvoke(d, custom, cs, shot); !isNotFound(err) {
		t.Fatalf("session of a deleted browser: %v", err)
	}
}

// TestBrowserSessionTimeout: sessionTimeoutSeconds is the session's
// lifetime: a 2 s session is TERMINATED after it.
func TestBrowserSessionTimeout(t *testing.T) {
	requireChromium(t)
	e := brServer(t)
	sid := aws.ToString(brStart(t, e.Data, &bedrockagentcore.StartBrowserSessionInput{SessionTimeoutSeconds: aws.Int32(2)}).SessionId)
	deadline := time.Now().Add(15 * time.Second)
	for {
		g, err := brGet(e.Data, builtinBrowser, sid)
		if err != nil {
			t.Fatal(err)
		}
		if g.Status == types.BrowserSessionStatusTerminated {
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
	if _, err := brInvoke(e.Data, builtinBrowser, sid, &types.BrowserActionMemberScreenshot{}); !isNotFound(err) {
		t.Fatalf("invoking an expired session: %v", err)
	}
}

// TestBrowserSessionsAfterRestart: a server that restarts marks the
// sessions whose Chromium it no longer has TERMINATED.
func TestBrowserSessionsAfterRestart(t *testing.T) {
	requireChromium(t)
	cfg := brConfig()
	cfg.DataDir = t.TempDir()
	e := testenv.Start(t, cfg)
	sid := aws.ToString(brStart(t, e.Data, &bedrockagentcore.StartBrowserSessionInput{}).SessionId)
	e.Stop()
	e = testenv.Start(t, cfg)
	g, err := brGet(e.Data, builtinBrowser, sid)
	if err != nil || g.Status != types.BrowserSessionStatusTerminated {
		t.Fatalf("after restart: %+v %v", g, err)
	}
}
