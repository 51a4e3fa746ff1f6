package cdp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/target"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// Page is an attached page target: its flat session and ids.
type Page struct {
	cdp.Session
	TargetID  target.ID
	SessionID target.SessionID
	URL       string
	conn      *Conn
}

// Pages lists the browser's page targets (tabs), in no particular order.
// Pages Chromium opens for its own UI ("browser_ui", "other") are not
// pages.
func (c *Conn) Pages(ctx context.Context) ([]*target.Info, error) {
	res, err := cdp.Call(ctx, c, target.GetTargets, target.GetTargetsParams{})
	if err != nil {
		return nil, err
	}
	var out []*target.Info
	for _, t := range res.TargetInfos {
		if t.Type == "page" && t.Subtype == "" {
			out = append(out, t)
		}
	}
	return out, nil
}

// CurrentPage is the page actions and streams work on: the most recently
// active tab (Chromium's GET /json/list order, when the connection came
// through an AgentConn), else any tab; a browser without one gets a new
// about:blank page.
func (c *Conn) CurrentPage(ctx context.Context) (target.ID, error) {
	pages, err := c.Pages(ctx)
	if err != nil {
		return "", err
	}
	if len(pages) > 0 {
		if id := c.mostRecent(ctx, pages); id != "" {
			return id, nil
		}
		return pages[0].TargetID, nil
	}
	res, err := cdp.Call(ctx, c, target.CreateTarget, target.CreateTargetParams{URL: "about:blank"})
	if err != nil {
		return "", err
	}
	return res.TargetID, nil
}

// Attach attaches to target id in flat mode.
func (c *Conn) Attach(ctx context.Context, id target.ID) (*Page, error) {
	flat := true
	res, err := cdp.Call(ctx, c, target.AttachToTarget, target.AttachToTargetParams{TargetID: id, Flatten: &flat})
	if err != nil {
		return nil, err
	}
	if res.SessionID == "" {
		return nil, fmt.Errorf("cdp: attaching to %s gave no session", id)
	}
	return &Page{Session: c.Session(res.SessionID), TargetID: id, SessionID: res.SessionID, conn: c}, nil
}

// AttachPage attaches to the current page (CurrentPage).
func (c *Conn) AttachPage(ctx context.Context) (*Page, error) {
	id, err := c.CurrentPage(ctx)
	if err != nil {
		return nil, err
	}
	return c.Attach(ctx, id)
}

// Detach ends the page's session (its overrides and subscriptions with it).
func (p *Page) Detach(ctx context.Context) error {
	_, err := cdp.Call(ctx, p.conn, target.DetachFromTarget, target.DetachFromTargetParams{SessionID: p.SessionID})
	return err
}

// Conn is the browser connection the page is attached through.
func (p *Page) Conn() *Conn { return p.conn }

// mostRecent is the first of pages in Chromium's /json/list, which lists
// targets by their last activity ("" when unknown).
func (c *Conn) mostRecent(ctx context.Context, pages []*target.Info) target.ID {
	if c.ac == nil {
		return ""
	}
	resp, err := c.ac.RoundTrip(ctx, &runtime.AgentRequest{Method: "GET", Path: "/json/list"})
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var list []struct {
		ID   target.ID `json:"id"`
		Type string    `json:"type"`
	}
	if resp.Status != 200 || json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&list) != nil {
		return ""
	}
	for _, l := range list {
		for _, p := range pages {
			if l.Type == "page" && l.ID == p.TargetID {
				return l.ID
			}
		}
	}
	return ""
}
