package e2e

// Helpers of TestReplicasToolSessions (replicas_tools_test.go).

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/aws/smithy-go"
	"github.com/coder/websocket"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// liveView opens the session's live view through replica pageVia (the
// signed page) and its WebSocket through wsVia (the page's token), both
// forwarded to the session's replica, and reads the first message.
func liveView(ctx context.Context, t *testing.T, automation string, pageVia, wsVia *replica) {
	t.Helper()
	page := strings.TrimSuffix("http"+strings.TrimPrefix(automation, "ws"), "/automation") + "/live-view"
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, page, nil)
	testenv.Sign(req, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`const token = "([^"]+)"`).FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("live-view page through %s: %d %.300s", pageVia.name, resp.StatusCode, body)
	}
	u := strings.Replace("ws"+strings.TrimPrefix(page, "http"), strings.TrimPrefix(pageVia.url, "http://"), strings.TrimPrefix(wsVia.url, "http://"), 1) +
		"/ws?token=" + url.QueryEscape(string(m[1]))
	ws, _, err := websocket.Dial(ctx, u, nil)
	if err != nil {
		t.Fatalf("live-view WebSocket through %s: %v", wsVia.name, err)
	}
	defer ws.CloseNow() //nolint:errcheck // test
	ws.SetReadLimit(16 << 20)
	rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	_, msg, err := ws.Read(rctx)
	var first struct{ Type string }
	if err != nil || json.Unmarshal(msg, &first) != nil || first.Type == "" {
		t.Fatalf("live-view WebSocket through %s: first message %.200s %v", wsVia.name, msg, err)
	}
}

// waitTerminated waits until a session of a stopped or stalled replica
// reads TERMINATED through r. Until that replica's lease expires, requests
// for its session are forwarded to it and answered 503 (retry), as for
// runtime sessions.
func waitTerminated(ctx context.Context, t *testing.T, r *replica, sid string, limit time.Duration) {
	t.Helper()
	t0 := time.Now()
	unavailable := 0
	for {
		g, err := r.env.Data.GetCodeInterpreterSession(ctx, &dp.GetCodeInterpreterSessionInput{
			CodeInterpreterIdentifier: aws.String(ciBuiltin), SessionId: aws.String(sid)})
		var ae smithy.APIError
		switch {
		case err == nil && g.Status == types.CodeInterpreterSessionStatusTerminated:
			t.Logf("the session reads TERMINATED through %s %s after the first request (%d answers 503 before)",
				r.name, time.Since(t0).Round(time.Millisecond), unavailable)
			return
		case err == nil || errors.As(err, &ae) && ae.ErrorCode() == "ServiceException":
			if err != nil {
				unavailable++
			}
			if time.Since(t0) > limit {
				t.Fatalf("the session of a stopped replica is not TERMINATED %s later (lease 3 s): %v %v", limit, g, err)
			}
			time.Sleep(200 * time.Millisecond)
		default:
			t.Fatalf("GetCodeInterpreterSession through %s: %v", r.name, err)
		}
	}
}

func ciStatus(ctx context.Context, t *testing.T, r *replica, sid string) types.CodeInterpreterSessionStatus {
	t.Helper()
	g, err := r.env.Data.GetCodeInterpreterSession(ctx, &dp.GetCodeInterpreterSessionInput{
		CodeInterpreterIdentifier: aws.String(ciBuiltin), SessionId: aws.String(sid)})
	if err != nil {
		t.Fatalf("GetCodeInterpreterSession through %s: %v", r.name, err)
	}
	return g.Status
}
