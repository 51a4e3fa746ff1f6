package api_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

// consoleReads are the console's data calls on an account's resources
// (method, path, body): the pages' reads, each through the AWS route or
// the /_agentcore/ extension the page uses.
func consoleReads(d consoleData, trace string) [][3]any {
	esc := url.PathEscape
	rows := [][3]any{
		{"POST", "/runtimes/", map[string]any{}},
		{"GET", "/runtimes/" + d.Runtime + "/", nil},
		{"POST", "/runtimes/" + d.Runtime + "/versions/", map[string]any{}},
		{"POST", "/memories/", map[string]any{}},
		{"GET", "/memories/" + d.Memory + "/details", nil},
		{"POST", "/memories/" + d.Memory + "/actors", map[string]any{}},
		{"POST", "/memories/" + d.Memory + "/memoryRecords", map[string]any{"namespace": "/"}},
		{"POST", "/memories/" + d.Memory + "/retrieve", map[string]any{"namespace": "/", "searchCriteria": map[string]any{"searchQuery": "tea"}}},
		{"POST", "/_agentcore/memories/" + d.Memory + "/extractionJobs", map[string]any{}},
		{"GET", "/gateways/", nil},
		{"GET", "/gateways/" + d.Gateway + "/", nil},
		{"GET", "/gateways/" + d.Gateway + "/targets/", nil},
		{"GET", "/_agentcore/gateways/" + d.Gateway + "/tools", nil},
		{"GET", "/_agentcore/gateways/" + d.Gateway + "/calls", nil},
		{"GET", "/policy-engines", nil},
		{"GET", "/policy-engines/" + d.Engine, nil},
		{"GET", "/policy-engines/" + d.Engine + "/policies", nil},
		{"POST", "/identities/ListWorkloadIdentities", map[string]any{}},
		{"POST", "/identities/ListOauth2CredentialProviders", map[string]any{}},
		{"POST", "/identities/ListApiKeyCredentialProviders", map[string]any{}},
		{"GET", "/_agentcore/sessions", nil},
		{"GET", "/_agentcore/observability/sessions", nil},
		{"GET", "/tags/" + esc(d.GatewayArn), nil},
	}
	if trace != "" {
		rows = append(rows, [3]any{"GET", "/_agentcore/observability/traces/" + trace, nil})
	}
	return rows
}

// TestConsoleNoSessionNoData: in credentials mode nothing the console
// shows answers without a session: pages redirect to the sign-in page,
// the session API answers 401, and every data call a browser makes
// (loopback or not, cookie absent, bogus or signed out) is refused
// without a byte of B's data.
func TestConsoleNoSessionNoData(t *testing.T) {
	e := startConsoleEnv(t)
	pets := startPetstore(t)
	b := e.seed(t, consoleAcctB, "bee", pets.URL)
	trace := postTrace(t, e.URL, "bee-session", 0xb1, time.Now())

	anon := newConsoleClient(t, e.URL)
	for _, p := range []string{"/console", "/console/", "/console/memories", "/console/memories/" + b.Memory, "/console/gateways/" + b.Gateway,
		"/console/policies", "/console/identity", "/console/runtimes/" + b.Runtime} {
		resp, body := anon.raw("GET", p, nil, "")
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/console/signin" || containsAny(body, b.Memory, b.Gateway, b.Runtime) != "" {
			t.Errorf("GET %s without a session: %d Location=%q %s", p, resp.StatusCode, resp.Header.Get("Location"), body)
		}
	}
	if resp, _ := anon.raw("GET", "/console/signin", nil, ""); resp.StatusCode != 200 {
		t.Errorf("sign-in page: %d", resp.StatusCode)
	}
	if resp, body := anon.raw("GET", "/console/api/session", nil, ""); resp.StatusCode != 401 || errType(body) != "AccessDeniedException" {
		t.Errorf("GET session without a session: %d %s", resp.StatusCode, body)
	}
	secrets := []string{b.Memory, b.Gateway, b.Runtime, b.Engine, b.Record, trace, "bee"}
	check := func(who string, c *consoleClient, csrf string) {
		for _, r := range consoleReads(b, trace) {
			resp, body := c.raw(r[0].(string), r[1].(string), r[2], csrf)
			if resp.StatusCode != http.StatusForbidden || containsAny(body, secrets...) != "" {
				t.Errorf("%s: %s %s: %d %s", who, r[0], r[1], resp.StatusCode, body)
			}
		}
	}
	// The person at the host's keyboard typing an extension's URL keeps the
	// loopback exemption (no page can send Sec-Fetch-Site: none).
	req, _ := http.NewRequest("GET", e.URL+"/_agentcore/observability/traces/"+trace, nil)
	req.Header.Set("Sec-Fetch-Site", "none")
	req.Header.Set("Sec-Fetch-Mode", "navigate")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("typed URL from the host: %v %v", resp, err)
	}
	check("no cookie", anon, "")
	check("no cookie, a made-up CSRF header", anon, "forged")

	// A bogus cookie authenticates nothing either.
	bogus := newConsoleClient(t, e.URL)
	u, _ := url.Parse(e.URL)
	bogus.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "agentcore_console", Value: strings.Repeat("A", 43)}})
	check("bogus cookie", bogus, "forged")

	// A signed-out session: the cookie value kept by an attacker is dead
	// server-side, whatever the browser does with it.
	c := newConsoleClient(t, e.URL)
	c.signIn(consoleKeyB, consoleSecretB)
	if st, body := c.do("POST", "/memories/", map[string]any{}); st != 200 || !strings.Contains(string(body), b.Memory) {
		t.Fatalf("signed in as B: ListMemories %d %s", st, body)
	}
	stolen := c.hc.Jar.Cookies(u)
	if resp, body := c.raw("DELETE", "/console/api/session", nil, ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-out without the CSRF header: %d %s", resp.StatusCode, body)
	}
	resp, _ := c.raw("DELETE", "/console/api/session", nil, c.CSRF)
	if resp.StatusCode != http.StatusNoContent || !strings.Contains(resp.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("sign-out: %d %q", resp.StatusCode, resp.Header.Get("Set-Cookie"))
	}
	replay := newConsoleClient(t, e.URL)
	replay.hc.Jar.SetCookies(u, stolen)
	check("signed-out cookie", replay, c.CSRF)
	if resp, _ := replay.raw("GET", "/console/memories", nil, ""); resp.StatusCode != http.StatusFound {
		t.Errorf("page with a signed-out cookie: %d", resp.StatusCode)
	}
	if resp, _ := replay.raw("GET", "/console/api/session", nil, ""); resp.StatusCode != 401 {
		t.Errorf("session with a signed-out cookie: %d", resp.StatusCode)
	}
}

