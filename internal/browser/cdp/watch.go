package cdp

import (
	"context"
	"strings"
	"sync"

	cdpt "github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/target"

	svc "github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/runtime"
)

var _ svc.Watcher = Driver{}

// Watch implements browser.Watcher: on one connection of its own it
// attaches to every page (those open now and those opened later), enables
// the Runtime and Log domains there, and reports console errors and
// warnings (Runtime.consoleAPICalled), uncaught exceptions
// (Runtime.exceptionThrown) and browser log entries of level error or
// warning (Log.entryAdded: failed requests and error statuses with source
// "network", security and intervention messages). Failed requests come
// from the Log domain rather than Network.loadingFailed, which would need
// the Network domain's every request event. It returns when ctx ends or
// the connection does.
func (Driver) Watch(ctx context.Context, ac runtime.AgentConn, browserWS string, report func(svc.PageEvent)) error {
	c, err := DialPath(ctx, ac, browserWS)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	created, stopC := c.Subscribe(target.TargetCreated.Method)
	defer stopC()
	destroyed, stopD := c.Subscribe(target.TargetDestroyed.Method)
	defer stopD()
	if _, err := cdpt.Call(ctx, c, target.SetDiscoverTargets, target.SetDiscoverTargetsParams{Discover: true}); err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	watching := map[target.ID]context.CancelFunc{}
	follow := func(id target.ID) {
		if _, ok := watching[id]; ok {
			return
		}
		pctx, stop := context.WithCancel(ctx)
		watching[id] = stop
		wg.Add(1)
		go func() { defer wg.Done(); watchPage(pctx, c, id, report) }()
	}
	pages, err := c.Pages(ctx)
	if err != nil {
		return err
	}
	for _, p := range pages {
		follow(p.TargetID)
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.Done():
			return c.Err()
		case raw, ok := <-created:
			if !ok {
				return c.Err()
			}
			var ev target.EventTargetCreated
			if jsonv2.Unmarshal(raw, &ev) == nil && ev.TargetInfo != nil && ev.TargetInfo.Type == "page" && ev.TargetInfo.Subtype == "" {
				follow(ev.TargetInfo.TargetID)
			}
		case raw, ok := <-destroyed:
			if !ok {
				return c.Err()
			}
			var ev target.EventTargetDestroyed
			if jsonv2.Unmarshal(raw, &ev) == nil {
				if stop := watching[ev.TargetID]; stop != nil {
					stop()
					delete(watching, ev.TargetID)
				}
			}
		}
	}
}

// Events of a page, decoded as far as a PageEvent needs.
type (
	remoteObject struct {
		Type        string       `json:"type"`
		Value       jsonv2.Value `json:"value"`
		Description string       `json:"description"`
	}
	callFrame struct {
		URL        string `json:"url"`
		LineNumber int    `json:"lineNumber"` // 0-based
	}
	stackTrace struct {
		CallFrames []callFrame `json:"callFrames"`
	}
	consoleCalled struct {
		Type       string         `json:"type"`
		Args       []remoteObject `json:"args"`
		StackTrace *stackTrace    `json:"stackTrace"`
	}
	exceptionThrown struct {
		Details struct {
			Text       string        `json:"text"`
			URL        string        `json:"url"`
			LineNumber int           `json:"lineNumber"` // 0-based
			Exception  *remoteObject `json:"exception"`
		} `json:"exceptionDetails"`
	}
	logEntry struct {
		Entry struct {
			Source     string `json:"source"`
			Level      string `json:"level"`
			Text       string `json:"text"`
			URL        string `json:"url"`
			LineNumber int    `json:"lineNumber"` // 0-based
		} `json:"entry"`
	}
)

// watchPage reports one page's events until ctx ends or the page goes.
func watchPage(ctx context.Context, c *Conn, id target.ID, report func(svc.PageEvent)) {
	p, err := c.Attach(ctx, id)
	if err != nil {
		return // the page went away meanwhile
	}
	defer p.Detach(context.WithoutCancel(ctx)) //nolint:errcheck // the page may be gone
	console, stop1 := p.Subscribe("Runtime.consoleAPICalled")
	defer stop1()
	thrown, stop2 := p.Subscribe("Runtime.exceptionThrown")
	defer stop2()
	logged, stop3 := p.Subscribe("Log.entryAdded")
	defer stop3()
	for _, m := range []string{"Runtime.enable", "Log.enable"} {
		if err := p.Call(ctx, m, struct{}{}, nil); err != nil {
			return
		}
	}
	for {
		var ev svc.PageEvent
		select {
		case <-ctx.Done():
			return
		case raw, ok := <-console:
			if !ok {
				return
			}
			var e consoleCalled
			if jsonv2.Unmarshal(raw, &e) != nil {
				continue
			}
			switch e.Type {
			case "error", "assert":
				ev.Level = "error"
			case "warning":
				ev.Level = "warning"
			default:
				continue
			}
			ev.Source, ev.Text = "console", argsText(e.Args)
			if e.StackTrace != nil && len(e.StackTrace.CallFrames) > 0 {
				ev.URL, ev.Line = e.StackTrace.CallFrames[0].URL, e.StackTrace.CallFrames[0].LineNumber+1
			}
		case raw, ok := <-thrown:
			if !ok {
				return
			}
			var e exceptionThrown
			if jsonv2.Unmarshal(raw, &e) != nil {
				continue
			}
			d := e.Details
			ev.Source, ev.Level, ev.Text, ev.URL, ev.Line = "exception", "error", d.Text, d.URL, d.LineNumber+1
			if d.Exception != nil && d.Exception.Description != "" {
				ev.Text = d.Exception.Description
			}
		case raw, ok := <-logged:
			if !ok {
				return
			}
			var e logEntry
			if jsonv2.Unmarshal(raw, &e) != nil || e.Entry.Level != "error" && e.Entry.Level != "warning" {
				continue
			}
			en := e.Entry
			ev.Source, ev.Level, ev.Text, ev.URL = en.Source, en.Level, en.Text, en.URL
			if en.LineNumber > 0 {
				ev.Line = en.LineNumber + 1
			}
		}
		report(ev)
	}
}

// argsText renders console arguments as the console shows them: strings
// as they are, other values as JSON or their description.
func argsText(args []remoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a.Type == "string" && len(a.Value) > 0:
			var s string
			if jsonv2.Unmarshal(a.Value, &s) == nil {
				parts = append(parts, s)
				continue
			}
			parts = append(parts, string(a.Value))
		case a.Description != "":
			parts = append(parts, a.Description)
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		default:
			parts = append(parts, a.Type)
		}
	}
	return strings.Join(parts, " ")
}
