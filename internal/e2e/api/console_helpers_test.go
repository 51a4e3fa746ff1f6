package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

// Two accounts with one access key each, in a credentials file; the
// server's own account (the tenant of unsigned loopback calls) is B's.
const (
	consoleAcctA, consoleKeyA, consoleSecretA = "111111111111", "AKIDCONSOLEA", "secret-of-account-a"
	consoleAcctB, consoleKeyB, consoleSecretB = "222222222222", "AKIDCONSOLEB", "secret-of-account-b"
)

// consoleEnv is a server in credentials mode with accounts A and B and SDK
// clients for each.
type consoleEnv struct {
	*testenv.Env
	CtlA, CtlB   *ctl.Client
	DataA, DataB *bedrockagentcore.Client
}

func startConsoleEnv(t *testing.T) *consoleEnv {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "credentials.yaml")
	creds := "- {accessKeyId: " + consoleKeyA + ", secretAccessKey: " + consoleSecretA + ", account: \"" + consoleAcctA + "\"}\n" +
		"- {accessKeyId: " + consoleKeyB + ", secretAccessKey: " + consoleSecretB + ", account: \"" + consoleAcctB + "\"}\n"
	if err := os.WriteFile(file, []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := testenv.Fast()
	cfg.CredentialsFile = file
	cfg.Account = consoleAcctB
	e := &consoleEnv{Env: testenv.Start(t, cfg)}
	e.CtlA, e.DataA = testenv.ClientsWith(e.URL, consoleKeyA, consoleSecretA)
	e.CtlB, e.DataB = testenv.ClientsWith(e.URL, consoleKeyB, consoleSecretB)
	return e
}

// consoleClient is what a browser does: a cookie jar, the browser's own
// Sec-Fetch-* headers, and the session's CSRF token on every request.
type consoleClient struct {
	t    *testing.T
	base string
	hc   *http.Client
	CSRF string
	Acct string
}

func newConsoleClient(t *testing.T, base string) *consoleClient {
	jar, _ := cookiejar.New(nil)
	return &consoleClient{t: t, base: base, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signIn posts the key pair and keeps the CSRF token; it fails the test
// unless the server answers 200.
func (c *consoleClient) signIn(key, secret string) *http.Response {
	c.t.Helper()
	resp, body := c.raw("POST", "/console/api/session", map[string]string{"accessKeyId": key, "secretAccessKey": secret}, "")
	if resp.StatusCode != 200 {
		c.t.Fatalf("sign in: %d %s", resp.StatusCode, body)
	}
	var out struct{ Mode, Account, CSRFToken string }
	json.Unmarshal(body, &out)
	if out.Mode != "credentials" || out.CSRFToken == "" {
		c.t.Fatalf("sign in: %s", body)
	}
	c.CSRF, c.Acct = out.CSRFToken, out.Account
	return resp
}

// do sends a request with the session's CSRF token.
func (c *consoleClient) do(method, path string, body any) (int, []byte) {
	c.t.Helper()
	resp, b := c.raw(method, path, body, c.CSRF)
	return resp.StatusCode, b
}

// raw sends a request as the console's fetch would, with csrf ("" = no
// header) and a JSON body (nil = none).
func (c *consoleClient) raw(method, path string, body any, csrf string) (*http.Response, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Sec-Fetch-Mode", "cors")
	if csrf != "" {
		req.Header.Set("X-Agentcore-Csrf", csrf)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// errType is the AWS error type of an error body ("" for none).
func errType(b []byte) string {
	var m struct {
		Type string `json:"__type"`
	}
	json.Unmarshal(b, &m)
	return m.Type
}

// contains reports whether b contains any of the strings.
func containsAny(b []byte, ss ...string) string {
	for _, s := range ss {
		if s != "" && strings.Contains(string(b), s) {
			return s
		}
	}
	return ""
}

// localMode makes cfg a local-mode server (no credentials at all).
func localMode(cfg server.Config) server.Config {
	cfg.Credentials = []sigv4.Credential{}
	return cfg
}
