package streams

import (
	"context"
	"encoding/json"
	"sync/atomic"

	cdpt "github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"

	"github.com/agentcore-dev/agentcore/internal/browser"
)

// atomicString holds a string read and written concurrently.
type atomicString struct{ v atomic.Value }

func (a *atomicString) Store(s string) { a.v.Store(s) }
func (a *atomicString) Load() string   { s, _ := a.v.Load().(string); return s }

// viewerMsg is a message from the live-view page.
type viewerMsg struct {
	Type string `json:"type"` // control | mouse | key
	Take bool   `json:"take"` // control: take (true) or release (false)

	Event      string  `json:"event"` // mousePressed|mouseReleased|mouseMoved|mouseWheel; keyDown|keyUp
	X          float64 `json:"x"`
	Y          float64 `json:"y"`
	Button     string  `json:"button"` // left|middle|right|none
	Buttons    int64   `json:"buttons"`
	ClickCount int64   `json:"clickCount"`
	DeltaX     float64 `json:"deltaX"`
	DeltaY     float64 `json:"deltaY"`
	Modifiers  int64   `json:"modifiers"` // Alt=1, Ctrl=2, Meta=4, Shift=8

	Key     string `json:"key"`
	Code    string `json:"code"`
	KeyCode int64  `json:"keyCode"`
	Text    string `json:"text"`
}

// maxViewerMessage bounds what the page may send (input events are small).
const maxViewerMessage = 64 << 10

// readLoop handles the page's messages until the connection ends.
func (v *viewer) readLoop(ctx context.Context) {
	v.ws.SetReadLimit(maxViewerMessage)
	for {
		_, data, err := v.ws.Read(ctx)
		if err != nil {
			return
		}
		var m viewerMsg
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		switch m.Type {
		case "control":
			status := browser.StreamEnabled
			if m.Take {
				status = browser.StreamDisabled
			}
			if _, _, err := v.h.svc.UpdateStream(ctx, v.browserID, v.sessionID, status); err != nil {
				v.send(ctx, map[string]any{"type": "error", "message": err.Error()}) //nolint:errcheck // best effort
				continue
			}
			v.status.Store(status) // input that follows at once is the person's
		case "mouse", "key":
			if !v.inControl() {
				v.send(ctx, map[string]any{"type": "error", "message": "take control to use the mouse and keyboard"}) //nolint:errcheck // best effort
				continue
			}
			if err := v.dispatch(ctx, &m); err != nil && ctx.Err() == nil {
				v.h.log.Debug("live view input failed", "session", v.sessionID, "err", err)
			}
		}
	}
}

// dispatch sends one input event to the page on screen.
func (v *viewer) dispatch(ctx context.Context, m *viewerMsg) error {
	p := v.cast.current()
	if p == nil {
		return nil
	}
	if m.Type == "mouse" {
		typ := input.DispatchMouseEventType(m.Event)
		switch typ {
		case input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased,
			input.DispatchMouseEventTypeMouseMoved, input.DispatchMouseEventTypeMouseWheel:
		default:
			return nil
		}
		btn := input.MouseButton(m.Button)
		switch btn {
		case input.MouseButtonLeft, input.MouseButtonMiddle, input.MouseButtonRight:
		default:
			btn = input.MouseButtonNone
		}
		_, err := cdpt.Call(ctx, p, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: typ, X: m.X, Y: m.Y,
			Button: btn, Buttons: m.Buttons, ClickCount: m.ClickCount, DeltaX: m.DeltaX, DeltaY: m.DeltaY, Modifiers: m.Modifiers})
		return err
	}
	ev := input.DispatchKeyEventParams{Key: m.Key, Code: m.Code, WindowsVirtualKeyCode: m.KeyCode,
		NativeVirtualKeyCode: m.KeyCode, Modifiers: m.Modifiers}
	switch m.Event {
	case "keyDown":
		ev.Type = input.DispatchKeyEventTypeKeyDown
		ev.Text = m.Text
		if m.Key == "Enter" {
			ev.Text = "\r"
		}
		if ev.Text == "" || m.Modifiers&(2|4) != 0 {
			ev.Type, ev.Text = input.DispatchKeyEventTypeRawKeyDown, ""
		}
		ev.UnmodifiedText = ev.Text
	case "keyUp":
		ev.Type = input.DispatchKeyEventTypeKeyUp
	default:
		return nil
	}
	_, err := cdpt.Call(ctx, p, input.DispatchKeyEvent, ev)
	return err
}
