package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

// TestConsoleTenantIsolation: a console session of account A reads A's
// resources and none of B's: every read of B's runtime, memory, gateway,
// policy engine and trace (by id or ARN) is not found or denied, lists
// hold only A's, and B's gateway tools cannot be listed or called.
func TestConsoleTenantIsolation(t *testing.T) {
	e := startConsoleEnv(t)
	pets := startPetstore(t)
	a := e.seed(t, consoleAcctA, "ay", pets.URL)
	b := e.seed(t, consoleAcctB, "bee", pets.URL)
	trace := postTrace(t, e.URL, "bee-session", 0xb2, time.Now())
	if _, err := http.Get(e.URL + "/_agentcore/observability/traces/" + trace); err != nil {
		t.Fatal(err)
	}

	c := newConsoleClient(t, e.URL)
	c.signIn(consoleKeyA, consoleSecretA)
	for _, r := range consoleReads(a, "") { // positive control: A's own data answers
		if st, body := c.do(r[0].(string), r[1].(string), r[2]); st != 200 {
			t.Errorf("A reads its own %s %s: %d %s", r[0], r[1], st, body)
		}
	}
	if st, body := c.do("POST", "/memories/", map[string]any{}); st != 200 || !strings.Contains(string(body), a.Memory) {
		t.Errorf("A's ListMemories lacks A's memory: %d %s", st, body)
	}
	// Lists must not name B's resources; reads of one of B's resources
	// (whose error message may echo the id asked for) must fail and show
	// none of its content.
	bIDs := []string{b.Memory, b.Gateway, b.Runtime, b.Engine, trace}
	bContent := []string{b.Record, "hello from bee", "bee-actor", "bee-session", "invoke_agent", "chat model", "listPets", "bee_agent\"", "bee_engine\""}
	for _, r := range consoleReads(b, trace) {
		st, body := c.do(r[0].(string), r[1].(string), r[2])
		switch {
		case isList(r[1].(string)):
			if leak := containsAny(body, append(bIDs, bContent...)...); st != 200 || leak != "" {
				t.Errorf("A's session lists %q through %s %s: %d %s", leak, r[0], r[1], st, body)
			}
		case st != 404 && st != 403:
			t.Errorf("A's session: %s %s on B's resource: %d %s", r[0], r[1], st, body)
		case containsAny(body, bContent...) != "":
			t.Errorf("A's session reads B's data through %s %s: %s", r[0], r[1], body)
		}
	}
	// By ARN: B's runtime (invoke, get), B's gateway tags, B's memory.
	for _, r := range [][3]any{
		{"GET", "/runtimes/" + url.PathEscape(b.RuntimeArn) + "/invocations/.well-known/agent-card.json", nil},
		{"POST", "/runtimes/" + url.PathEscape(b.RuntimeArn) + "/invocations", map[string]any{"prompt": "hi"}},
		{"GET", "/tags/" + url.PathEscape(b.MemoryArn), nil},
		{"GET", "/tags/" + url.PathEscape(b.EngineArn), nil},
		{"POST", "/_agentcore/gateways/" + b.Gateway + "/calls", map[string]any{"name": "pets___listPets", "arguments": map[string]any{}}},
	} {
		st, body := c.do(r[0].(string), r[1].(string), r[2])
		if st == 200 || containsAny(body, bContent...) != "" {
			t.Errorf("A's session: %s %s: %d %s", r[0], r[1], st, body)
		}
	}
	if pets.Calls() != 0 {
		t.Errorf("B's gateway called its target %d times for A", pets.Calls())
	}
}

// isList reports the console reads that are lists (200 with A's items).
func isList(path string) bool {
	switch path {
	case "/runtimes/", "/memories/", "/gateways/", "/policy-engines", "/identities/ListWorkloadIdentities",
		"/identities/ListOauth2CredentialProviders", "/identities/ListApiKeyCredentialProviders", "/_agentcore/sessions",
		"/_agentcore/observability/sessions":
		return true
	}
	return false
}

