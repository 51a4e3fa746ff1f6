// Package console holds the web console's browser tests: a real headless
// Chromium (Debian's /usr/bin/chromium) driven by chromedp against a real
// server. The harness here (start a browser, visit a console page and
// collect its console errors and exceptions, screenshot) is shared by the
// tests of every console page.
package console

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is Debian's Chromium.
const ChromiumPath = "/usr/bin/chromium"

// Browser is one headless Chromium of a test.
type Browser struct {
	ctx    context.Context // the browser's first tab: keeps the browser alive
	cancel context.CancelFunc
}

// chromium returns the executable, or "" when none is installed.
func chromium() string {
	if _, err := os.Stat(ChromiumPath); err == nil {
		return ChromiumPath
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// StartBrowser starts a headless Chromium for the test (closed, with every
// process it started, when the test ends); the test is skipped, with the
// reason, only when Chromium is not installed.
func StartBrowser(t testing.TB) *Browser {
	t.Helper()
	path := chromium()
	if path == "" {
		t.Skipf("skipping: Chromium is not installed (%s; Debian package chromium)", ChromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.WindowSize(1280, 860),
		chromedp.Flag("hide-scrollbars", true), chromedp.Flag("mute-audio", true))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		cancel()
		acancel()
		t.Fatalf("start Chromium: %v", err)
	}
	b := &Browser{ctx: ctx, cancel: func() { cancel(); acancel() }}
	t.Cleanup(b.cancel)
	return b
}

// Page is one tab: the console messages it logged are collected from its
// opening.
type Page struct {
	Ctx    context.Context // for chromedp actions on this tab
	cancel context.CancelFunc
	mu     sync.Mutex
	msgs   []chromedp.ConsoleMessage
	// Ignore drops messages that are expected (nil: none).
	Ignore func(chromedp.ConsoleMessage) bool
}

// NewPage opens a tab (closed when the test ends).
func (b *Browser) NewPage(t testing.TB) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	p := &Page{Ctx: ctx, cancel: cancel}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		cancel()
		t.Fatalf("open tab: %v", err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			p.mu.Lock()
			p.msgs = append(p.msgs, m)
			p.mu.Unlock()
		}
	}()
	t.Cleanup(cancel)
	return p
}

// Close closes the tab (its page stops polling).
func (p *Page) Close() { p.cancel() }

// Visit loads url and waits (up to 30 s) until the console page has
// rendered (its root carries data-ready).
func (p *Page) Visit(t testing.TB, url string) {
	t.Helper()
	if err := chromedp.Do(p.Ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
	p.WaitReady(t, "")
}

// WaitReady waits until the page module named page ("" any) has rendered.
func (p *Page) WaitReady(t testing.TB, page string) {
	t.Helper()
	sel := ".page[data-ready]"
	if page != "" {
		sel = fmt.Sprintf(".page[data-page=%q][data-ready]", page)
	}
	p.Wait(t, sel, 30*time.Second)
}

// Wait waits until an element matches the CSS selector (limit 0: 30 s).
func (p *Page) Wait(t testing.TB, css string, limit time.Duration) {
	t.Helper()
	if limit <= 0 {
		limit = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(p.Ctx, limit)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(css))); err != nil {
		body, _ := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`document.getElementById('main') ? document.getElementById('main').innerText : document.body.innerText`))
		t.Fatalf("waiting for %s: %v\npage text: %s\nconsole: %s", css, err, body, strings.Join(p.Messages(), "\n"))
	}
}

// Eval evaluates a JavaScript expression (awaiting a promise) in the page.
func Eval[T any](t testing.TB, p *Page, expr string) T {
	t.Helper()
	v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// Messages returns every console message so far, as text.
func (p *Page) Messages() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.msgs))
	for _, m := range p.msgs {
		out = append(out, fmt.Sprintf("%s (%s:%d)", m.String(), m.URL, m.Line))
	}
	return out
}

// Errors returns the console errors and uncaught exceptions so far (those
// Ignore does not drop).
func (p *Page) Errors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, m := range p.msgs {
		if m.Type != chromedp.ConsoleError && !m.IsException() {
			continue
		}
		if p.Ignore != nil && p.Ignore(m) {
			continue
		}
		out = append(out, fmt.Sprintf("%s (%s:%d)", m.String(), m.URL, m.Line))
	}
	return out
}

// NoErrors fails the test when the page logged a console error or threw.
func (p *Page) NoErrors(t testing.TB, what string) {
	t.Helper()
	// Messages arrive asynchronously: give the last ones a moment.
	time.Sleep(150 * time.Millisecond)
	if errs := p.Errors(); len(errs) > 0 {
		t.Fatalf("%s: console errors:\n%s", what, strings.Join(errs, "\n"))
	}
}

// Screenshot writes a PNG of the viewport to path (its directory is made).
func (p *Page) Screenshot(t testing.TB, path string) {
	t.Helper()
	png, err := chromedp.Run(p.Ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Click clicks the first element matching the CSS selector.
func (p *Page) Click(t testing.TB, css string) {
	t.Helper()
	if err := chromedp.Do(p.Ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		t.Fatalf("click %s: %v", css, err)
	}
}
