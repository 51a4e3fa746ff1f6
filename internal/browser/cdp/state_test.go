package cdp_test

import (
	"context"
	"encoding/json"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp/cdptest"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpt "github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/target"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
)

// TestSaveRestoreState: cookies (persistent and session, host-only) and
// localStorage saved from one Chromium are there in a second one, before
// it has ever loaded the site; localStorage of an origin that is not
// reachable at all is restored too.
func TestSaveRestoreState(t *testing.T) {
	site := cdptest.Serve(t, "<p>site</p>")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	drv := cdp.New()

	a := startChromium(t, 800, 600)
	cdptest.Navigate(t, a, site+"/set")
	eval(t, a, `localStorage.setItem('theme', 'dark'); localStorage.setItem('user', JSON.stringify({id: 7})); document.cookie = 'js=1; path=/'; ''`, nil)
	st, err := drv.SaveState(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, raw := range st.Cookies {
		var ck struct{ Name, Value, Domain string }
		if err := json.Unmarshal(raw, &ck); err != nil {
			t.Fatal(err)
		}
		names[ck.Name+"="+ck.Value] = true
	}
	if !names["sid=abc123"] || !names["tmp=session-only"] || !names["js=1"] {
		t.Fatalf("saved cookies %v", names)
	}
	if got := st.LocalStorage[site]; got["theme"] != "dark" || got["user"] != `{"id":7}` {
		t.Fatalf("saved localStorage %v (origin %s)", st.LocalStorage, site)
	}
	// The profile goes through the store as JSON.
	raw, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var back browser.ProfileState
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	back.LocalStorage["https://unreachable.example"] = map[string]string{"k": "v"}

	b := startChromium(t, 800, 600)
	if err := drv.RestoreState(ctx, b, &back); err != nil {
		t.Fatal(err)
	}
	// Restoring left no page behind: the session still has its one tab.
	cdptest.OnPage(t, b, func(ctx context.Context, p *cdp.Page) {
		pages, err := p.Conn().Pages(ctx)
		if err != nil || len(pages) != 1 || pages[0].URL != "about:blank" {
			t.Fatalf("pages after restore: %v %v", pages, err)
		}
	})
	cdptest.Navigate(t, b, site+"/")
	var cookies string
	eval(t, b, "document.cookie", &cookies)
	for _, want := range []string{"sid=abc123", "tmp=session-only", "js=1"} {
		if !strings.Contains(cookies, want) {
			t.Fatalf("restored cookies %q lack %s", cookies, want)
		}
	}
	var theme, user string
	eval(t, b, "localStorage.getItem('theme')", &theme)
	eval(t, b, "localStorage.getItem('user')", &user)
	if theme != "dark" || user != `{"id":7}` {
		t.Fatalf("restored localStorage theme=%q user=%q", theme, user)
	}
	st2, err := drv.SaveState(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if st2.LocalStorage[site]["theme"] != "dark" {
		t.Fatalf("second save %v", st2.LocalStorage)
	}
	// The unreachable origin's storage was written too.
	if got, err := cdp.ReadOrigin(ctx, b, "https://unreachable.example"); err != nil || got["k"] != "v" || len(got) != 1 {
		t.Fatalf("unreachable origin's localStorage: %v %v", got, err)
	}
}

// TestCurrentPage: actions go to the newest tab (what a person or an
// automation client opened last), and back to the older one when it closes.
func TestCurrentPage(t *testing.T) {
	ac := startChromium(t, 800, 600)
	cdptest.OnPage(t, ac, func(ctx context.Context, p *cdp.Page) {
		c := p.Conn()
		first := p.TargetID
		for i := 0; i < 2; i++ {
			res, err := cdpt.Call(ctx, c, target.CreateTarget, target.CreateTargetParams{URL: "about:blank#" + strconv.Itoa(i)})
			if err != nil {
				t.Fatal(err)
			}
			if cur, err := c.CurrentPage(ctx); err != nil || cur != res.TargetID {
				t.Fatalf("current page %s, want the new tab %s (%v)", cur, res.TargetID, err)
			}
			if _, err := cdpt.Call(ctx, c, target.CloseTarget, target.CloseTargetParams{TargetID: res.TargetID}); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(5 * time.Second)
			for cur, _ := c.CurrentPage(ctx); cur != first; cur, _ = c.CurrentPage(ctx) {
				if time.Now().After(deadline) {
					t.Fatalf("current page %s after closing the new tab, want %s", cur, first)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	})
}
