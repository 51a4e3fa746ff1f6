// Package cdp runs Chrome DevTools Protocol operations on a browser
// session's Chromium (browser.CDP): InvokeBrowser actions, the profile's
// cookies and localStorage, the viewport. It reaches Chromium only through
// the session's runtime.AgentConn (GET /json/version for the browser's
// WebSocket path, then that WebSocket), with cdproto's typed commands on a
// small message loop of its own (Conn) in flat session mode. The streams
// (internal/browser/streams) use the same Conn.
package cdp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"

	svc "github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// Driver implements browser.CDP. Each operation opens its own connection
// and page session and closes them when done, so nothing outlives a call
// and concurrent calls do not share state.
type Driver struct{}

var _ svc.CDP = Driver{}

// New returns the CDP implementation.
func New() svc.CDP { return Driver{} }

// with runs fn on the session's current page.
func with(ctx context.Context, ac runtime.AgentConn, fn func(*Page) error) error {
	c, err := Dial(ctx, ac)
	if err != nil {
		return err
	}
	defer c.Close()
	p, err := c.AttachPage(ctx)
	if err != nil {
		return err
	}
	return fn(p)
}

// Action implements browser.CDP.
func (Driver) Action(ctx context.Context, ac runtime.AgentConn, a svc.Action, vp svc.ViewPort) (svc.ActionResult, error) {
	var data []byte
	err := with(ctx, ac, func(p *Page) error {
		var err error
		data, err = run(ctx, p, a)
		return err
	})
	var fail errAction
	if errors.As(err, &fail) {
		return svc.ActionResult{Status: svc.ActionFailed, Error: fail.Error()}, nil
	}
	if err != nil {
		return svc.ActionResult{}, err
	}
	return svc.ActionResult{Status: svc.ActionSuccess, Data: data}, nil
}

// SetViewport implements browser.CDP: the page's window is resized
// (Browser.setWindowBounds), which lasts beyond this connection, unlike an
// Emulation override, and is what automation clients see as the viewport.
func (Driver) SetViewport(ctx context.Context, ac runtime.AgentConn, vp svc.ViewPort) error {
	return with(ctx, ac, func(p *Page) error {
		return setWindow(ctx, p, vp)
	})
}

// setWindow resizes p's window so that the page's viewport (innerWidth x
// innerHeight) is vp: headless Chromium keeps room for its invisible
// toolbar (and infobars) inside the window, so the window is the viewport
// plus that difference, measured.
func setWindow(ctx context.Context, p *Page, vp svc.ViewPort) error {
	win, err := cdp.Call(ctx, p.conn, browser.GetWindowForTarget, browser.GetWindowForTargetParams{TargetID: p.TargetID})
	if err != nil {
		return err
	}
	w, h := int64(vp.Width), int64(vp.Height)
	for range 3 {
		_, err = cdp.Call(ctx, p.conn, browser.SetWindowBounds, browser.SetWindowBoundsParams{WindowID: win.WindowID,
			Bounds: &browser.Bounds{Width: w, Height: h}})
		if err != nil {
			return fmt.Errorf("cdp: resizing the window to %dx%d: %w", w, h, err)
		}
		inner, err := innerSize(ctx, p, w, h)
		if err != nil {
			return err
		}
		if inner[0] == int64(vp.Width) && inner[1] == int64(vp.Height) {
			return nil
		}
		w, h = w+int64(vp.Width)-inner[0], h+int64(vp.Height)-inner[1]
	}
	return fmt.Errorf("cdp: the viewport did not become %dx%d", vp.Width, vp.Height)
}

// innerSize is the page's viewport once its outer size is w x h (the
// resize reaches the page asynchronously; up to 5 s on a loaded machine).
func innerSize(ctx context.Context, p *Page, w, h int64) ([2]int64, error) {
	var v [4]int64
	for range 250 {
		if err := evaluate(ctx, p, "[innerWidth, innerHeight, outerWidth, outerHeight]", &v); err != nil {
			return [2]int64{}, err
		}
		if v[2] == w && v[3] == h {
			break
		}
		select {
		case <-ctx.Done():
			return [2]int64{}, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return [2]int64{v[0], v[1]}, nil
}
