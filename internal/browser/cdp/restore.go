package cdp

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
)

// blankDocument is what the hidden page loads for an origin whose
// localStorage is being restored.
const blankDocument = "<!doctype html><title>agentcore profile restore</title>"

// fillLocalStorage writes kv into origin's localStorage from a hidden page
// at the origin (onOrigin).
func fillLocalStorage(ctx context.Context, c *Conn, origin string, kv map[string]string) error {
	items, err := json.Marshal(kv)
	if err != nil {
		return err
	}
	script := fmt.Sprintf(`(() => { for (const [k, v] of Object.entries(%s)) localStorage.setItem(k, v); return true; })()`, items)
	return onOrigin(ctx, c, origin, func(p *Page) error { return evaluate(ctx, p, script, nil) })
}

// onOrigin runs fn on a hidden page showing origin: the page navigates to
// the origin with every request answered by Fetch interception (so nothing
// goes to the network and nothing of the real site runs), and is closed
// afterwards.
func onOrigin(ctx context.Context, c *Conn, origin string, fn func(p *Page) error) error {
	yes := true
	res, err := cdp.Call(ctx, c, target.CreateTarget, target.CreateTargetParams{URL: "about:blank", Background: &yes, Hidden: &yes})
	if err != nil {
		// Chromium builds without hidden targets: an ordinary background tab.
		res, err = cdp.Call(ctx, c, target.CreateTarget, target.CreateTargetParams{URL: "about:blank", Background: &yes})
		if err != nil {
			return err
		}
	}
	defer cdp.Call(context.WithoutCancel(ctx), c, target.CloseTarget, target.CloseTargetParams{TargetID: res.TargetID}) //nolint:errcheck // best effort
	p, err := c.Attach(ctx, res.TargetID)
	if err != nil {
		return err
	}
	paused, stop := p.Subscribe(fetch.RequestPaused.Method)
	defer stop()
	if _, err := cdp.Call(ctx, p, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		return err
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go fulfill(fctx, p, paused)
	nav, err := cdp.Call(ctx, p, page.Navigate, page.NavigateParams{URL: origin + "/"})
	if err != nil {
		return err
	}
	if nav.ErrorText != "" {
		return fmt.Errorf("loading %s: %s", origin, nav.ErrorText)
	}
	// The navigation has committed; the page's new context may take a
	// moment to be the one Runtime.evaluate reaches.
	want, _ := json.Marshal(origin)
	for i := 0; ; i++ {
		var there bool
		if err := evaluate(ctx, p, fmt.Sprintf("location.origin === %s", want), &there); err != nil {
			return err
		}
		if there {
			return fn(p)
		}
		if i == 50 {
			return fmt.Errorf("the page did not reach %s", origin)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// fulfill answers every paused request of the hidden page with an empty
// document.
func fulfill(ctx context.Context, p cdp.Session, paused <-chan jsonv2.Value) {
	for {
		select {
		case <-ctx.Done():
			return
		case raw, ok := <-paused:
			if !ok {
				return
			}
			var ev fetch.EventRequestPaused
			if err := jsonv2.Unmarshal(raw, &ev); err != nil {
				continue
			}
			cdp.Call(ctx, p, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 200, //nolint:errcheck // the navigation reports failures
				ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html"}, {Name: "Cache-Control", Value: "no-store"}},
				Body:            []byte(blankDocument)})
		}
	}
}
