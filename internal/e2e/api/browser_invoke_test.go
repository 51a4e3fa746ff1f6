package api_test

import (
	"bytes"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// TestBrowserInvokeValidation: actions outside the session's viewport,
// unknown keys, empty or oversized text and out-of-range counts are
// ValidationExceptions, before anything reaches the browser.
func TestBrowserInvokeValidation(t *testing.T) {
	requireChromium(t)
	e := brServer(t)
	d := e.Data
	sid := aws.ToString(brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{
		ViewPort: &types.ViewPort{Width: aws.Int32(800), Height: aws.Int32(600)}}).SessionId)
	for name, a := range map[string]types.BrowserAction{
		"click x = width":   &types.BrowserActionMemberMouseClick{Value: types.MouseClickArguments{X: aws.Int32(800), Y: aws.Int32(10)}},
		"click negative y":  &types.BrowserActionMemberMouseClick{Value: types.MouseClickArguments{X: aws.Int32(10), Y: aws.Int32(-1)}},
		"click count 11":    &types.BrowserActionMemberMouseClick{Value: types.MouseClickArguments{X: aws.Int32(1), Y: aws.Int32(1), ClickCount: aws.Int32(11)}},
		"move outside":      &types.BrowserActionMemberMouseMove{Value: types.MouseMoveArguments{X: aws.Int32(10), Y: aws.Int32(600)}},
		"drag end outside":  &types.BrowserActionMemberMouseDrag{Value: types.MouseDragArguments{StartX: aws.Int32(1), StartY: aws.Int32(1), EndX: aws.Int32(900), EndY: aws.Int32(1)}},
		"scroll outside":    &types.BrowserActionMemberMouseScroll{Value: types.MouseScrollArguments{X: aws.Int32(5000), Y: aws.Int32(1)}},
		"unknown key":       &types.BrowserActionMemberKeyPress{Value: types.KeyPressArguments{Key: aws.String("NotAKey")}},
		"presses 101":       &types.BrowserActionMemberKeyPress{Value: types.KeyPressArguments{Key: aws.String("a"), Presses: aws.Int32(101)}},
		"empty shortcut":    &types.BrowserActionMemberKeyShortcut{Value: types.KeyShortcutArguments{Keys: []string{}}},
		"bad shortcut key":  &types.BrowserActionMemberKeyShortcut{Value: types.KeyShortcutArguments{Keys: []string{"Control", "Hyper"}}},
		"empty text":        &types.BrowserActionMemberKeyType{Value: types.KeyTypeArguments{Text: aws.String("")}},
		"text too long":     &types.BrowserActionMemberKeyType{Value: types.KeyTypeArguments{Text: aws.String(strings.Repeat("x", 10001))}},
		"bad mouse button":  &types.BrowserActionMemberMouseClick{Value: types.MouseClickArguments{X: aws.Int32(1), Y: aws.Int32(1), Button: "FOURTH"}},
		"screenshot format": &types.BrowserActionMemberScreenshot{Value: types.ScreenshotArguments{Format: "JPEG"}},
	} {
		if _, err := brInvoke(d, builtinBrowser, sid, a); !isValidation(err) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestBrowserInvokeActions: a screenshot is a PNG of the viewport's size;
// mouseClick and keyType act on a page served by the test (a click on a
// button reaches its handler, typed text lands in the focused input);
// keyPress and keyShortcut work. Needs the CDP implementation and the
// automation stream (to navigate).
func TestBrowserInvokeActions(t *testing.T) {
	requireChromium(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<html><body style="margin:0">
<button id="b" style="position:absolute;left:0;top:0;width:200px;height:100px" onclick="this.textContent='clicked'">go</button>
<input id="q" style="position:absolute;left:0;top:200px;width:300px;height:40px">
</body></html>`))
	}))
	t.Cleanup(page.Close)
	e := brServer(t)
	d := e.Data
	st := brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{ViewPort: &types.ViewPort{Width: aws.Int32(800), Height: aws.Int32(600)}})
	sid := aws.ToString(st.SessionId)

	res, err := brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberScreenshot{Value: types.ScreenshotArguments{Format: types.ScreenshotFormatPng}})
	shot, ok := res.(*types.BrowserActionResultMemberScreenshot)
	if err != nil || !ok || shot.Value.Status != types.BrowserActionStatusSuccess || !isPNG(shot.Value.Data) {
		t.Fatalf("screenshot: %#v %v", res, err)
	}
	img, err := png.Decode(bytes.NewReader(shot.Value.Data))
	if err != nil || img.Bounds().Dx() != 800 || img.Bounds().Dy() != 600 {
		t.Fatalf("screenshot size: %v %v", img.Bounds(), err)
	}

	cdp, _, err := dialAutomation(t, aws.ToString(st.Streams.AutomationStream.StreamEndpoint), testenv.AccessKeyID, testenv.SecretAccessKey)
	if err != nil {
		t.Fatalf("automation stream: %v", err)
	}
	ps := cdp.page(t)
	cdp.navigate(t, ps, page.URL+"/")
	ok2 := func(name string, r types.BrowserActionResult, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var status types.BrowserActionStatus
		switch v := r.(type) {
		case *types.BrowserActionResultMemberMouseClick:
			status = v.Value.Status
		case *types.BrowserActionResultMemberKeyType:
			status = v.Value.Status
		case *types.BrowserActionResultMemberKeyPress:
			status = v.Value.Status
		case *types.BrowserActionResultMemberKeyShortcut:
			status = v.Value.Status
		case *types.BrowserActionResultMemberMouseMove:
			status = v.Value.Status
		case *types.BrowserActionResultMemberMouseScroll:
			status = v.Value.Status
		}
		if status != types.BrowserActionStatusSuccess {
			t.Fatalf("%s: %#v", name, r)
		}
	}
	r, err := brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberMouseClick{Value: types.MouseClickArguments{X: aws.Int32(50), Y: aws.Int32(50)}})
	ok2("click button", r, err)
	if txt := cdp.eval(t, ps, `document.getElementById("b").textContent`); txt != "clicked" {
		t.Fatalf("button after the click: %v", txt)
	}
	r, err = brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberMouseClick{Value: types.MouseClickArguments{X: aws.Int32(100), Y: aws.Int32(220)}})
	ok2("click input", r, err)
	r, err = brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberKeyType{Value: types.KeyTypeArguments{Text: aws.String("hello wörld")}})
	ok2("type", r, err)
	if v := cdp.eval(t, ps, `document.getElementById("q").value`); v != "hello wörld" {
		t.Fatalf("input after keyType: %v", v)
	}
	r, err = brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberKeyPress{Value: types.KeyPressArguments{Key: aws.String("Backspace"), Presses: aws.Int32(6)}})
	ok2("keyPress", r, err)
	r, err = brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberKeyShortcut{Value: types.KeyShortcutArguments{Keys: []string{"Control", "a"}}})
	ok2("keyShortcut", r, err)
	r, err = brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberKeyType{Value: types.KeyTypeArguments{Text: aws.String("new")}})
	ok2("type over the selection", r, err)
	if v := cdp.eval(t, ps, `document.getElementById("q").value`); v != "new" {
		t.Fatalf("input after backspaces, select-all and typing: %v", v)
	}
	r, err = brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberMouseMove{Value: types.MouseMoveArguments{X: aws.Int32(10), Y: aws.Int32(10)}})
	ok2("move", r, err)
	r, err = brInvoke(d, builtinBrowser, sid, &types.BrowserActionMemberMouseScroll{Value: types.MouseScrollArguments{X: aws.Int32(10), Y: aws.Int32(10), DeltaY: aws.Int32(100)}})
	ok2("scroll", r, err)
}
