package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/coder/websocket"
)

// builtinBrowser is the AWS-managed browser every account has.
const builtinBrowser = "aws.browser.v1"

// The second account Browser test servers accept.
const (
	brOtherKeyID  = "AKIDBROTHERACCOUNT"
	brOtherSecret = "br-other-secret"
)

// requireChromium skips a test that starts sessions when Debian's
// Chromium is not installed.
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/lib/chromium/chromium"); err != nil {
		t.Skip("Chromium is not installed (Debian package chromium): " + err.Error())
	}
}

// brConfig is a Browser test server's configuration: process sandbox,
// the test key (account 123456789012) and brOtherKeyID (210987654321).
func brConfig() server.Config {
	cfg := testenv.Fast()
	cfg.Credentials = []sigv4.Credential{
		{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey, Account: "123456789012"},
		{AccessKeyID: brOtherKeyID, SecretAccessKey: brOtherSecret, Account: "210987654321"},
	}
	return cfg
}

func brServer(t *testing.T) *testenv.Env { return testenv.Start(t, brConfig()) }

// brStart starts a session and stops it when the test ends.
func brStart(t *testing.T, d *bedrockagentcore.Client, in *bedrockagentcore.StartBrowserSessionInput) *bedrockagentcore.StartBrowserSessionOutput {
	t.Helper()
	if in.BrowserIdentifier == nil {
		in.BrowserIdentifier = aws.String(builtinBrowser)
	}
	out, err := d.StartBrowserSession(bg, in)
	if err != nil {
		t.Fatalf("StartBrowserSession: %v", err)
	}
	t.Cleanup(func() {
		d.StopBrowserSession(bg, &bedrockagentcore.StopBrowserSessionInput{BrowserIdentifier: in.BrowserIdentifier, SessionId: out.SessionId}) //nolint:errcheck
	})
	return out
}

// brGet reads a session.
func brGet(d *bedrockagentcore.Client, browser, sid string) (*bedrockagentcore.GetBrowserSessionOutput, error) {
	return d.GetBrowserSession(bg, &bedrockagentcore.GetBrowserSessionInput{BrowserIdentifier: aws.String(browser), SessionId: aws.String(sid)})
}

// brCreate creates a custom browser.
func brCreate(t *testing.T, c *ctl.Client, name string) string {
	t.Helper()
	out, err := c.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String(name),
		NetworkConfiguration: &ctltypes.BrowserNetworkConfiguration{NetworkMode: ctltypes.BrowserNetworkModePublic}})
	if err != nil {
		t.Fatalf("CreateBrowser: %v", err)
	}
	return aws.ToString(out.BrowserId)
}

// brInvoke runs one InvokeBrowser action.
func brInvoke(d *bedrockagentcore.Client, browser, sid string, a types.BrowserAction) (types.BrowserActionResult, error) {
	out, err := d.InvokeBrowser(bg, &bedrockagentcore.InvokeBrowserInput{BrowserIdentifier: aws.String(browser), SessionId: aws.String(sid), Action: a})
	if err != nil {
		return nil, err
	}
	if aws.ToString(out.SessionId) != sid {
		return nil, fmt.Errorf("response session header is %q", aws.ToString(out.SessionId))
	}
	return out.Result, nil
}

// cdpConn is a minimal CDP client over a session's automation stream
// (the browser-level endpoint behind it), for tests that navigate.
type cdpConn struct {
	ws   *websocket.Conn
	next int
}

// dialAutomation opens the automation stream with SigV4 header auth, as
// the bedrock-agentcore SDK's generate_ws_headers signs it.
func dialAutomation(t *testing.T, wsURL, keyID, secret string) (*cdpConn, *http.Response, error) {
	t.Helper()
	httpURL := "http" + strings.TrimPrefix(wsURL, "ws")
	req, _ := http.NewRequest("GET", httpURL, nil)
	empty := sha256.Sum256(nil)
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(bg, creds, req, hex.EncodeToString(empty[:]), "bedrock-agentcore", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	for _, k := range []string{"Authorization", "X-Amz-Date"} {
		h.Set(k, req.Header.Get(k))
	}
	ctx, cancel := context.WithTimeout(bg, 20*time.Second)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		return nil, resp, err
	}
	ws.SetReadLimit(64 << 20)
	t.Cleanup(func() { ws.CloseNow() })
	return &cdpConn{ws: ws}, resp, nil
}

// call sends one CDP command (on a target session when sid is set) and
// returns its result, skipping events.
func (c *cdpConn) call(t *testing.T, sid, method string, params any) map[string]any {
	t.Helper()
	c.next++
	msg := map[string]any{"id": c.next, "method": method, "params": params}
	if sid != "" {
		msg["sessionId"] = sid
	}
	b, _ := json.Marshal(msg)
	ctx, cancel := context.WithTimeout(bg, 30*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("CDP %s: %v", method, err)
	}
	for {
		_, data, err := c.ws.Read(ctx)
		if err != nil {
			t.Fatalf("CDP %s: %v", method, err)
		}
		var resp struct {
			ID     int             `json:"id"`
			Result map[string]any  `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if json.Unmarshal(data, &resp) != nil || resp.ID != c.next {
			continue
		}
		if len(resp.Error) > 0 {
			t.Fatalf("CDP %s: %s", method, resp.Error)
		}
		return resp.Result
	}
}

// page attaches to the browser's first page target and returns the CDP
// session id for it.
func (c *cdpConn) page(t *testing.T) string {
	t.Helper()
	targets := c.call(t, "", "Target.getTargets", map[string]any{})
	infos, _ := targets["targetInfos"].([]any)
	for _, it := range infos {
		info, _ := it.(map[string]any)
		if info["type"] == "page" {
			res := c.call(t, "", "Target.attachToTarget", map[string]any{"targetId": info["targetId"], "flatten": true})
			return res["sessionId"].(string)
		}
	}
	t.Fatalf("no page target in %v", targets)
	return ""
}

// navigate loads url in the page and waits for it.
func (c *cdpConn) navigate(t *testing.T, sid, url string) {
	t.Helper()
	c.call(t, sid, "Page.navigate", map[string]any{"url": url})
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if c.eval(t, sid, "document.readyState") == "complete" && c.eval(t, sid, "location.href") == url {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not load", url)
}

// eval evaluates a JavaScript expression in the page.
func (c *cdpConn) eval(t *testing.T, sid, expr string) any {
	t.Helper()
	res := c.call(t, sid, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true})
	v, _ := res["result"].(map[string]any)
	return v["value"]
}

// isPNG reports PNG data.
func isPNG(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }
