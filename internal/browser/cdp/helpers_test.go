package cdp_test

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

// eval evaluates expr in the current page and decodes its value into out.
func eval(t *testing.T, ac runtime.AgentConn, expr string, out any) {
	t.Helper()
	cdptest.OnPage(t, ac, func(ctx context.Context, p *cdp.Page) {
		byValue, await := true, true
		res, err := cdpt.Call(ctx, p, cdpruntime.Evaluate, cdpruntime.EvaluateParams{Expression: expr, ReturnByValue: &byValue, AwaitPromise: &await})
		if err != nil {
			t.Fatal(err)
		}
		if res.ExceptionDetails != nil {
			t.Fatalf("%s: %s", expr, res.ExceptionDetails.Text)
		}
		if out != nil {
			if err := jsonv2.Unmarshal(res.Result.Value, out); err != nil {
				t.Fatalf("%s = %s: %v", expr, res.Result.Value, err)
			}
		}
	})
}

// waitFor evaluates expr until it is true.
func waitFor(t *testing.T, ac runtime.AgentConn, expr string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var ok bool
		eval(t, ac, "!!("+expr+")", &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s stayed false", expr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