// TestConsoleCSRF: with A's cookie, a request without the session's CSRF
// header, with a made-up one or with another session's, is refused
// (reads too) and writes nothing; with the header it works.
func TestConsoleCSRF(t *testing.T) {
	e := startConsoleEnv(t)
	pets := startPetstore(t)
	a := e.seed(t, consoleAcctA, "ay", pets.URL)
	c := newConsoleClient(t, e.URL)
	c.signIn(consoleKeyA, consoleSecretA)
	other := newConsoleClient(t, e.URL)
	other.signIn(consoleKeyA, consoleSecretA) // a second session of the same account

	writes := [][3]any{
		{"POST", "/policy-engines", map[string]any{"name": "csrf_probe"}},
		{"POST", "/memories/" + a.Memory + "/events", map[string]any{"actorId": "csrf-actor", "sessionId": "s1",
			"eventTimestamp": time.Now().Unix(), "payload": []any{map[string]any{"blob": "x"}}}},
		{"POST", "/_agentcore/gateways/" + a.Gateway + "/calls", map[string]any{"name": "pets___listPets", "arguments": map[string]any{}}},
		{"DELETE", "/memories/" + a.Memory + "/delete", nil},
		{"POST", "/memories/", map[string]any{}},
		{"GET", "/gateways/", nil},
	}
	for _, csrf := range []string{"", "made-up", other.CSRF, strings.ToUpper(c.CSRF)} {
		for _, w := range writes {
			resp, body := c.raw(w[0].(string), w[1].(string), w[2], csrf)
			if resp.StatusCode != http.StatusForbidden || errType(body) != "AccessDeniedException" {
				t.Errorf("%s %s with CSRF %q: %d %s", w[0], w[1], csrf, resp.StatusCode, body)
			}
		}
	}
	// Nothing was written.
	pes, err := e.CtlA.ListPolicyEngines(bg, &ctl.ListPolicyEnginesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, pe := range pes.PolicyEngines {
		if aws.ToString(pe.Name) == "csrf_probe" {
			t.Errorf("policy engine created without the CSRF header")
		}
	}
	if ev, err := e.DataA.ListEvents(bg, &dp.ListEventsInput{MemoryId: aws.String(a.Memory), ActorId: aws.String("csrf-actor"), SessionId: aws.String("s1")}); err != nil || len(ev.Events) != 0 {
		t.Errorf("events written without the CSRF header: %v %v", ev, err)
	}
	if _, err := e.CtlA.GetMemory(bg, &ctl.GetMemoryInput{MemoryId: aws.String(a.Memory)}); err != nil {
		t.Errorf("memory deleted without the CSRF header: %v", err)
	}
	if pets.Calls() != 0 {
		t.Errorf("tool called without the CSRF header (%d calls)", pets.Calls())
	}
	// With the header: the same writes work.
	if st, body := c.do("POST", "/policy-engines", map[string]any{"name": "csrf_probe"}); st/100 != 2 {
		t.Errorf("CreatePolicyEngine with the header: %d %s", st, body)
	}
	if st, body := c.do("POST", "/_agentcore/gateways/"+a.Gateway+"/calls", map[string]any{"name": "pets___listPets", "arguments": map[string]any{}}); st != 200 || pets.Calls() != 1 {
		t.Errorf("tool call with the header: %d %s (calls %d)", st, body, pets.Calls())
	}
}

// TestConsoleLocalModeCrossSite: without credentials the console needs no
// sign-in, but a page of another site cannot drive the API through the
// person's browser.
func TestConsoleLocalModeCrossSite(t *testing.T) {
	e := testenv.Start(t, localMode(testenv.Fast()))
	c := newConsoleClient(t, e.URL)
	if st, body := c.do("GET", "/console/api/session", nil); st != 200 || !strings.Contains(string(body), `"mode":"local"`) {
		t.Fatalf("local session: %d %s", st, body)
	}
	if st, body := c.do("POST", "/runtimes/", map[string]any{}); st != 200 {
		t.Errorf("same-origin ListAgentRuntimes: %d %s", st, body)
	}
	for _, site := range []string{"cross-site", "same-site"} {
		req, _ := http.NewRequest("POST", e.URL+"/policy-engines", strings.NewReader(`{"name":"from_elsewhere"}`))
		req.Header.Set("Sec-Fetch-Site", site)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 403 {
			t.Errorf("%s write in local mode: %v %v", site, resp, err)
		}
	}
	// DNS rebinding: a page of rebound.example (now resolving to loopback)
	// is same-origin with itself, but names its own host.
	req, _ := http.NewRequest("POST", e.URL+"/runtimes/", strings.NewReader(`{}`))
	req.Host = "rebound.example:" + strings.Split(e.URL, ":")[2]
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("rebound host in local mode: %v %v", resp, err)
	}
	req, _ = http.NewRequest("POST", e.URL+"/runtimes/", strings.NewReader(`{}`))
	req.Header.Set("Origin", "http://evil.example")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("foreign Origin in local mode: %v %v", resp, err)
	}
}

// TestConsoleInvokeWithSession: a console session invokes its account's
// runtime (InvokeAgentRuntime takes the session as a SigV4 caller), needs
// the CSRF header to do it, and cannot invoke another account's runtime.
func TestConsoleInvokeWithSession(t *testing.T) {
	e := startConsoleEnv(t)
	dep := e.as(consoleAcctA).Deploy(t, "console_invoke", nil)
	path := "/runtimes/" + url.PathEscape(*dep.AgentRuntimeArn) + "/invocations"
	a := newConsoleClient(t, e.URL)
	a.signIn(consoleKeyA, consoleSecretA)
	resp, body := a.raw("POST", path, map[string]any{"action": "echo", "hello": "from the console"}, "")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("invoke without the CSRF header: %d %s", resp.StatusCode, body)
	}
	if st, body := a.do("POST", path, map[string]any{"action": "echo", "hello": "from the console"}); st != 200 || !strings.Contains(string(body), "from the console") {
		t.Errorf("invoke with A's session: %d %s", st, body)
	}
	b := newConsoleClient(t, e.URL)
	b.signIn(consoleKeyB, consoleSecretB)
	if st, body := b.do("POST", path, map[string]any{"action": "echo"}); st != 404 {
		t.Errorf("B's session invokes A's runtime: %d %s", st, body)
	}
}
