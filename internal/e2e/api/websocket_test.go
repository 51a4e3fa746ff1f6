package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	goruntime "runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/runtime/invokehttp"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/coder/websocket"
)

// testCreds are testenv.Clients' static credentials.
var testCreds = aws.Credentials{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey}

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// wsAuth is one way a client authenticates the WebSocket handshake
// (agent-contract.md §9.2, as the bedrock-agentcore Python SDK builds them).
type wsAuth string

const (
	authSigV4     wsAuth = "SigV4Headers"
	authPresigned wsAuth = "SigV4Presigned"
	authBearer    wsAuth = "OAuthBearer"
	authNone      wsAuth = "None" // session id header only
)

// wsEndpoint is http://host/runtimes/<ARN, fully escaped>/ws?<query>.
func wsEndpoint(base, arn string, q url.Values) string {
	u := base + "/runtimes/" + strings.ReplaceAll(url.PathEscape(arn), ":", "%3A") + "/ws"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// wsConnect builds the URL and headers for auth and dials. signedAt and
// expires shape presigned URLs (zero: now and 300 s).
func wsConnect(ctx context.Context, t *testing.T, e *testenv.Env, arn, session, qualifier string, auth wsAuth, opts ...func(*http.Header, *url.Values)) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	q := url.Values{}
	if qualifier != "" {
		q.Set("qualifier", qualifier)
	}
	hdr := http.Header{}
	for _, o := range opts {
		o(&hdr, &q)
	}
	target := wsEndpoint(e.URL, arn, q)
	signer := v4.NewSigner()
	switch auth {
	case authSigV4:
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		if err := signer.SignHTTP(ctx, testCreds, req, emptySHA256, "bedrock-agentcore", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token"} {
			if v := req.Header.Get(k); v != "" {
				hdr.Set(k, v)
			}
		}
		if session != "" {
			hdr.Set("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session) // unsigned, as the Python SDK sends it
		}
	case authPresigned:
		if session != "" {
			q.Set("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session)
		}
		if q.Get("X-Amz-Expires") == "" {
			q.Set("X-Amz-Expires", "300")
		}
		signedAt := time.Now()
		if v := hdr.Get("X-Test-Signed-At"); v != "" {
			secs, _ := strconv.Atoi(v)
			signedAt = time.Unix(int64(secs), 0)
			hdr.Del("X-Test-Signed-At")
		}
		req, _ := http.NewRequest(http.MethodGet, wsEndpoint(e.URL, arn, q), nil)
		// botocore's SigV4QueryAuth (what the Python SDK presigns with) signs the empty body's hash.
		signed, _, err := signer.PresignHTTP(ctx, testCreds, req, emptySHA256, "bedrock-agentcore", "us-east-1", signedAt)
		if err != nil {
			t.Fatal(err)
		}
		target = signed
		if v := hdr.Get("X-Test-Forge"); v != "" {
			target = strings.Replace(target, "X-Amz-Signature=", "X-Amz-Signature=0"+v, 1)
			hdr.Del("X-Test-Forge")
		}
	case authNone:
		if session != "" {
			hdr.Set("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session)
		}
	case authBearer:
		if hdr.Get("Authorization") == "" {
			hdr.Set("Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ3cy10ZXN0In0.")
		}
		if session != "" {
			hdr.Set("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", session)
		}
	}
	return websocket.Dial(ctx, "ws"+strings.TrimPrefix(target, "http"), &websocket.DialOptions{HTTPHeader: hdr})
}

// hello reads the test agent's first message.
func hello(ctx context.Context, t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	typ, b, err := c.Read(ctx)
	if err != nil || typ != websocket.MessageText {
		t.Fatalf("hello: %v %v %q", typ, err, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("hello %q: %v", b, err)
	}
	return m
}

func roundTrip(ctx context.Context, t *testing.T, c *websocket.Conn, typ websocket.MessageType, msg []byte) []byte {
	t.Helper()
	if err := c.Write(ctx, typ, msg); err != nil {
		t.Fatal(err)
	}
	gt, got, err := c.Read(ctx)
	if err != nil || gt != typ {
		t.Fatalf("reply to %.40q: %v %v", msg, gt, err)
	}
	return got
}

// authEnforced reports whether the server rejects unsigned requests (the
// identity work's SigV4 verification).
func authEnforced(t *testing.T, e *testenv.Env) bool {
	resp, err := http.Post(e.URL+"/runtimes/", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized
}

func closeErr(err error) (websocket.StatusCode, string) {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code, ce.Reason
	}
	return -1, ""
}

func TestWebSocketProxy(t *testing.T) {
	cfg := testenv.Fast()
	cfg.IdleTimeout = time.Second
	e := testenv.Start(t, cfg)
	arn := *e.Deploy(t, "wsagent", nil).AgentRuntimeArn
	ctx, cancel := context.WithTimeout(bg, 2*time.Minute)
	defer cancel()

	wsAgentCases(ctx, t, e, arn)

	t.Run("PingPong", func(t *testing.T) {
		c, _, err := wsConnect(ctx, t, e, arn, testenv.SessionID("ws-ping"), "", authSigV4)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		hello(ctx, t, c)
		rctx := c.CloseRead(ctx) // reads control frames (the pongs)
		for i := 0; i < 3; i++ {
			if err := c.Ping(ctx); err != nil {
				t.Fatalf("ping %d: %v", i, err)
			}
		}
		c.Close(websocket.StatusNormalClosure, "")
		<-rctx.Done()
	})

	t.Run("MessageSizeLimit", func(t *testing.T) {
		s := testenv.SessionID("ws-big")
		c, _, err := wsConnect(ctx, t, e, arn, s, "", authSigV4)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		c.SetReadLimit(1 << 20)
		hello(ctx, t, c)
		max := bytes.Repeat([]byte{7}, invokehttp.MaxWebSocketMessage)
		if got := roundTrip(ctx, t, c, websocket.MessageBinary, max); !bytes.Equal(got, max) {
			t.Fatalf("a message of exactly the limit came back as %d bytes", len(got))
		}
		c.Write(ctx, websocket.MessageBinary, append(max, 7))
		_, _, err = c.Read(ctx)
		if code, _ := closeErr(err); code != websocket.StatusMessageTooBig {
			t.Fatalf("oversize client message: %v", err)
		}
		// The agent side was closed too (it recorded 1009).
		c2, _, err := wsConnect(ctx, t, e, arn, s, "", authSigV4)
		if err != nil {
			t.Fatal(err)
		}
		defer c2.CloseNow()
		c2.SetReadLimit(1 << 20)
		hello(ctx, t, c2)
		if got := roundTrip(ctx, t, c2, websocket.MessageText, []byte("lastclose")); !strings.HasPrefix(string(got), "lastclose 1009 ") {
			t.Fatalf("agent saw %q", got)
		}
		c2.Write(ctx, websocket.MessageText, []byte("big "+strconv.Itoa(invokehttp.MaxWebSocketMessage+1)))
		_, _, err = c2.Read(ctx)
		if code, reason := closeErr(err); code != websocket.StatusMessageTooBig || !strings.Contains(reason, "agent message") {
			t.Fatalf("oversize agent message: %v", err)
		}
	})

	t.Run("LeaseHeldWhileOpen", func(t *testing.T) {
		s := testenv.SessionID("ws-lease")
		c, _, err := wsConnect(ctx, t, e, arn, s, "", authSigV4)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		h := hello(ctx, t, c)
		if info := sessionInfo(t, e, s); info == nil || info.InFlight != 1 {
			t.Fatalf("open socket: session %+v", info)
		}
		time.Sleep(2500 * time.Millisecond) // idle timeout is 1 s: a silent socket keeps the session
		if got := roundTrip(ctx, t, c, websocket.MessageText, []byte("still here")); string(got) != "still here" {
			t.Fatalf("after idle period: %q", got)
		}
		c.Close(websocket.StatusNormalClosure, "")
		waitFor(t, 5*time.Second, func() bool { info := sessionInfo(t, e, s); return info == nil || info.InFlight == 0 })
		if m := e.InvokeJSON(t, arn, s, map[string]any{"action": "count"}); m["instance"] != h["instance"] {
			t.Fatalf("session was restarted while the socket was open: %v then %v", h["instance"], m["instance"])
		}
	})

	t.Run("BrowserBearerSubprotocol", func(t *testing.T) {
		if authEnforced(t, e) {
			t.Skip("a bearer token needs a runtime with a customJWTAuthorizer (identity)")
		}
		// Browsers carry the token in Sec-WebSocket-Protocol (agent-contract.md §9.2):
		// the platform selects its marker protocol and never forwards the token.
		tok := base64.RawURLEncoding.EncodeToString([]byte("eyJhbGciOiJub25lIn0.eyJzdWIiOiJicm93c2VyIn0."))
		q := url.Values{"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": {testenv.SessionID("ws-browser")}}
		c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(wsEndpoint(e.URL, arn, q), "http"), &websocket.DialOptions{
			Subprotocols: []string{"base64UrlBearerAuthorization." + tok, "base64UrlBearerAuthorization"}})
		if err != nil {
			t.Fatalf("dial: %v %v", err, resp)
		}
		defer c.CloseNow()
		if c.Subprotocol() != "base64UrlBearerAuthorization" {
			t.Fatalf("selected subprotocol %q", c.Subprotocol())
		}
		if h := hello(ctx, t, c); h["subprotocol"] != "" {
			t.Fatalf("agent got subprotocol %v", h["subprotocol"])
		}
		c.Close(websocket.StatusNormalClosure, "")
	})

	t.Run("SessionStoppedWhileOpen", func(t *testing.T) {
		s := testenv.SessionID("ws-stop")
		c, _, err := wsConnect(ctx, t, e, arn, s, "", authSigV4)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		hello(ctx, t, c)
		if _, err := e.Data.StopRuntimeSession(ctx, &bedrockagentcore.StopRuntimeSessionInput{
			AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s)}); err != nil {
			t.Fatal(err)
		}
		rctx, rcancel := context.WithTimeout(ctx, 15*time.Second)
		defer rcancel()
		_, _, err = c.Read(rctx)
		t.Logf("client saw %v", err)
		if code, _ := closeErr(err); code != websocket.StatusInternalError && code != websocket.StatusGoingAway && code != websocket.StatusNormalClosure {
			t.Fatalf("after StopRuntimeSession the client read %v", err)
		}
		if info := sessionInfo(t, e, s); info != nil {
			t.Fatalf("session still listed: %+v", info)
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		check := func(t *testing.T, resp *http.Response, err error, status int, errType string) {
			t.Helper()
			if err == nil || resp == nil || resp.StatusCode != status || resp.Header.Get("X-Amzn-Errortype") != errType {
				code := 0
				if resp != nil {
					code = resp.StatusCode
				}
				t.Fatalf("got %d %v, want %d %s", code, err, status, errType)
			}
		}
		s := testenv.SessionID("ws-bad")
		unknown := strings.Replace(arn, "wsagent", "nosuchagent", 1)
		_, resp, err := wsConnect(ctx, t, e, unknown, s, "", authSigV4)
		check(t, resp, err, 404, "ResourceNotFoundException")
		_, resp, err = wsConnect(ctx, t, e, arn, s, "nosuchendpoint", authSigV4)
		check(t, resp, err, 404, "ResourceNotFoundException")
		_, resp, err = wsConnect(ctx, t, e, arn, "too-short", "", authPresigned)
		check(t, resp, err, 400, "ValidationException")
		_, resp, err = wsConnect(ctx, t, e, arn, s, "", authPresigned, func(h *http.Header, q *url.Values) { q.Set("X-Amz-Expires", "301") })
		check(t, resp, err, 403, "AccessDeniedException")

		mcp := *e.Deploy(t, "wsmcp", func(in *ctl.CreateAgentRuntimeInput) {
			in.ProtocolConfiguration = &ctltypes.ProtocolConfiguration{ServerProtocol: ctltypes.ServerProtocolMcp}
		}).AgentRuntimeArn
		_, resp, err = wsConnect(ctx, t, e, mcp, s, "", authSigV4)
		check(t, resp, err, 400, "ValidationException")

		// A plain GET (no upgrade) is refused.
		r, err := http.Get(wsEndpoint(e.URL, arn, nil))
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 400 || r.Header.Get("X-Amzn-Errortype") != "ValidationException" {
			t.Fatalf("plain GET: %d %s", r.StatusCode, r.Header.Get("X-Amzn-Errortype"))
		}
	})

	t.Run("NothingLeaked", func(t *testing.T) {
		// Every socket above is closed: no relay goroutine and no lease remain.
		waitFor(t, 10*time.Second, func() bool {
			buf := make([]byte, 4<<20)
			stacks := string(buf[:goruntime.Stack(buf, true)])
			return !strings.Contains(stacks, "invokehttp.relayWebSocket") && !strings.Contains(stacks, "invokehttp.pump")
		})
		resp, err := http.Get(e.URL + "/_agentcore/sessions")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Sessions []sessionRow }
		json.NewDecoder(resp.Body).Decode(&out)
		for _, s := range out.Sessions {
			if s.InFlight != 0 {
				t.Errorf("session %s still has %d leases", s.SessionID, s.InFlight)
			}
		}
	})

	t.Run("PresignedRejected", func(t *testing.T) {
		if !authEnforced(t, e) {
			t.Skip("needs SigV4 verification (identity)")
		}
		s := testenv.SessionID("ws-forged")
		_, resp, err := wsConnect(ctx, t, e, arn, s, "", authPresigned, func(h *http.Header, q *url.Values) {
			h.Set("X-Test-Signed-At", strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10))
		})
		if err == nil || resp == nil || resp.StatusCode != 403 {
			t.Fatalf("expired presigned URL: %v %v", resp, err)
		}
		_, resp, err = wsConnect(ctx, t, e, arn, s, "", authPresigned, func(h *http.Header, q *url.Values) { h.Set("X-Test-Forge", "f") })
		if err == nil || resp == nil || resp.StatusCode != 403 {
			t.Fatalf("forged presigned URL: %v %v", resp, err)
		}
		_, resp, err = wsConnect(ctx, t, e, arn, s, "", authPresigned, func(h *http.Header, q *url.Values) {
			q.Set("X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tag", "x")
		})
		if err != nil {
			t.Fatalf("valid presigned URL with a signed custom parameter: %v %v", resp, err)
		}
		// A SigV4 runtime refuses unsigned and bearer handshakes.
		for _, auth := range []wsAuth{authNone, authBearer} {
			if _, resp, err = wsConnect(ctx, t, e, arn, s, "", auth); err == nil || resp == nil || resp.StatusCode != 403 {
				t.Fatalf("%s handshake on a SigV4 runtime: %v %v", auth, resp, err)
			}
		}
	})
}

// wsAgentCases drive an agent with the /ws behaviour of internal/testagent
// (examples/python-ws-agent has the same) through the platform.
func wsAgentCases(ctx context.Context, t *testing.T, e *testenv.Env, arn string) {
	t.Run("AuthForms", func(t *testing.T) {
		for _, auth := range []wsAuth{authSigV4, authPresigned, authBearer} {
			t.Run(string(auth), func(t *testing.T) {
				if auth == authBearer && authEnforced(t, e) {
					t.Skip("a bearer token needs a runtime with a customJWTAuthorizer (identity)")
				}
				s := testenv.SessionID("ws-" + string(auth))
				c, resp, err := wsConnect(ctx, t, e, arn, s, "DEFAULT", auth, func(h *http.Header, q *url.Values) {
					if auth == authPresigned { // custom headers travel as signed query parameters
						q.Set("X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tag", "via-query")
					} else {
						h.Set("X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tag", "via-header")
					}
				})
				if err != nil {
					t.Fatalf("dial: %v (%v)", err, resp)
				}
				defer c.CloseNow()
				if got := resp.Header.Get("X-Amzn-Bedrock-Agentcore-Runtime-Session-Id"); got != s {
					t.Fatalf("handshake session header %q", got)
				}
				if h := hello(ctx, t, c); h["sessionId"] != s || (h["custom"] != "via-query" && h["custom"] != "via-header") {
					t.Fatalf("agent saw %v, want session %s and the custom header", h, s)
				}
				if got := roundTrip(ctx, t, c, websocket.MessageText, []byte("héllo")); string(got) != "héllo" {
					t.Fatalf("text echo %q", got)
				}
				bin := []byte{0, 1, 2, 0xff, 0xfe}
				if got := roundTrip(ctx, t, c, websocket.MessageBinary, bin); !bytes.Equal(got, bin) {
					t.Fatalf("binary echo %v", got)
				}
				if err := c.Close(websocket.StatusNormalClosure, "done"); err != nil {
					t.Fatalf("close: %v", err)
				}
			})
		}
	})

	t.Run("SessionHonoured", func(t *testing.T) {
		s, other := testenv.SessionID("ws-same"), testenv.SessionID("ws-other")
		c1, _, err := wsConnect(ctx, t, e, arn, s, "", authSigV4)
		if err != nil {
			t.Fatal(err)
		}
		defer c1.CloseNow()
		h1 := hello(ctx, t, c1)
		if got := roundTrip(ctx, t, c1, websocket.MessageText, []byte("set kept-state")); string(got) != "ok" {
			t.Fatalf("set: %q", got)
		}
		// Same session, other auth form and a concurrent connection: same process, same state.
		c2, _, err := wsConnect(ctx, t, e, arn, s, "", authPresigned)
		if err != nil {
			t.Fatal(err)
		}
		defer c2.CloseNow()
		h2 := hello(ctx, t, c2)
		if h2["instance"] != h1["instance"] || h2["conns"] != float64(2) || h2["state"] != "kept-state" {
			t.Fatalf("second connection: %v (first %v)", h2, h1)
		}
		// InvokeAgentRuntime with the session id reaches the same process.
		if m := e.InvokeJSON(t, arn, s, map[string]any{"action": "count"}); m["instance"] != h1["instance"] || m["instance"] == nil {
			t.Fatalf("invoke reached process %v, websocket %v", m["instance"], h1["instance"])
		}
		c3, _, err := wsConnect(ctx, t, e, arn, other, "", authSigV4)
		if err != nil {
			t.Fatal(err)
		}
		defer c3.CloseNow()
		if h3 := hello(ctx, t, c3); h3["instance"] == h1["instance"] || h3["state"] != "" {
			t.Fatalf("another session shares the process: %v", h3)
		}
		for _, c := range []*websocket.Conn{c1, c2, c3} {
			c.Close(websocket.StatusNormalClosure, "")
		}
	})

	t.Run("Interrupt", func(t *testing.T) {
		c, _, err := wsConnect(ctx, t, e, arn, testenv.SessionID("ws-int"), "", authSigV4)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		hello(ctx, t, c)
		c.Write(ctx, websocket.MessageText, []byte("stream 1000"))
		for i := 0; i < 3; i++ {
			if _, b, err := c.Read(ctx); err != nil || string(b) != "tick "+strconv.Itoa(i) {
				t.Fatalf("tick %d: %q %v", i, b, err)
			}
		}
		c.Write(ctx, websocket.MessageText, []byte("interrupt"))
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(string(b), "interrupted ") {
				if n, _ := strconv.Atoi(strings.TrimPrefix(string(b), "interrupted ")); n < 3 || n > 900 {
					t.Fatalf("interrupted at %d", n)
				}
				break
			}
			if !strings.HasPrefix(string(b), "tick ") {
				t.Fatalf("unexpected %q", b)
			}
		}
		c.Close(websocket.StatusNormalClosure, "")
	})

	t.Run("CloseCodes", func(t *testing.T) {
		s := testenv.SessionID("ws-close")
		// Client → agent: the agent sees the client's code and reason.
		c, _, err := wsConnect(ctx, t, e, arn, s, "", authSigV4)
		if err != nil {
			t.Fatal(err)
		}
		hello(ctx, t, c)
		if err := c.Close(4001, "client says bye"); err != nil {
			t.Fatalf("close: %v", err)
		}
		// Agent → client.
		c2, _, err := wsConnect(ctx, t, e, arn, s, "", authSigV4)
		if err != nil {
			t.Fatal(err)
		}
		defer c2.CloseNow()
		hello(ctx, t, c2)
		// The proxy passes the close on to the agent after the client's
		// handshake ends: on a loaded machine it may land a moment later.
		got := roundTrip(ctx, t, c2, websocket.MessageText, []byte("lastclose"))
		for deadline := time.Now().Add(3 * time.Second); string(got) != "lastclose 4001 client says bye" && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
			got = roundTrip(ctx, t, c2, websocket.MessageText, []byte("lastclose"))
		}
		if string(got) != "lastclose 4001 client says bye" {
			t.Fatalf("agent saw %q", got)
		}
		c2.Write(ctx, websocket.MessageText, []byte("close 4002 agent says bye"))
		_, _, err = c2.Read(ctx)
		if code, reason := closeErr(err); code != 4002 || reason != "agent says bye" {
			t.Fatalf("client saw %v", err)
		}
		// A client that vanishes without a close frame: the agent gets 1001.
		c3, _, err := wsConnect(ctx, t, e, arn, s, "", authSigV4)
		if err != nil {
			t.Fatal(err)
		}
		hello(ctx, t, c3)
		c3.CloseNow()
		c4, _, err := wsConnect(ctx, t, e, arn, s, "", authSigV4)
		if err != nil {
			t.Fatal(err)
		}
		defer c4.CloseNow()
		hello(ctx, t, c4)
		waitFor(t, 5*time.Second, func() bool {
			return strings.HasPrefix(string(roundTrip(ctx, t, c4, websocket.MessageText, []byte("lastclose"))), "lastclose 1001 ")
		})
	})

}

// sessionInfo returns the running session with this id, or nil.
func sessionInfo(t *testing.T, e *testenv.Env, id string) *sessionRow {
	t.Helper()
	resp, err := http.Get(e.URL + "/_agentcore/sessions")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Sessions []sessionRow `json:"sessions"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	for _, s := range out.Sessions {
		if s.SessionID == id {
			return &s
		}
	}
	return nil
}

type sessionRow struct {
	SessionID string `json:"sessionId"`
	InFlight  int    `json:"inFlight"`
	Busy      bool   `json:"healthyBusy"`
}

func waitFor(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWebSocketIsolatedDrivers runs the /ws cases with the isolating
// sandbox drivers (the proxy dials the agent inside its network namespace).
func TestWebSocketIsolatedDrivers(t *testing.T) {
	for _, driver := range []string{"linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) {
			testenv.RequireImageDriver(t, driver)
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			e := testenv.Start(t, cfg)
			arn := *e.Deploy(t, "wsiso", nil).AgentRuntimeArn
			ctx, cancel := context.WithTimeout(bg, 2*time.Minute)
			defer cancel()
			wsAgentCases(ctx, t, e, arn)
		})
	}
}
