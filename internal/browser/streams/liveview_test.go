package streams_test

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp/cdptest"
	"image/jpeg"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	cdpt "github.com/chromedp/cdproto/cdp"
	cdptarget "github.com/chromedp/cdproto/target"
	"github.com/coder/websocket"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
	"github.com/agentcore-dev/agentcore/internal/browser/streams"
)

var tokenRE = regexp.MustCompile(`const token = "([^"]+)";`)

// livePage fetches the live-view page as the edge hands it over and
// returns its token.
func livePage(t *testing.T, base string, hdr http.Header) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", streamURL(base, "live-view")+"?X-Amz-Expires=300", nil)
	req.Header = hdr
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := tokenRE.FindSubmatch(body)
	if resp.StatusCode == 200 && m == nil {
		t.Fatalf("live-view page without a token: %s", body)
	}
	if m == nil {
		return resp.StatusCode, ""
	}
	return resp.StatusCode, string(m[1])
}

type liveMsg struct {
	Type       string  `json:"type"`
	Data       []byte  `json:"data"`
	Width      float64 `json:"width"`
	Automation string  `json:"automation"`
	Message    string  `json:"message"`
}

// next reads live-view messages until one of typ arrives.
func next(ctx context.Context, t *testing.T, c *websocket.Conn, typ string) liveMsg {
	t.Helper()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", typ, err)
		}
		var m liveMsg
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		if m.Type == typ {
			return m
		}
	}
}

