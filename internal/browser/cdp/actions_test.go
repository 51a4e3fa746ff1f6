package cdp_test

import (
	"bytes"
	"context"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp/cdptest"
	"image/png"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
	"github.com/agentcore-dev/agentcore/internal/runtime"
)

const actionsPage = `<!doctype html><html><body style="margin:0;height:4000px;width:3000px">
<button id=b style="position:absolute;left:10px;top:10px;width:100px;height:40px">go</button>
<input id=i style="position:absolute;left:10px;top:80px;width:300px;height:30px">
<script>
let n = 0;
window.st = {dbl: 0, ctx: 0, keys: []};
b.addEventListener('click', () => { b.textContent = 'clicked ' + (++n); });
document.addEventListener('dblclick', () => st.dbl++);
document.addEventListener('contextmenu', e => { e.preventDefault(); st.ctx++; });
document.addEventListener('mousemove', e => { st.move = [e.clientX, e.clientY]; if (e.buttons) st.dragMoves = (st.dragMoves || 0) + 1; });
document.addEventListener('mousedown', e => { st.down = [e.clientX, e.clientY, e.button]; });
document.addEventListener('mouseup', e => { st.up = [e.clientX, e.clientY]; });
document.addEventListener('keydown', e => { st.keys.push((e.ctrlKey ? 'C-' : '') + e.key); });
</script></body></html>`

func act(t *testing.T, ac runtime.AgentConn, a browser.Action) browser.ActionResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := cdp.New().Action(ctx, ac, a, browser.ViewPort{Width: 800, Height: 600})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func ok(t *testing.T, ac runtime.AgentConn, a browser.Action) {
	t.Helper()
	if res := act(t, ac, a); res.Status != browser.ActionSuccess {
		t.Fatalf("action %+v: %s %s", a, res.Status, res.Error)
	}
}

func evalString(t *testing.T, ac runtime.AgentConn, expr string) string {
	t.Helper()
	var s string
	eval(t, ac, expr, &s)
	return s
}

// TestActions: every InvokeBrowser action really happens in a real
// Chromium, as the page's own event listeners see it.
func TestActions(t *testing.T) {
	ac := startChromium(t, 800, 600)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := cdp.New().SetViewport(ctx, ac, browser.ViewPort{Width: 800, Height: 600}); err != nil {
		t.Fatal(err)
	}
	cdptest.Navigate(t, ac, cdptest.Serve(t, actionsPage))

	ok(t, ac, browser.Action{MouseClick: &browser.MouseClick{X: 60, Y: 30}})
	if got := evalString(t, ac, "b.textContent"); got != "clicked 1" {
		t.Fatalf("after a click the button says %q", got)
	}
	ok(t, ac, browser.Action{MouseClick: &browser.MouseClick{X: 60, Y: 30, ClickCount: 2}})
	waitFor(t, ac, "st.dbl === 1 && b.textContent === 'clicked 3'")
	ok(t, ac, browser.Action{MouseClick: &browser.MouseClick{X: 400, Y: 300, Button: "RIGHT"}})
	waitFor(t, ac, "st.ctx === 1 && st.down[2] === 2")

	ok(t, ac, browser.Action{MouseMove: &browser.MouseMove{X: 321, Y: 234}})
	waitFor(t, ac, "st.move[0] === 321 && st.move[1] === 234")
	ok(t, ac, browser.Action{MouseDrag: &browser.MouseDrag{StartX: 500, StartY: 200, EndX: 700, EndY: 400}})
	waitFor(t, ac, "st.down[0] === 500 && st.down[1] === 200 && st.up[0] === 700 && st.up[1] === 400 && st.dragMoves >= 5")

	ok(t, ac, browser.Action{MouseClick: &browser.MouseClick{X: 100, Y: 95}})
	ok(t, ac, browser.Action{KeyType: &browser.KeyType{Text: "Hello, World! ü"}})
	if got := evalString(t, ac, "i.value"); got != "Hello, World! ü" {
		t.Fatalf("typed text landed as %q", got)
	}
	ok(t, ac, browser.Action{KeyPress: &browser.KeyPress{Key: "Backspace", Presses: 8}})
	if got := evalString(t, ac, "i.value"); got != "Hello, " {
		t.Fatalf("after 8 backspaces: %q", got)
	}
	ok(t, ac, browser.Action{KeyShortcut: &browser.KeyShortcut{Keys: []string{"Control", "a"}}})
	ok(t, ac, browser.Action{KeyType: &browser.KeyType{Text: "X"}})
	if got := evalString(t, ac, "i.value"); got != "X" {
		t.Fatalf("select-all then X: %q", got)
	}
	ok(t, ac, browser.Action{KeyPress: &browser.KeyPress{Key: "Enter"}})
	waitFor(t, ac, "st.keys.includes('Enter') && st.keys.includes('C-a')")

	ok(t, ac, browser.Action{MouseScroll: &browser.MouseScroll{X: 400, Y: 300, DeltaY: 500, DeltaX: 120}})
	waitFor(t, ac, "scrollY === 500 && scrollX === 120")
	ok(t, ac, browser.Action{MouseScroll: &browser.MouseScroll{X: 400, Y: 300, DeltaY: 300}}) // deltaX 0
	waitFor(t, ac, "scrollY === 800 && scrollX === 120")

	shot := act(t, ac, browser.Action{Screenshot: &browser.Screenshot{Format: "PNG"}})
	if shot.Status != browser.ActionSuccess {
		t.Fatalf("screenshot: %s", shot.Error)
	}
	img, err := png.Decode(bytes.NewReader(shot.Data))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 600 {
		t.Fatalf("screenshot is %dx%d, want 800x600", b.Dx(), b.Dy())
	}

	if res := act(t, ac, browser.Action{KeyPress: &browser.KeyPress{Key: "NoSuchKey"}}); res.Status != browser.ActionFailed || res.Error == "" {
		t.Fatalf("unknown key: %+v", res)
	}
	if res := act(t, ac, browser.Action{}); res.Status != browser.ActionFailed {
		t.Fatalf("empty action: %+v", res)
	}
}

// TestSetViewport: the page's viewport (what scripts and screenshots see)
// becomes the size asked for.
func TestSetViewport(t *testing.T) {
	ac := startChromium(t, 800, 600)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := cdp.New().SetViewport(ctx, ac, browser.ViewPort{Width: 1024, Height: 700}); err != nil {
		t.Fatal(err)
	}
	cdptest.Navigate(t, ac, cdptest.Serve(t, "<p>resized</p>"))
	var size []int
	eval(t, ac, "[innerWidth, innerHeight]", &size)
	if len(size) != 2 || size[0] != 1024 || size[1] != 700 {
		t.Fatalf("viewport is %v, want [1024 700]", size)
	}
	shot := act(t, ac, browser.Action{Screenshot: &browser.Screenshot{}})
	img, err := png.Decode(bytes.NewReader(shot.Data))
	if err != nil || img.Bounds().Dx() != 1024 || img.Bounds().Dy() != 700 {
		t.Fatalf("screenshot after resize: %v %v", img.Bounds(), err)
	}
}