// TestConsoleSignIn: a wrong pair is refused alike for an unknown key and
// a wrong secret, bad JSON is a ValidationException, the cookie is
// HttpOnly, SameSite=Strict and Path=/, another site cannot sign the
// browser in, and a SigV4 signature wins over a cookie.
func TestConsoleSignIn(t *testing.T) {
	e := startConsoleEnv(t)
	c := newConsoleClient(t, e.URL)
	for _, pair := range [][2]string{{consoleKeyA, "wrong"}, {"AKIDNOSUCHKEY", consoleSecretA}, {consoleKeyA, ""}} {
		resp, body := c.raw("POST", "/console/api/session", map[string]string{"accessKeyId": pair[0], "secretAccessKey": pair[1]}, "")
		want := http.StatusForbidden
		if pair[1] == "" {
			want = http.StatusBadRequest
		}
		if resp.StatusCode != want || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("sign in %v: %d %s", pair, resp.StatusCode, body)
		}
	}
	req, _ := http.NewRequest("POST", e.URL+"/console/api/session", strings.NewReader("{not json"))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 400 || resp.Header.Get("X-Amzn-Errortype") != "ValidationException" {
		t.Errorf("bad JSON: %v %v", resp, err)
	}
	req, _ = http.NewRequest("POST", e.URL+"/console/api/session", strings.NewReader(`{"accessKeyId":"`+consoleKeyA+`","secretAccessKey":"`+consoleSecretA+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 || resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("cross-site sign-in: %v %v", resp, err)
	}

	// Served under a public name (behind DNS or a proxy): same-origin sign-in works.
	req, _ = http.NewRequest("POST", e.URL+"/console/api/session", strings.NewReader(`{"accessKeyId":"`+consoleKeyA+`","secretAccessKey":"`+consoleSecretA+`"}`))
	req.Host = "agentcore.example.com"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", "https://agentcore.example.com")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 || resp.Header.Get("Set-Cookie") == "" {
		t.Errorf("same-origin sign-in under a public name: %v %v", resp, err)
	}

	resp := c.signIn(consoleKeyA, consoleSecretA)
	ck := resp.Header.Get("Set-Cookie")
	for _, attr := range []string{"agentcore_console=", "HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="} {
		if !strings.Contains(ck, attr) {
			t.Errorf("cookie %q lacks %s", ck, attr)
		}
	}
	if c.Acct != consoleAcctA {
		t.Errorf("signed in as %s", c.Acct)
	}
	if st, body := c.do("GET", "/console/api/session", nil); st != 200 || !strings.Contains(string(body), c.CSRF) {
		t.Errorf("GET session: %d %s", st, body)
	}
	// The cookie of A with B's signature: the request acts as B.
	if _, err := e.CtlB.CreatePolicyEngine(bg, &ctl.CreatePolicyEngineInput{Name: aws.String("bee_only")}); err != nil {
		t.Fatal(err)
	}
	if st, body := c.do("GET", "/policy-engines", nil); st != 200 || strings.Contains(string(body), "bee_only") {
		t.Errorf("A's cookie lists B's engine: %d %s", st, body)
	}
	u, _ := url.Parse(e.URL)
	req, _ = http.NewRequest("GET", e.URL+"/policy-engines", nil)
	for _, k := range c.hc.Jar.Cookies(u) {
		req.AddCookie(k)
	}
	req.Header.Set("X-Agentcore-Csrf", c.CSRF)
	testenv.SignAs(req, nil, consoleKeyB, consoleSecretB)
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if r2.StatusCode != 200 || !strings.Contains(string(body), "bee_only") {
		t.Errorf("B's signature with A's cookie: %d %s", r2.StatusCode, body)
	}
}

// TestConsoleOff: --console=false turns the pages and the session API off
// (404), so no sign-in is possible.
func TestConsoleOff(t *testing.T) {
	cfg := testenv.Fast()
	cfg.DisableConsole = true
	e := testenv.Start(t, cfg)
	c := newConsoleClient(t, e.URL)
	for _, r := range [][2]string{{"GET", "/console/"}, {"GET", "/console/api/session"}, {"POST", "/console/api/session"}, {"GET", "/console/assets/app.js"}} {
		var body any
		if r[0] == "POST" {
			body = map[string]string{"accessKeyId": testenv.AccessKeyID, "secretAccessKey": testenv.SecretAccessKey}
		}
		if resp, b := c.raw(r[0], r[1], body, ""); resp.StatusCode != http.StatusNotFound || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s %s with the console off: %d %s", r[0], r[1], resp.StatusCode, b)
		}
	}
}
