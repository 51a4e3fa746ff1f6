package api_test

import (
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// TestBrowserIsolatedDrivers: under each isolating driver a session's
// Chromium starts in its own namespaces (PUBLIC network), answers, and
// is TERMINATED by StopBrowserSession; a screenshot comes back as a PNG
// (the screenshot needs the CDP implementation).
func TestBrowserIsolatedDrivers(t *testing.T) {
	requireChromium(t)
	for _, driver := range []string{"linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) {
			requireDriver(t, driver)
			cfg := brConfig()
			cfg.Sandbox = driver
			e := testenv.Start(t, cfg)
			d := e.Data
			sid := aws.ToString(brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{}).SessionId)
			if g, err := brGet(d, builtinBrowser, sid); err != nil || g.Status != types.BrowserSessionStatusReady {
				t.Fatalf("get: %+v %v", g, err)
			}
			t.Run("screenshot", func(t *testing.T) {
				res, err := brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberScreenshot{})
				shot, ok := res.(*types.BrowserActionResultMemberScreenshot)
				if err != nil || !ok || !isPNG(shot.Value.Data) {
					t.Fatalf("screenshot: %#v %v", res, err)
				}
			})
			if _, err := d.StopBrowserSession(bg, &bedrockagentcore.StopBrowserSessionInput{BrowserIdentifier: aws.String(builtinBrowser), SessionId: aws.String(sid)}); err != nil {
				t.Fatal(err)
			}
			if g, err := brGet(d, builtinBrowser, sid); err != nil || g.Status != types.BrowserSessionStatusTerminated {
				t.Fatalf("after stop: %+v %v", g, err)
			}
		})
	}
}
