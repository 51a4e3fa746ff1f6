package api_test

import (
	"bytes"
	"image/png"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// TestBrowserWarmPool: with --browser-warm-pool a session takes a started
// browser (fast), and one asking for another viewport gets its page
// resized: both screenshots have the session's size. Needs the CDP
// implementation for the screenshots and the resize.
func TestBrowserWarmPool(t *testing.T) {
	requireChromium(t)
	cfg := brConfig()
	cfg.BrowserWarmPool = 1
	e := testenv.Start(t, cfg)
	d := e.Data
	time.Sleep(3 * time.Second) // the pool fills
	t0 := time.Now()
	def := aws.ToString(brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{}).SessionId)
	t.Logf("pooled start: %s", time.Since(t0))
	time.Sleep(3 * time.Second) // the pool refills
	custom := aws.ToString(brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{
		ViewPort: &types.ViewPort{Width: aws.Int32(1024), Height: aws.Int32(768)}}).SessionId)
	for sid, want := range map[string][2]int{def: {1280, 720}, custom: {1024, 768}} {
		res, err := brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberScreenshot{})
		shot, ok := res.(*types.BrowserActionResultMemberScreenshot)
		if err != nil || !ok {
			t.Fatalf("screenshot of %s: %#v %v", sid, res, err)
		}
		img, err := png.Decode(bytes.NewReader(shot.Value.Data))
		if err != nil || img.Bounds().Dx() != want[0] || img.Bounds().Dy() != want[1] {
			t.Fatalf("screenshot of %s: %v %v, want %v", sid, img.Bounds(), err, want)
		}
	}
}
