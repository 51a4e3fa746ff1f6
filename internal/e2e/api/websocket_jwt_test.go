package api_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/identity/oidctest"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/coder/websocket"
)

// TestWebSocketJWTRuntime: a runtime with a customJWTAuthorizer takes the
// OAuth forms on /ws (Authorization header, or the browsers' subprotocol),
// refuses bad tokens and SigV4 before any upgrade, and its agent gets the
// workload access token.
func TestWebSocketJWTRuntime(t *testing.T) {
	o := oidctest.Start(t)
	e := testenv.Start(t, testenv.Fast())
	arn := *e.Deploy(t, "ws_jwt", func(in *ctl.CreateAgentRuntimeInput) {
		in.AuthorizerConfiguration = &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
			DiscoveryUrl: aws.String(o.DiscoveryURL), AllowedClients: []string{oidctest.M2MClientID}}}
	}).AgentRuntimeArn
	ctx, cancel := context.WithTimeout(bg, time.Minute)
	defer cancel()
	good := o.Sign(map[string]any{"client_id": oidctest.M2MClientID})
	bearer := func(tok string) func(*http.Header, *url.Values) {
		return func(h *http.Header, _ *url.Values) { h.Set("Authorization", "Bearer "+tok) }
	}

	s := testenv.SessionID("ws-jwt")
	c, resp, err := wsConnect(ctx, t, e, arn, s, "", authBearer, bearer(good))
	if err != nil {
		t.Fatalf("valid token: %v %v", err, resp)
	}
	defer c.CloseNow()
	if h := hello(ctx, t, c); h["sessionId"] != s {
		t.Fatalf("hello %v", h)
	}
	if got := roundTrip(ctx, t, c, websocket.MessageText, []byte("over oauth")); string(got) != "over oauth" {
		t.Fatalf("echo %q", got)
	}
	c.Close(websocket.StatusNormalClosure, "")

	// Browsers: the token as a subprotocol, session id in the query.
	q := url.Values{"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": {s}}
	bc, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(wsEndpoint(e.URL, arn, q), "http"), &websocket.DialOptions{
		Subprotocols: []string{"base64UrlBearerAuthorization." + base64.RawURLEncoding.EncodeToString([]byte(good)), "base64UrlBearerAuthorization"}})
	if err != nil {
		t.Fatalf("browser form: %v %v", err, resp)
	}
	defer bc.CloseNow()
	if h := hello(ctx, t, bc); h["sessionId"] != s || h["conns"] != float64(2) || bc.Subprotocol() != "base64UrlBearerAuthorization" {
		t.Fatalf("browser form: hello %v, subprotocol %q", h, bc.Subprotocol())
	}
	bc.Close(websocket.StatusNormalClosure, "")

	for name, c := range map[string]struct {
		auth   wsAuth
		opt    func(*http.Header, *url.Values)
		status int
	}{
		"ForgedToken":  {authBearer, bearer(o.SignForeign(map[string]any{"client_id": oidctest.M2MClientID}, "other-key")), 401},
		"NoToken":      {authNone, nil, 401},
		"SigV4Instead": {authSigV4, nil, 403},
	} {
		t.Run(name, func(t *testing.T) {
			var opts []func(*http.Header, *url.Values)
			if c.opt != nil {
				opts = append(opts, c.opt)
			}
			_, resp, err := wsConnect(ctx, t, e, arn, s, "", c.auth, opts...)
			if err == nil || resp == nil || resp.StatusCode != c.status {
				code := 0
				if resp != nil {
					code = resp.StatusCode
				}
				t.Fatalf("got %d %v, want %d", code, err, c.status)
			}
		})
	}
}
