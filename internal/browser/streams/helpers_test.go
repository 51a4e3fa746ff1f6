package streams_test

import (
	"context"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp/cdptest"
	"testing"
	"time"

	cdpt "github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	cdpruntime "github.com/chromedp/cdproto/runtime"

	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// text evaluates expr (a string) in the current page.
func text(t *testing.T, ac runtime.AgentConn, expr string) string {
	t.Helper()
	var s string
	cdptest.OnPage(t, ac, func(ctx context.Context, p *cdp.Page) {
		byValue := true
		res, err := cdpt.Call(ctx, p, cdpruntime.Evaluate, cdpruntime.EvaluateParams{Expression: expr, ReturnByValue: &byValue})
		if err != nil {
			t.Fatal(err)
		}
		if res.ExceptionDetails != nil {
			t.Fatalf("%s: %s", expr, res.ExceptionDetails.Text)
		}
		jsonv2.Unmarshal(res.Result.Value, &s) //nolint:errcheck // non-strings read as ""
	})
	return s
}

// waitText waits until expr evaluates to want.
func waitText(t *testing.T, ac runtime.AgentConn, expr, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := text(t, ac, expr)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %q, want %q", expr, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
