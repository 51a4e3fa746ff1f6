package httpapi

import (
	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/errs"
)

// InvokeBrowser's wire shapes: the BrowserAction union in, the
// BrowserActionResult union (same member name) out.

type invokeBrowserInput struct {
	browserIdentifierPath
	SessionID string             `json:"-" header:"X-Amzn-Browser-Session-Id" required:"true"`
	Action    *browserActionWire `json:"action" required:"true"`
}

type browserActionWire struct {
	KeyPress *struct {
		Key     *string `json:"key"`
		Presses *int    `json:"presses"`
	} `json:"keyPress"`
	KeyShortcut *struct {
		Keys []string `json:"keys"`
	} `json:"keyShortcut"`
	KeyType *struct {
		Text *string `json:"text"`
	} `json:"keyType"`
	MouseClick *struct {
		X          *int   `json:"x"`
		Y          *int   `json:"y"`
		Button     string `json:"button"`
		ClickCount *int   `json:"clickCount"`
	} `json:"mouseClick"`
	MouseDrag *struct {
		StartX *int   `json:"startX"`
		StartY *int   `json:"startY"`
		EndX   *int   `json:"endX"`
		EndY   *int   `json:"endY"`
		Button string `json:"button"`
	} `json:"mouseDrag"`
	MouseMove *struct {
		X *int `json:"x"`
		Y *int `json:"y"`
	} `json:"mouseMove"`
	MouseScroll *struct {
		X      *int `json:"x"`
		Y      *int `json:"y"`
		DeltaX *int `json:"deltaX"`
		DeltaY *int `json:"deltaY"`
	} `json:"mouseScroll"`
	Screenshot *struct {
		Format string `json:"format"`
	} `json:"screenshot"`
}

// need checks required members of the action (name -> present).
func need(member string, present ...bool) error {
	for _, ok := range present {
		if !ok {
			return errs.Field("action."+member, "action.%s is missing a required member", member)
		}
	}
	return nil
}

func val(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// domain maps the union to the service's Action, checking required members
// (ranges and viewport bounds are the service's).
func (a *browserActionWire) domain() (browser.Action, string, error) {
	var out browser.Action
	switch {
	case a.KeyPress != nil:
		if err := need("keyPress", a.KeyPress.Key != nil); err != nil {
			return out, "", err
		}
		out.KeyPress = &browser.KeyPress{Key: *a.KeyPress.Key, Presses: val(a.KeyPress.Presses)}
		if a.KeyPress.Presses != nil && *a.KeyPress.Presses == 0 {
			out.KeyPress.Presses = -1 // explicit 0: out of range, not the default
		}
	case a.KeyShortcut != nil:
		out.KeyShortcut = &browser.KeyShortcut{Keys: a.KeyShortcut.Keys}
	case a.KeyType != nil:
		if err := need("keyType", a.KeyType.Text != nil); err != nil {
			return out, "", err
		}
		out.KeyType = &browser.KeyType{Text: *a.KeyType.Text}
	case a.MouseClick != nil:
		c := a.MouseClick
		if err := need("mouseClick", c.X != nil, c.Y != nil); err != nil {
			return out, "", err
		}
		out.MouseClick = &browser.MouseClick{X: *c.X, Y: *c.Y, Button: c.Button, ClickCount: val(c.ClickCount)}
		if c.ClickCount != nil && *c.ClickCount == 0 {
			out.MouseClick.ClickCount = -1
		}
	case a.MouseDrag != nil:
		d := a.MouseDrag
		if err := need("mouseDrag", d.StartX != nil, d.StartY != nil, d.EndX != nil, d.EndY != nil); err != nil {
			return out, "", err
		}
		out.MouseDrag = &browser.MouseDrag{StartX: *d.StartX, StartY: *d.StartY, EndX: *d.EndX, EndY: *d.EndY, Button: d.Button}
	case a.MouseMove != nil:
		if err := need("mouseMove", a.MouseMove.X != nil, a.MouseMove.Y != nil); err != nil {
			return out, "", err
		}
		out.MouseMove = &browser.MouseMove{X: *a.MouseMove.X, Y: *a.MouseMove.Y}
	case a.MouseScroll != nil:
		m := a.MouseScroll
		if err := need("mouseScroll", m.X != nil, m.Y != nil); err != nil {
			return out, "", err
		}
		out.MouseScroll = &browser.MouseScroll{X: *m.X, Y: *m.Y, DeltaX: val(m.DeltaX), DeltaY: val(m.DeltaY)}
	case a.Screenshot != nil:
		out.Screenshot = &browser.Screenshot{Format: a.Screenshot.Format}
	default:
		return out, "", errs.Field("action", "action must have exactly one member")
	}
	return out, memberOf(a), nil
}

// memberOf names the union member set (the first, when the caller sent
// several: the service refuses those).
func memberOf(a *browserActionWire) string {
	for _, m := range []struct {
		set  bool
		name string
	}{{a.KeyPress != nil, "keyPress"}, {a.KeyShortcut != nil, "keyShortcut"}, {a.KeyType != nil, "keyType"},
		{a.MouseClick != nil, "mouseClick"}, {a.MouseDrag != nil, "mouseDrag"}, {a.MouseMove != nil, "mouseMove"},
		{a.MouseScroll != nil, "mouseScroll"}, {a.Screenshot != nil, "screenshot"}} {
		if m.set {
			return m.name
		}
	}
	return ""
}

// several reports an action with more than one member.
func (a *browserActionWire) several() bool {
	n := 0
	for _, set := range []bool{a.KeyPress != nil, a.KeyShortcut != nil, a.KeyType != nil, a.MouseClick != nil,
		a.MouseDrag != nil, a.MouseMove != nil, a.MouseScroll != nil, a.Screenshot != nil} {
		if set {
			n++
		}
	}
	return n > 1
}

func (in *invokeBrowserInput) validate() error {
	if in.Action.several() {
		return errs.Field("action", "action must have exactly one member")
	}
	return nil
}

// actionResult is one member of BrowserActionResult.
type actionResult struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	Data   []byte `json:"data,omitempty"` // screenshot only (base64 blob)
}

type invokeBrowserOutput struct {
	SessionID string                  `json:"-" header:"X-Amzn-Browser-Session-Id"`
	Result    map[string]actionResult `json:"result"`
}
