package streams_test

import (
	"context"
	"errors"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp/cdptest"
	"net/http"
	"strings"
	"testing"
	"time"

	cdpt "github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
	"github.com/coder/websocket"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/runtime/wsconn"
)

// dialAutomation opens the automation stream with the headers the SDK's
// generate_ws_headers sends (and an arbitrary Origin, as browsers send).
func dialAutomation(ctx context.Context, base string, hdr http.Header) (*cdp.Conn, *websocket.Conn, *http.Response, error) {
	h := http.Header{"User-Agent": {"BrowserSandbox-Client/1.0 (Session: " + sessionID + ")"},
		"X-Amz-Date": {"20260101T000000Z"}, "Origin": {"https://elsewhere.example"}}
	for k, v := range hdr {
		h[k] = v
	}
	c, resp, err := websocket.Dial(ctx, wsURL(streamURL(base, "automation")), &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		return nil, nil, resp, err
	}
	return cdp.NewConn(wsconn.Wrap(c)), c, resp, nil
}

// TestAutomationRelay: a CDP client through the automation stream sees the
// browser itself (one context with the about:blank page), drives it, gets
// messages far over 64 KiB; chromedp connects as to a hosted browser; a
// person taking control closes it with 1008 and refuses new ones with 403
// until control is released; the session ending closes it with 1001.
func TestAutomationRelay(t *testing.T) {
	sess := newSession(t, startChromium(t, 800, 600), nil)
	_, base := newStreams(t, sess)
	site := cdptest.Serve(t, "<title>relay test</title><p id=p>hello</p>")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	if resp, err := http.Get(streamURL(base, "automation")); err != nil || resp.StatusCode != 400 {
		t.Fatalf("plain GET: %v %v", resp.Status, err)
	}
	if _, _, resp, err := dialAutomation(ctx, base, http.Header{"X-Test-Account": {"999988887777"}}); err == nil || resp == nil || resp.StatusCode != 404 {
		t.Fatalf("another account's session: %v %v", resp, err)
	}

	c, _, _, err := dialAutomation(ctx, base, nil)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := c.Pages(ctx)
	if err != nil || len(pages) != 1 || pages[0].URL != "about:blank" {
		t.Fatalf("pages through the relay: %v %v", pages, err)
	}
	p, err := c.Attach(ctx, pages[0].TargetID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cdpt.Call(ctx, p, page.Navigate, page.NavigateParams{URL: site}); err != nil {
		t.Fatal(err)
	}
	byValue := true
	res, err := cdpt.Call(ctx, p, cdpruntime.Evaluate, cdpruntime.EvaluateParams{ReturnByValue: &byValue,
		Expression:   "new Promise(r => { const f = () => document.getElementById('p') ? r('x'.repeat(5 << 20)) : setTimeout(f, 10); f(); })",
		AwaitPromise: &byValue})
	if err != nil {
		t.Fatal(err)
	}
	var big string
	if err := jsonv2.Unmarshal(res.Result.Value, &big); err != nil || len(big) != 5<<20 {
		t.Fatalf("5 MiB answer through the relay: %d bytes, %v", len(big), err)
	}

	// chromedp, as a client of a hosted browser, on the same stream.
	allocCtx, allocCancel := remote.NewAllocator(ctx, wsURL(streamURL(base, "automation")), remote.NoModifyURL)
	defer allocCancel()
	dctx, dcancel := chromedp.NewContext(allocCtx)
	if _, err := chromedp.Run(dctx, chromedp.Navigate(site)); err != nil {
		t.Fatalf("chromedp navigate: %v", err)
	}
	title, err := chromedp.Run(dctx, chromedp.Title())
	if err != nil || title != "relay test" {
		t.Fatalf("chromedp title %q %v", title, err)
	}
	dcancel()

	// A person takes control: the open stream is closed with 1008.
	if _, _, err := sess.UpdateStream(tenantCtx(ctx), browserID, sessionID, browser.StreamDisabled); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("the automation stream stayed open after DISABLED")
	}
	var ce *runtime.WebSocketCloseError
	if !errors.As(c.Err(), &ce) || ce.Code != 1008 || !strings.Contains(ce.Reason, "DISABLED") {
		t.Fatalf("close after DISABLED: %v", c.Err())
	}
	if _, _, resp, err := dialAutomation(ctx, base, nil); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("dial while DISABLED: %v %v", resp, err)
	}
	if _, _, err := sess.UpdateStream(tenantCtx(ctx), browserID, sessionID, browser.StreamEnabled); err != nil {
		t.Fatal(err)
	}
	c2, _, _, err := dialAutomation(ctx, base, nil)
	if err != nil {
		t.Fatalf("dial after ENABLED: %v", err)
	}
	if _, err := c2.Pages(ctx); err != nil {
		t.Fatal(err)
	}

	// The session ends: the stream closes with 1001.
	sess.end()
	select {
	case <-c2.Done():
	case <-ctx.Done():
		t.Fatal("the automation stream stayed open after the session ended")
	}
	if !errors.As(c2.Err(), &ce) || ce.Code != 1001 {
		t.Fatalf("close after the session ended: %v", c2.Err())
	}
	waitLeases(t, sess)
}

// waitLeases waits until every stream has released its lease.
func waitLeases(t *testing.T, sess *session) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); sess.leased() != 0; {
		if time.Now().After(deadline) {
			t.Fatalf("%d leases still held", sess.leased())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
