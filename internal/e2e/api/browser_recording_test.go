package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestBrowserRecording: a session of a browser with a recording
// configuration navigates two pages through the automation stream and
// stops; GetBrowserSession's sessionReplayArtifact names the recording;
// its manifest (both navigations, the frames) and frames are in the
// artifact store; the presigned replay page loads in a headless Chromium
// and plays the frames. Unsigned, tampered and other accounts' replay
// URLs are refused.
func TestBrowserRecording(t *testing.T) {
	requireChromium(t)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<html><body style="background:%s"><h1 id=h>%s</h1><script>let n = 0; setInterval(() => { h.textContent = %q + ' ' + (++n); }, 100)</script></body></html>`,
			map[string]string{"/one": "#fdd", "/two": "#dfd"}[r.URL.Path], r.URL.Path, r.URL.Path)
	}))
	t.Cleanup(site.Close)
	e := brServer(t)
	d := e.Data
	b, err := e.Control.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String("recorded"),
		NetworkConfiguration: &ctltypes.BrowserNetworkConfiguration{NetworkMode: ctltypes.BrowserNetworkModePublic},
		Recording:            &ctltypes.RecordingConfig{Enabled: true, S3Location: &ctltypes.S3Location{Bucket: aws.String("recordings"), Prefix: aws.String("runs/")}}})
	if err != nil {
		t.Fatal(err)
	}
	bid := aws.ToString(b.BrowserId)
	st := brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{BrowserIdentifier: aws.String(bid)})
	sid := aws.ToString(st.SessionId)
	liveView := aws.ToString(st.Streams.LiveViewStream.StreamEndpoint)
	c, ps := brAuto(t, st)
	for _, p := range []string{"/one", "/two"} {
		c.navigate(t, ps, site.URL+p)
		time.Sleep(1500 * time.Millisecond) // the page repaints: frames
	}
	g, err := brGet(d, bid, sid)
	if err != nil || aws.ToString(g.SessionReplayArtifact) != "s3://recordings/runs/"+sid+"/" {
		t.Fatalf("sessionReplayArtifact: %+v %v", g, err)
	}
	if _, err := d.StopBrowserSession(bg, &bedrockagentcore.StopBrowserSessionInput{BrowserIdentifier: aws.String(bid), SessionId: aws.String(sid)}); err != nil {
		t.Fatal(err)
	}

	// The recording, through the server's artifact API: the final
	// manifest (endedAt set once the recorder has seen the browser go).
	artifact := func(key string) ([]byte, int) {
		resp, err := http.Get(e.URL + "/_agentcore/artifacts/recordings/runs/" + sid + "/" + key)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return body, resp.StatusCode
	}
	var m struct {
		SessionID string     `json:"sessionId"`
		EndedAt   *time.Time `json:"endedAt"`
		Frames    []struct {
			N int     `json:"n"`
			T int64   `json:"t"`
			W float64 `json:"w"`
		} `json:"frames"`
		Events []struct {
			Type, URL string
		} `json:"events"`
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		body, code := artifact("recording.json")
		if code == 200 {
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatalf("manifest: %v: %s", err, body)
			}
			if m.EndedAt != nil {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no final manifest: %d %s", code, body)
		}
	}
	var urls []string
	for _, ev := range m.Events {
		urls = append(urls, ev.URL)
	}
	if m.SessionID != sid || len(m.Frames) < 4 || !strings.Contains(strings.Join(urls, " "), site.URL+"/one") ||
		!strings.Contains(strings.Join(urls, " "), site.URL+"/two") {
		t.Fatalf("manifest: session %s, %d frames, navigations %v", m.SessionID, len(m.Frames), urls)
	}
	last := m.Frames[len(m.Frames)-1]
	jpg, code := artifact(fmt.Sprintf("frames/%06d.jpg", last.N))
	if img, err := jpeg.Decode(bytes.NewReader(jpg)); code != 200 || err != nil || img.Bounds().Dx() != int(last.W) {
		t.Fatalf("last frame: %d %v (width %v)", code, err, last.W)
	}

	// The replay page, presigned as the SDK presigns the live view.
	replay := presign(t, liveView+"/replay", testenv.AccessKeyID, testenv.SecretAccessKey)
	get := func(u string) int {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body) //nolint:errcheck // status only
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(liveView + "/replay"); code != 403 {
		t.Fatalf("unsigned replay page: %d", code)
	}
	if code := get(strings.Replace(replay, "X-Amz-Signature=", "X-Amz-Signature=0", 1)); code != 403 {
		t.Fatalf("tampered replay URL: %d", code)
	}
	if code := get(presign(t, liveView+"/replay", brOtherKeyID, brOtherSecret)); code != 404 {
		t.Fatalf("another account's replay: %d", code)
	}
	v, vp := viewer(t)
	if why := v.goTo(vp, replay, 20*time.Second); why != "" {
		t.Fatalf("replay page: %s", why)
	}
	waitEval(t, v, vp, "String(window.replay.frames())", strconv.Itoa(len(m.Frames)))
	waitEval(t, v, vp, "String(window.replay.shown() > 0)", "true")
	waitEval(t, v, vp, "String(document.querySelectorAll('#events li').length >= 2)", "true")
	v.eval(t, vp, "document.getElementById('speed').value = '8', document.getElementById('play').click(), ''")
	waitEval(t, v, vp, "String(window.replay.position() > 0 && window.replay.shown() > 1)", "true")
	// The canvas shows a frame (not blank).
	waitEval(t, v, vp, `String((() => { const c = document.getElementById('screen'); const px = c.getContext('2d').getImageData(c.width/2, 5, 1, 1).data; return px[3] > 0; })())`, "true")
}

// presign signs a GET of u in its query string (SigV4, valid 300 s), as
// the bedrock-agentcore SDK's generate_live_view_url does.
func presign(t *testing.T, u, keyID, secret string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	q := req.URL.Query()
	q.Set("X-Amz-Expires", "300")
	req.URL.RawQuery = q.Encode()
	out, _, err := v4.NewSigner().PresignHTTP(bg, aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}, req,
		"UNSIGNED-PAYLOAD", "bedrock-agentcore", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// waitEval evaluates expr in the page until it gives want.
func waitEval(t *testing.T, c *cdpConn, sid, expr, want string) {
	t.Helper()
	var got any
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got = c.eval(t, sid, expr); got == want {
			return
		}
	}
	t.Fatalf("%s = %v, want %s", expr, got, want)
}
