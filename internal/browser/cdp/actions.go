package cdp

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"

	"github.com/agentcore-dev/agentcore/internal/browser"
)

// errAction is an action's own failure (bad key name, a command Chromium
// refused): it becomes a FAILED result, not an error.
type errAction struct{ error }

func failed(format string, args ...any) error { return errAction{fmt.Errorf(format, args...)} }

// run executes a on the attached page p.
func run(ctx context.Context, p cdp.Session, a browser.Action) ([]byte, error) {
	switch {
	case a.MouseClick != nil:
		return nil, click(ctx, p, a.MouseClick)
	case a.MouseMove != nil:
		return nil, mouse(ctx, p, input.DispatchMouseEventTypeMouseMoved, a.MouseMove.X, a.MouseMove.Y, "", 0, 0)
	case a.MouseDrag != nil:
		return nil, drag(ctx, p, a.MouseDrag)
	case a.MouseScroll != nil:
		m := a.MouseScroll
		return nil, asFailure(p.Call(ctx, input.CommandDispatchMouseEvent, wheelEvent{Type: input.DispatchMouseEventTypeMouseWheel,
			X: float64(m.X), Y: float64(m.Y), DeltaX: float64(m.DeltaX), DeltaY: float64(m.DeltaY)}, nil))
	case a.KeyPress != nil:
		k, ok := lookupKey(a.KeyPress.Key)
		if !ok {
			return nil, failed("unknown key %q", a.KeyPress.Key)
		}
		for range max(a.KeyPress.Presses, 1) {
			if err := press(ctx, p, k, 0); err != nil {
				return nil, err
			}
		}
		return nil, nil
	case a.KeyType != nil:
		return nil, typeText(ctx, p, a.KeyType.Text)
	case a.KeyShortcut != nil:
		return nil, shortcut(ctx, p, a.KeyShortcut.Keys)
	case a.Screenshot != nil:
		if f := a.Screenshot.Format; f != "" && !strings.EqualFold(f, "PNG") {
			return nil, failed("screenshot format %q is not supported (PNG)", f)
		}
		res, err := cdp.Call(ctx, p, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng})
		if err != nil {
			return nil, asFailure(err)
		}
		return res.Data, nil
	}
	return nil, failed("the action has no member set")
}

// wheelEvent is Input.dispatchMouseEvent for the wheel: Chromium wants
// both deltas present, and cdproto's params leave zero ones out.
type wheelEvent struct {
	Type   input.DispatchMouseEventType `json:"type"`
	X      float64                      `json:"x"`
	Y      float64                      `json:"y"`
	DeltaX float64                      `json:"deltaX"`
	DeltaY float64                      `json:"deltaY"`
}

// callInput runs an input command; Chromium's refusals are the action's
// failure.
func callInput[P any](ctx context.Context, p cdp.Session, c cdp.Command[P, cdp.Empty], params P) error {
	_, err := cdp.Call(ctx, p, c, params)
	return asFailure(err)
}

func asFailure(err error) error {
	var ce *Error
	if errors.As(err, &ce) {
		return errAction{err}
	}
	return err
}

func button(name string) input.MouseButton {
	switch strings.ToUpper(name) {
	case "RIGHT":
		return input.MouseButtonRight
	case "MIDDLE":
		return input.MouseButtonMiddle
	case "NONE":
		return input.MouseButtonNone
	}
	return input.MouseButtonLeft
}

func buttonsMask(b input.MouseButton) int64 {
	switch b {
	case input.MouseButtonLeft:
		return 1
	case input.MouseButtonRight:
		return 2
	case input.MouseButtonMiddle:
		return 4
	}
	return 0
}

func mouse(ctx context.Context, p cdp.Session, typ input.DispatchMouseEventType, x, y int, b input.MouseButton, buttons, clicks int64) error {
	return callInput(ctx, p, input.DispatchMouseEvent, input.DispatchMouseEventParams{
		Type: typ, X: float64(x), Y: float64(y), Button: b, Buttons: buttons, ClickCount: clicks})
}

