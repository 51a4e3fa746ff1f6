package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// TestBrowserObservability: a page's console errors and warnings,
// uncaught exceptions and failed requests (a 404, a refused connection),
// of the first tab and of one opened later, are kept with the session's
// logs (streams console and network, severity from their level) and not
// with another session's; the request spans of the session's operations
// carry its id (InvokeBrowser also the action and its status); the
// session has a span of its own from start to stop, with an event per
// action; actions are counted in /metrics.
func TestBrowserObservability(t *testing.T) {
	requireChromium(t)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/errors":
			fmt.Fprint(w, `<html><body>errors<img src="/missing-img-marker.png"><script>
console.error("console-marker", 42, {a: 1});
console.warn("warn-marker");
console.log("log-marker-not-kept");
fetch("http://127.0.0.1:1/refused-marker").catch(() => {});
setTimeout(() => { throw new Error("thrown-marker") }, 0);
</script></body></html>`)
		case "/later":
			fmt.Fprint(w, `<html><script>console.error("later-tab-marker")</script></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(site.Close)
	e := brServer(t)
	d := e.Data
	st := brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{})
	sid := aws.ToString(st.SessionId)
	other := aws.ToString(brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{}).SessionId)
	c, ps := brAuto(t, st)
	c.navigate(t, ps, site.URL+"/errors")
	c.call(t, "", "Target.createTarget", map[string]any{"url": site.URL + "/later"})
	if _, err := brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberScreenshot{}); err != nil {
		t.Fatal(err)
	}
	if _, err := brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberMouseClick{Value: types.MouseClickArguments{X: aws.Int32(5), Y: aws.Int32(5)}}); err != nil {
		t.Fatal(err)
	}

	type record struct{ Stream, Severity, Body string }
	logs := func(session string) []record {
		raw, _ := getJSON(t, e.URL+"/_agentcore/observability/logs?limit=1000&sessionId="+session)["logs"].([]any)
		var out []record
		for _, l := range raw {
			m := l.(map[string]any)
			s, _ := m["stream"].(string)
			sev, _ := m["severity"].(string)
			b, _ := m["body"].(string)
			out = append(out, record{s, sev, b})
		}
		return out
	}
	want := []struct{ stream, severity, marker, source string }{
		{"console", "error", `"text":"console-marker 42 Object"`, `"source":"console"`},
		{"console", "warning", "warn-marker", `"source":"console"`},
		{"console", "error", "thrown-marker", `"source":"exception"`},
		{"console", "error", "later-tab-marker", `"source":"console"`},
		{"network", "error", "missing-img-marker.png", `"source":"network"`},
		{"network", "error", "127.0.0.1:1/refused-marker", `"source":"network"`},
	}
	var got []record
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		got = logs(sid)
		missing := 0
		for _, w := range want {
			found := false
			for _, r := range got {
				found = found || r.Stream == w.stream && r.Severity == w.severity && strings.Contains(r.Body, w.marker) && strings.Contains(r.Body, w.source)
			}
			if !found {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d page events missing from the session's logs: %+v", missing, got)
		}
	}
	for _, r := range got {
		if strings.Contains(r.Body, "log-marker-not-kept") {
			t.Errorf("console.log kept: %+v", r)
		}
	}
	for _, r := range logs(other) {
		if strings.Contains(r.Body, "marker") {
			t.Errorf("another session's logs have this session's page events: %+v", r)
		}
	}

	if _, err := d.StopBrowserSession(bg, &bedrockagentcore.StopBrowserSessionInput{BrowserIdentifier: aws.String(builtinBrowser), SessionId: aws.String(sid)}); err != nil {
		t.Fatal(err)
	}
	type span struct {
		Name       string         `json:"name"`
		Attributes map[string]any `json:"attributes"`
		Events     []struct {
			Name       string         `json:"name"`
			Attributes map[string]any `json:"attributes"`
		} `json:"events"`
	}
	var invokes, session, starts int
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		invokes, session, starts = 0, 0, 0
		raw, _ := getJSON(t, e.URL+"/_agentcore/observability/spans?limit=1000")["spans"].([]any)
		for _, r := range raw {
			var s span
			remarshal(t, r, &s)
			a := s.Attributes
			if a["session.id"] != sid {
				continue
			}
			switch s.Name {
			case "StartBrowserSession":
				starts++
			case "InvokeBrowser":
				if a["agentcore.browser.id"] != builtinBrowser || a["agentcore.browser.action.status"] != "SUCCESS" ||
					(a["agentcore.browser.action"] != "screenshot" && a["agentcore.browser.action"] != "mouseClick") {
					t.Fatalf("InvokeBrowser span: %v", a)
				}
				invokes++
			case "BrowserSession":
				actions := 0
				for _, ev := range s.Events {
					if ev.Name == "browser.action" && ev.Attributes["agentcore.browser.action.status"] == "SUCCESS" {
						actions++
					}
				}
				if a["agentcore.browser.end_reason"] != "StopBrowserSession" || a["agentcore.browser.network_mode"] != "PUBLIC" ||
					a["agentcore.browser.viewport"] != "1280x720" || actions != 2 || a["agentcore.browser.page_events"].(float64) < float64(len(want)) {
					t.Fatalf("BrowserSession span: %v, %d action events", a, actions)
				}
				session++
			}
		}
		if invokes == 2 && session == 1 && starts == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("spans of the session: %d StartBrowserSession, %d InvokeBrowser, %d BrowserSession", starts, invokes, session)
		}
	}
	resp, err := http.Get(e.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`agentcore_browser_actions_total{action="screenshot",status="SUCCESS"} 1`,
		`agentcore_browser_actions_total{action="mouseClick",status="SUCCESS"} 1`,
		`agentcore_browser_action_duration_seconds_count{action="screenshot"} 1`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// remarshal decodes v (from a JSON answer) into out.
func remarshal(t *testing.T, v, out any) {
	t.Helper()
	b, _ := json.Marshal(v)
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}
