package streams_test

import (
	"context"
	"encoding/json"
	"github.com/agentcore-dev/agentcore/internal/agentclient"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp/cdptest"
	"image/jpeg"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/artifact/localdir"
	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/browser/streams"
)

// TestRecording: a recorded session's screencast frames and navigations
// are stored under its prefix until its browser goes away; the replay
// page (for the session's account, with its own token for the data)
// lists and plays them in a real browser.
func TestRecording(t *testing.T) {
	target, stop := cdptest.StartChromium(t, agentclient.Connect, 800, 600)
	rec := &browser.Recording{Bucket: "recordings", Prefix: "runs/" + sessionID + "/"}
	sess := newSession(t, target, rec)
	store, err := localdir.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h, base := newStreamsWith(t, streams.Config{Service: sess, Artifacts: store})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	att, err := sess.Attach(tenantCtx(ctx), browserID, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	h.Record(att)
	site := cdptest.Serve(t, `<h1 id=h>first</h1><script>let n = 0; setInterval(() => { h.textContent = 'tick ' + (++n); }, 100)</script>`)
	cdptest.Navigate(t, target, site+"/one")
	time.Sleep(800 * time.Millisecond) // the page repaints: frames
	cdptest.Navigate(t, target, site+"/two")
	time.Sleep(800 * time.Millisecond)
	stop() // the session's browser ends: the recording stores its manifest
	sess.end()
	waitLeases(t, sess)

	var m streams.Manifest
	body, _, err := store.Open(ctx, rec.Bucket, rec.Prefix+"recording.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.NewDecoder(body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	body.Close()
	if m.SessionID != sessionID || m.EndedAt == nil || len(m.Frames) < 4 {
		t.Fatalf("manifest: session %s ended %v, %d frames", m.SessionID, m.EndedAt, len(m.Frames))
	}
	var urls []string
	for _, e := range m.Events {
		urls = append(urls, e.URL)
	}
	if got := strings.Join(urls, " "); !strings.Contains(got, site+"/one") || !strings.Contains(got, site+"/two") {
		t.Fatalf("navigations %v", urls)
	}
	for i, f := range m.Frames {
		if f.N != i+1 || (i > 0 && f.T < m.Frames[i-1].T) {
			t.Fatalf("frame %d: %+v", i, f)
		}
	}
	last := m.Frames[len(m.Frames)-1]
	fb, _, err := store.Open(ctx, rec.Bucket, rec.Prefix+"frames/"+pad(last.N)+".jpg")
	if err != nil {
		t.Fatal(err)
	}
	if img, err := jpeg.Decode(fb); err != nil || img.Bounds().Dx() != int(last.W) {
		t.Fatalf("last frame: %v %v (w %v)", img, err, last.W)
	}
	fb.Close()

	// The replay page and its data.
	if code := get(t, streamURL(base, "live-view/replay"), "999988887777"); code != 404 {
		t.Fatalf("another account's replay: %d", code)
	}
	if code := get(t, streamURL(base, "live-view/replay"), "unsigned"); code != 403 {
		t.Fatalf("unsigned replay page: %d", code)
	}
	resp, err := http.Get(streamURL(base, "live-view/replay"))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tm := tokenRE.FindSubmatch(page)
	if resp.StatusCode != 200 || tm == nil {
		t.Fatalf("replay page %d: %s", resp.StatusCode, page)
	}
	data := func(tok, file string) string {
		return streamURL(base, "live-view/replay/data") + "?token=" + url.QueryEscape(tok) + "&file=" + url.QueryEscape(file)
	}
	tok := string(tm[1])
	for file, want := range map[string]int{"recording.json": 200, "frames/000001.jpg": 200, "frames/999999.jpg": 404,
		"../secret": 400, "frames/1.jpg": 400} {
		if code := get(t, data(tok, file), ""); code != want {
			t.Fatalf("replay data %s: %d, want %d", file, code, want)
		}
	}
	if code := get(t, data(tok[:len(tok)-3]+"abc", "recording.json"), ""); code != 403 {
		t.Fatalf("tampered replay token: %d", code)
	}

	viewer := startChromium(t, 1000, 800)
	cdptest.Navigate(t, viewer, streamURL(base, "live-view/replay")+"?X-Amz-Signature=ignored-by-this-test")
	waitText(t, viewer, "String(window.replay.frames())", strconv.Itoa(len(m.Frames)))
	waitText(t, viewer, "String(window.replay.shown() > 0)", "true")
	waitText(t, viewer, "String(document.querySelectorAll('#events li').length >= 2)", "true")
	text(t, viewer, "document.getElementById('speed').value = '8', document.getElementById('play').click(), ''")
	waitText(t, viewer, "String(window.replay.position() > 0)", "true")

	// A session that is not recorded has no replay.
	sess.recording = nil
	if code := get(t, streamURL(base, "live-view/replay"), ""); code != 404 {
		t.Fatalf("replay of an unrecorded session: %d", code)
	}
}

func get(t *testing.T, u, acct string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	switch acct {
	case "":
	case "unsigned":
		req.Header.Set("X-Test-Unsigned", "1")
	default:
		req.Header.Set("X-Test-Account", acct)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body) //nolint:errcheck // status only
	resp.Body.Close()
	return resp.StatusCode
}

func pad(n int) string { s := strconv.Itoa(n); return strings.Repeat("0", 6-len(s)) + s }
