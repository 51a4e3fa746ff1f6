package streams

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"sync"
	"time"

	cdpt "github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"

	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
)

// frame is one picture of the page.
type frame struct {
	JPEG          []byte
	Width, Height float64 // the page's viewport in CSS pixels (input coordinates)
	At            time.Time
}

// caster follows the browser's current page (the newest tab) and streams
// its screencast frames and main-frame navigations. Input goes to the page
// it shows.
type caster struct {
	conn    *cdp.Conn
	quality int64
	onFrame func(frame) error // an error ends run
	onNav   func(url string)
	onCast  func() // a page's screencast (and its navigation events) started

	mu   sync.Mutex
	page *cdp.Page
}

var errConnEnded = errors.New("the browser connection ended")

// current is the page being shown (nil before the first).
func (c *caster) current() *cdp.Page {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.page
}

// run streams until ctx ends, the connection ends or onFrame fails.
func (c *caster) run(ctx context.Context) error {
	created, stopC := c.conn.Subscribe(target.TargetCreated.Method)
	defer stopC()
	destroyed, stopD := c.conn.Subscribe(target.TargetDestroyed.Method)
	defer stopD()
	if _, err := cdpt.Call(ctx, c.conn, target.SetDiscoverTargets, target.SetDiscoverTargetsParams{Discover: true}); err != nil {
		return err
	}
	var next target.ID // a new tab to show; "" = the current page
	for {
		if next == "" {
			id, err := c.conn.CurrentPage(ctx)
			if err != nil {
				return err
			}
			next = id
		}
		p, err := c.conn.Attach(ctx, next)
		if err != nil {
			if c.conn.Err() != nil || ctx.Err() != nil {
				return err
			}
			next = "" // the tab is gone already
			continue
		}
		c.mu.Lock()
		c.page = p
		c.mu.Unlock()
		if next, err = c.follow(ctx, p, created, destroyed); err != nil {
			return err
		}
		if next == "" { // the tab closed or refused: look again shortly
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

// follow streams page p until another page should be shown (its id, or ""
// for the current page), or a failure.
func (c *caster) follow(ctx context.Context, p *cdp.Page, created, destroyed <-chan jsonv2.Value) (target.ID, error) {
	frames, stopF := p.Subscribe(page.ScreencastFrame.Method)
	defer stopF()
	navs, stopN := p.Subscribe(page.FrameNavigated.Method)
	defer stopN()
	defer p.Detach(context.WithoutCancel(ctx)) //nolint:errcheck // the page may be gone
	if _, err := cdpt.Call(ctx, p, page.Enable, page.EnableParams{}); err != nil {
		return "", nil // the page went away meanwhile: pick another
	}
	q := c.quality
	if _, err := cdpt.Call(ctx, p, page.StartScreencast, page.StartScreencastParams{Format: page.StartScreencastFormatJpeg,
		Quality: &q, EveryNthFrame: 1}); err != nil {
		return "", nil
	}
	if c.onCast != nil {
		c.onCast()
	}
	// Screencast frames come when the page paints; a still page gets its
	// first picture from a screenshot (taken aside: it waits for a paint,
	// which a page in the middle of loading may not give for a while).
	shots := make(chan frame, 1)
	go func() {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		shot, err := cdpt.Call(sctx, p, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatJpeg, Quality: &q})
		if err != nil {
			return
		}
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(shot.Data)); err == nil {
			shots <- frame{JPEG: shot.Data, Width: float64(cfg.Width), Height: float64(cfg.Height), At: time.Now()}
		}
	}()
	cast := false // a screencast frame has come: the screenshot is older
	defer c.drainNavs(navs)
	for {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case f := <-shots:
			if !cast {
				if err := c.onFrame(f); err != nil {
					return "", err
				}
			}
		case raw, ok := <-frames:
			if !ok {
				return "", errConnEnded
			}
			cast = true
			var ev page.EventScreencastFrame
			if jsonv2.Unmarshal(raw, &ev) != nil || ev.Metadata == nil {
				continue
			}
			f := frame{JPEG: ev.Data, Width: ev.Metadata.DeviceWidth, Height: ev.Metadata.DeviceHeight, At: time.Now()}
			if err := c.onFrame(f); err != nil {
				return "", err
			}
			cdpt.Call(ctx, p, page.ScreencastFrameAck, page.ScreencastFrameAckParams{SessionID: ev.SessionID}) //nolint:errcheck // a gone page shows in the events
		case raw, ok := <-navs:
			if !ok {
				return "", errConnEnded
			}
			c.navigated(raw)
		case raw, ok := <-created:
			if !ok {
				return "", errConnEnded
			}
			var ev target.EventTargetCreated
			if jsonv2.Unmarshal(raw, &ev) == nil && ev.TargetInfo != nil && ev.TargetInfo.Type == "page" &&
				ev.TargetInfo.Subtype == "" && ev.TargetInfo.TargetID != p.TargetID {
				return ev.TargetInfo.TargetID, nil // a new tab: show it
			}
		case raw, ok := <-destroyed:
			if !ok {
				return "", errConnEnded
			}
			var ev target.EventTargetDestroyed
			if jsonv2.Unmarshal(raw, &ev) == nil && ev.TargetID == p.TargetID {
				return "", nil
			}
		}
	}
}

// navigated reports a main-frame navigation event.
func (c *caster) navigated(raw jsonv2.Value) {
	var ev page.EventFrameNavigated
	if c.onNav != nil && jsonv2.Unmarshal(raw, &ev) == nil && ev.Frame != nil && ev.Frame.ParentID == "" {
		c.onNav(ev.Frame.URL + ev.Frame.URLFragment)
	}
}

// drainNavs reports the navigations still buffered when following ends
// (the connection's end closes the channels after what they hold).
func (c *caster) drainNavs(navs <-chan jsonv2.Value) {
	for {
		select {
		case raw, ok := <-navs:
			if !ok {
				return
			}
			c.navigated(raw)
		default:
			return
		}
	}
}