// click moves to the point, then presses and releases once per click with
// a rising clickCount (a double click is two clicks, the second with 2).
func click(ctx context.Context, p cdp.Session, m *browser.MouseClick) error {
	b := button(m.Button)
	if err := mouse(ctx, p, input.DispatchMouseEventTypeMouseMoved, m.X, m.Y, "", 0, 0); err != nil {
		return err
	}
	for i := int64(1); i <= int64(max(m.ClickCount, 1)); i++ {
		if err := mouse(ctx, p, input.DispatchMouseEventTypeMousePressed, m.X, m.Y, b, buttonsMask(b), i); err != nil {
			return err
		}
		if err := mouse(ctx, p, input.DispatchMouseEventTypeMouseReleased, m.X, m.Y, b, 0, i); err != nil {
			return err
		}
	}
	return nil
}

// dragSteps is how many intermediate moves a drag makes (pages that track
// mousemove see a path, not a jump).
const dragSteps = 10

func drag(ctx context.Context, p cdp.Session, m *browser.MouseDrag) error {
	b := button(m.Button)
	mask := buttonsMask(b)
	steps := []func() error{
		func() error {
			return mouse(ctx, p, input.DispatchMouseEventTypeMouseMoved, m.StartX, m.StartY, "", 0, 0)
		},
		func() error {
			return mouse(ctx, p, input.DispatchMouseEventTypeMousePressed, m.StartX, m.StartY, b, mask, 1)
		},
	}
	for i := 1; i <= dragSteps; i++ {
		x := m.StartX + (m.EndX-m.StartX)*i/dragSteps
		y := m.StartY + (m.EndY-m.StartY)*i/dragSteps
		steps = append(steps, func() error { return mouse(ctx, p, input.DispatchMouseEventTypeMouseMoved, x, y, b, mask, 0) })
	}
	steps = append(steps, func() error {
		return mouse(ctx, p, input.DispatchMouseEventTypeMouseReleased, m.EndX, m.EndY, b, 0, 1)
	})
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

func keyEvent(typ input.DispatchKeyEventType, k keyDef, mods int64) input.DispatchKeyEventParams {
	ev := input.DispatchKeyEventParams{Type: typ, Key: k.key, Code: k.code, WindowsVirtualKeyCode: k.vk,
		NativeVirtualKeyCode: k.vk, Modifiers: mods}
	// Keys with Control, Alt or Meta held are shortcuts: they type nothing.
	if typ == input.DispatchKeyEventTypeKeyDown && mods&(modCtrl|modAlt|modMeta) == 0 {
		ev.Text, ev.UnmodifiedText = k.text, k.text
	}
	if typ == input.DispatchKeyEventTypeKeyDown && ev.Text == "" {
		ev.Type = input.DispatchKeyEventTypeRawKeyDown
	}
	return ev
}

// press presses and releases k with mods held.
func press(ctx context.Context, p cdp.Session, k keyDef, mods int64) error {
	if err := callInput(ctx, p, input.DispatchKeyEvent, keyEvent(input.DispatchKeyEventTypeKeyDown, k, mods)); err != nil {
		return err
	}
	return callInput(ctx, p, input.DispatchKeyEvent, keyEvent(input.DispatchKeyEventTypeKeyUp, k, mods))
}

// typeText types text character by character with key events (pages see
// keydown, keypress, input and keyup); characters without a key on a US
// layout are inserted as text.
func typeText(ctx context.Context, p cdp.Session, text string) error {
	for _, r := range strings.ReplaceAll(text, "\r\n", "\n") {
		k := charKey(r)
		if k.code == "" {
			if err := callInput(ctx, p, input.InsertText, input.InsertTextParams{Text: string(r)}); err != nil {
				return err
			}
			continue
		}
		if err := press(ctx, p, k, 0); err != nil {
			return err
		}
	}
	return nil
}

// shortcut holds the keys down in order (modifiers accumulate) and
// releases them in reverse.
func shortcut(ctx context.Context, p cdp.Session, names []string) error {
	keys := make([]keyDef, 0, len(names))
	for _, n := range names {
		k, ok := lookupKey(n)
		if !ok {
			return failed("unknown key %q", n)
		}
		keys = append(keys, k)
	}
	var mods int64
	for _, k := range keys {
		mods |= k.mod
		if err := callInput(ctx, p, input.DispatchKeyEvent, keyEvent(input.DispatchKeyEventTypeKeyDown, k, mods)); err != nil {
			return err
		}
	}
	for i := len(keys) - 1; i >= 0; i-- {
		if err := callInput(ctx, p, input.DispatchKeyEvent, keyEvent(input.DispatchKeyEventTypeKeyUp, keys[i], mods)); err != nil {
			return err
		}
		mods &^= keys[i].mod
	}
	return nil
}