func send(ctx context.Context, t *testing.T, c *websocket.Conn, m map[string]any) {
	t.Helper()
	b, _ := json.Marshal(m)
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

// TestLiveView: the page is served for the session's account only; its
// WebSocket (with the page's token only) streams JPEG frames of the
// session's page; mouse and keyboard reach the page only after the person
// takes control, which disables automation; the page itself, opened in a
// second Chromium, draws the frames and its button takes control.
func TestLiveView(t *testing.T) {
	target := startChromium(t, 800, 600)
	sess := newSession(t, target, nil)
	_, base := newStreams(t, sess)
	site := cdptest.Serve(t, `<button id=b style="position:absolute;left:0;top:0;width:200px;height:100px">go</button>
		<input id=i style="position:absolute;left:0;top:150px;width:200px;height:30px">
		<script>b.onclick = () => { b.textContent = 'clicked'; document.body.style.background = 'red'; }</script>`)
	cdptest.Navigate(t, target, site)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	if code, _ := livePage(t, base, http.Header{"X-Test-Account": {"999988887777"}}); code != 404 {
		t.Fatalf("another account's live view: %d", code)
	}
	if code, _ := livePage(t, base, http.Header{"X-Test-Unsigned": {"1"}}); code != 403 {
		t.Fatalf("unsigned live view: %d", code)
	}
	if code := get(t, streamURL(base, "live-view/nothing"), ""); code != 404 {
		t.Fatalf("unknown live-view resource: %d", code)
	}
	code, token := livePage(t, base, nil)
	if code != 200 {
		t.Fatalf("live view page: %d", code)
	}
	wsBase := wsURL(streamURL(base, "live-view/ws"))
	// A token minted an hour ago (by a replica sharing the key) has expired.
	key := []byte("shared key")
	_, pastBase := newStreamsWith(t, streams.Config{Service: sess, TokenKey: key, Now: func() time.Time { return time.Now().Add(-time.Hour) }})
	_, nowBase := newStreamsWith(t, streams.Config{Service: sess, TokenKey: key})
	_, old := livePage(t, pastBase, nil)
	_, fresh := livePage(t, nowBase, nil)
	if _, resp, err := websocket.Dial(ctx, wsURL(streamURL(nowBase, "live-view/ws"))+"?token="+url.QueryEscape(old), nil); err == nil || resp.StatusCode != 403 {
		t.Fatalf("expired token: %v %v", resp, err)
	}
	if c, _, err := websocket.Dial(ctx, wsURL(streamURL(nowBase, "live-view/ws"))+"?token="+url.QueryEscape(fresh), nil); err != nil {
		t.Fatalf("a token of another replica with the same key: %v", err)
	} else {
		c.CloseNow()
	}
	for name, tok := range map[string]string{"missing": "", "tampered": token[:len(token)-2] + "xx", "garbage": "abc.def", "other key": fresh} {
		_, resp, err := websocket.Dial(ctx, wsBase+"?token="+url.QueryEscape(tok), nil)
		if err == nil || resp == nil || resp.StatusCode != 403 {
			t.Fatalf("%s token: %v %v", name, resp, err)
		}
	}

	c, _, err := websocket.Dial(ctx, wsBase+"?token="+url.QueryEscape(token), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(16 << 20)
	if st := next(ctx, t, c, "status"); st.Automation != browser.StreamEnabled {
		t.Fatalf("first status %+v", st)
	}
	f := next(ctx, t, c, "frame")
	img, err := jpeg.Decode(bytes.NewReader(f.Data))
	if err != nil || img.Bounds().Dx() != int(f.Width) || f.Width < 400 {
		t.Fatalf("frame: %v %v width %v", img.Bounds(), err, f.Width)
	}

	click := func() {
		for _, ev := range []string{"mousePressed", "mouseReleased"} {
			send(ctx, t, c, map[string]any{"type": "mouse", "event": ev, "x": 50, "y": 50, "button": "left", "clickCount": 1})
		}
	}
	click()
	if m := next(ctx, t, c, "error"); m.Message == "" {
		t.Fatal("input without control was not refused")
	}
	if got := text(t, target, "b.textContent"); got != "go" {
		t.Fatalf("input without control reached the page: %q", got)
	}

	send(ctx, t, c, map[string]any{"type": "control", "take": true})
	if st := next(ctx, t, c, "status"); st.Automation != browser.StreamDisabled || sess.automation() != browser.StreamDisabled {
		t.Fatalf("after take: %+v, session %s", st, sess.automation())
	}
	click()
	waitText(t, target, "b.textContent", "clicked")
	next(ctx, t, c, "frame") // the page changed: the screencast shows it

	for _, ev := range []string{"mousePressed", "mouseReleased"} {
		send(ctx, t, c, map[string]any{"type": "mouse", "event": ev, "x": 50, "y": 165, "button": "left", "clickCount": 1})
	}
	for _, k := range []map[string]any{{"key": "h", "code": "KeyH", "keyCode": 72, "text": "h"}, {"key": "i", "code": "KeyI", "keyCode": 73, "text": "i"}} {
		send(ctx, t, c, map[string]any{"type": "key", "event": "keyDown", "key": k["key"], "code": k["code"], "keyCode": k["keyCode"], "text": k["text"]})
		send(ctx, t, c, map[string]any{"type": "key", "event": "keyUp", "key": k["key"], "code": k["code"], "keyCode": k["keyCode"]})
	}
	waitText(t, target, "i.value", "hi")

	send(ctx, t, c, map[string]any{"type": "control", "take": false})
	if st := next(ctx, t, c, "status"); st.Automation != browser.StreamEnabled {
		t.Fatalf("after release: %+v", st)
	}

	// The page in a real browser: it connects, draws frames, and its
	// button takes control.
	viewer := startChromium(t, 1000, 800)
	cdptest.Navigate(t, viewer, streamURL(base, "live-view")+"?X-Amz-Signature=ignored-by-this-test")
	waitText(t, viewer, "String(window.liveView.frames() > 0 && window.liveView.connected())", "true")
	waitText(t, viewer, "document.getElementById('control').disabled ? 'off' : 'on'", "on")
	text(t, viewer, "document.getElementById('control').click(), ''")
	waitText(t, viewer, "String(window.liveView.inControl())", "true")
	if sess.automation() != browser.StreamDisabled {
		t.Fatalf("the page's button did not take control: %s", sess.automation())
	}

	// A new tab (opened by automation) is what the live view shows and
	// where the person's input goes.
	tab := cdptest.Serve(t, `<button id=b2 style="position:absolute;left:0;top:0;width:300px;height:300px" onclick="this.textContent='tab clicked'">tab</button>`)
	cdptest.OnPage(t, target, func(ctx context.Context, p *cdp.Page) {
		if _, err := cdpt.Call(ctx, p.Conn(), cdptarget.CreateTarget, cdptarget.CreateTargetParams{URL: tab}); err != nil {
			t.Fatal(err)
		}
	})
	waitText(t, target, "document.readyState + (document.getElementById('b2') ? ' b2' : '')", "complete b2")
	for deadline := time.Now(); text(t, target, "b2.textContent") != "tab clicked"; {
		if time.Since(deadline) > 10*time.Second {
			t.Fatal("the person's click did not reach the new tab")
		}
		for _, ev := range []string{"mousePressed", "mouseReleased"} {
			send(ctx, t, c, map[string]any{"type": "mouse", "event": ev, "x": 100, "y": 100, "button": "left", "clickCount": 1})
		}
		time.Sleep(100 * time.Millisecond)
	}

	sess.end()
	for {
		if _, _, err := c.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusGoingAway {
				t.Fatalf("live view after the session ended: %v", err)
			}
			break
		}
	}
	waitLeases(t, sess)
}
