package streams_test

import (
	"context"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp/cdptest"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// playwrightScript connects as the SDK's samples do (connect_over_cdp with
// the stream URL and extra headers) and uses contexts[0].pages[0].
const playwrightScript = `
import sys
from playwright.sync_api import sync_playwright
url, site = sys.argv[1], sys.argv[2]
with sync_playwright() as p:
    browser = p.chromium.connect_over_cdp(url, headers={"User-Agent": "BrowserSandbox-Client/1.0 (Session: x)", "X-Amz-Date": "20260101T000000Z"})
    page = browser.contexts[0].pages[0]
    page.goto(site)
    page.fill("#name", "agentcore")
    page.click("#go")
    print(page.text_content("#out"), len(page.screenshot()) > 1000)
    browser.close()
`

// TestPlaywrightConnectOverCDP: Playwright (Python) drives the session
// through the automation stream unmodified: the default context's first
// page, navigation, a form, a screenshot.
func TestPlaywrightConnectOverCDP(t *testing.T) {
	if exec.Command("python3", "-c", "import playwright").Run() != nil {
		t.Skip("Python Playwright is not installed")
	}
	sess := newSession(t, startChromium(t, 800, 600), nil)
	_, base := newStreams(t, sess)
	site := cdptest.Serve(t, `<input id=name><button id=go onclick="out.textContent = 'hello ' + document.getElementById('name').value">go</button><p id=out></p>`)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "python3", "-c", playwrightScript, wsURL(streamURL(base, "automation")), site).CombinedOutput()
	if err != nil {
		t.Fatalf("playwright: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "hello agentcore True" {
		t.Fatalf("playwright printed %q", got)
	}
	waitLeases(t, sess)
}
