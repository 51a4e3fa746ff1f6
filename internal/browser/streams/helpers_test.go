package streams_test

import (
	"context"
	"testing"
	"time"

	cdpt "github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"

	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// onPage runs fn on the current page of the Chromium behind ac, over a
// connection of its own (not through the streams).
func onPage(t *testing.T, ac runtime.AgentConn, fn func(ctx context.Context, p *cdp.Page)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := cdp.Dial(ctx, ac)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p, err := c.AttachPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fn(ctx, p)
}

// navigate loads url in the current page and waits for its load event.
func navigate(t *testing.T, ac runtime.AgentConn, url string) {
	t.Helper()
	onPage(t, ac, func(ctx context.Context, p *cdp.Page) {
		if _, err := cdpt.Call(ctx, p, page.Enable, page.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		loaded, stop := p.Subscribe(page.LoadEventFired.Method)
		defer stop()
		res, err := cdpt.Call(ctx, p, page.Navigate, page.NavigateParams{URL: url})
		if err != nil || res.ErrorText != "" {
			t.Fatalf("navigate %s: %v %s", url, err, res.ErrorText)
		}
		select {
		case <-loaded:
		case <-ctx.Done():
			t.Fatalf("%s did not load", url)
		}
	})
}

// text evaluates expr (a string) in the current page.
func text(t *testing.T, ac runtime.AgentConn, expr string) string {
	t.Helper()
	var s string
	onPage(t, ac, func(ctx context.Context, p *cdp.Page) {
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
