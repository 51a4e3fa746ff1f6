package browser

import (
	"context"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// actionTimeout bounds one InvokeBrowser action.
const actionTimeout = 60 * time.Second

// Action argument bounds.
const (
	MaxTypeText    = 10000 // keyType.text, characters
	MaxPresses     = 100   // keyPress.presses
	MaxClickCount  = 10    // mouseClick.clickCount
	MaxShortcut    = 5     // keyShortcut.keys
	MaxScrollDelta = 10000 // |mouseScroll.deltaX|, |deltaY| in pixels
)

// namedKeys are the key names keyPress and keyShortcut accept besides any
// single printable character (the DOM KeyboardEvent.key values).
var namedKeys = map[string]bool{
	"Enter": true, "Tab": true, "Backspace": true, "Delete": true, "Escape": true, "Space": true, " ": true,
	"ArrowUp": true, "ArrowDown": true, "ArrowLeft": true, "ArrowRight": true,
	"Home": true, "End": true, "PageUp": true, "PageDown": true, "Insert": true,
	"Shift": true, "Control": true, "Alt": true, "Meta": true, "CapsLock": true, "ContextMenu": true,
}

func init() {
	for i := 1; i <= 12; i++ {
		namedKeys["F"+strconv.Itoa(i)] = true
	}
}

// ValidKey reports whether key names a key InvokeBrowser accepts: one of
// the named keys (Enter, Tab, ArrowLeft, Control, F1, ...) or a single
// printable character.
func ValidKey(key string) bool {
	if namedKeys[key] {
		return true
	}
	r, n := utf8.DecodeRuneInString(key)
	return n == len(key) && r != utf8.RuneError && r >= ' ' && r != 0x7f
}

// checkAction validates an action against the session's viewport and fills
// its defaults.
func checkAction(a *Action, vp ViewPort) error {
	n := 0
	for _, set := range []bool{a.KeyPress != nil, a.KeyShortcut != nil, a.KeyType != nil, a.MouseClick != nil,
		a.MouseDrag != nil, a.MouseMove != nil, a.MouseScroll != nil, a.Screenshot != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return errs.Field("action", "action must have exactly one member (got %d)", n)
	}
	in := func(member string, x, y int) error {
		if x < 0 || x >= vp.Width || y < 0 || y >= vp.Height {
			return errs.Field("action."+member, "coordinates (%d, %d) are outside the %dx%d viewport", x, y, vp.Width, vp.Height)
		}
		return nil
	}
	button := func(member string, b *string) error {
		switch *b {
		case "":
			*b = "LEFT"
		case "LEFT", "RIGHT", "MIDDLE":
		default:
			return errs.Field("action."+member+".button", "button must be LEFT, RIGHT or MIDDLE (got %q)", *b)
		}
		return nil
	}
	switch {
	case a.KeyPress != nil:
		k := a.KeyPress
		if !ValidKey(k.Key) {
			return errs.Field("action.keyPress.key", "%q is not a key name (a character, or Enter, Tab, Backspace, Escape, ArrowLeft, Control, F1, ...)", k.Key)
		}
		if k.Presses == 0 {
			k.Presses = 1
		}
		if k.Presses < 1 || k.Presses > MaxPresses {
			return errs.Field("action.keyPress.presses", "presses must be from 1 to %d (got %d)", MaxPresses, k.Presses)
		}
	case a.KeyShortcut != nil:
		keys := a.KeyShortcut.Keys
		if len(keys) < 1 || len(keys) > MaxShortcut {
			return errs.Field("action.keyShortcut.keys", "keys must list 1 to %d keys (got %d)", MaxShortcut, len(keys))
		}
		for _, k := range keys {
			if !ValidKey(k) {
				return errs.Field("action.keyShortcut.keys", "%q is not a key name", k)
			}
		}
	case a.KeyType != nil:
		t := a.KeyType.Text
		if t == "" || utf8.RuneCountInString(t) > MaxTypeText || !utf8.ValidString(t) {
			return errs.Field("action.keyType.text", "text must be 1 to %d characters of valid UTF-8", MaxTypeText)
		}
	case a.MouseClick != nil:
		c := a.MouseClick
		if err := in("mouseClick", c.X, c.Y); err != nil {
			return err
		}
		if c.ClickCount == 0 {
			c.ClickCount = 1
		}
		if c.ClickCount < 1 || c.ClickCount > MaxClickCount {
			return errs.Field("action.mouseClick.clickCount", "clickCount must be from 1 to %d (got %d)", MaxClickCount, c.ClickCount)
		}
		return button("mouseClick", &c.Button)
	case a.MouseDrag != nil:
		d := a.MouseDrag
		if err := in("mouseDrag", d.StartX, d.StartY); err != nil {
			return err
		}
		if err := in("mouseDrag", d.EndX, d.EndY); err != nil {
			return err
		}
		return button("mouseDrag", &d.Button)
	case a.MouseMove != nil:
		return in("mouseMove", a.MouseMove.X, a.MouseMove.Y)
	case a.MouseScroll != nil:
		m := a.MouseScroll
		if err := in("mouseScroll", m.X, m.Y); err != nil {
			return err
		}
		if abs(m.DeltaX) > MaxScrollDelta || abs(m.DeltaY) > MaxScrollDelta {
			return errs.Field("action.mouseScroll", "deltaX and deltaY must be from -%d to %d", MaxScrollDelta, MaxScrollDelta)
		}
	case a.Screenshot != nil:
		switch a.Screenshot.Format {
		case "":
			a.Screenshot.Format = "PNG"
		case "PNG":
		default:
			return errs.Field("action.screenshot.format", "format must be PNG (got %q)", a.Screenshot.Format)
		}
	}
	return nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Invoke executes one action on a READY session's current page. A bad
// action (outside the viewport, an unknown key) is a ValidationException;
// an action the page refuses is a FAILED result.
func (s *Service) Invoke(ctx context.Context, browserID, sessionID string, a Action) (*ActionResult, error) {
	l, err := s.lease(ctx, browserID, sessionID)
	if err != nil {
		return nil, err
	}
	defer l.release()
	if err := checkAction(&a, l.sess.ViewPort); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, actionTimeout)
	defer cancel()
	began := time.Now()
	res, err := s.o.CDP.Action(ctx, l.lease.Conn, a, l.sess.ViewPort)
	status := res.Status
	if err != nil {
		status = "error"
	} else if status != ActionSuccess {
		status = ActionFailed
	}
	s.observed(sessionKey(l.acct, l.browser.ID, l.sess.ID), a.Name(), status, time.Since(began))
	if err != nil {
		if !s.running(l.acct, l.sess) || !s.answers(ctx, l) {
			s.terminated(context.WithoutCancel(ctx), l.acct, l.browser.ID, l.sess.ID)
			return nil, errs.E(errs.NotFound, "session %s ended during the action (its browser exited: it may have exceeded the session's memory or process limits)", sessionID)
		}
		if ctx.Err() == context.DeadlineExceeded {
			return nil, errs.E(errs.Unavailable, "the browser did not complete the action within %s", actionTimeout)
		}
		return nil, errs.Wrap(errs.Internal, err, "the browser did not complete the action")
	}
	res.Status = status
	return &res, nil
}

// Name is the action's member name in the BrowserAction union
// (mouseClick, keyType, screenshot, ...).
func (a *Action) Name() string {
	switch {
	case a.KeyPress != nil:
		return "keyPress"
	case a.KeyShortcut != nil:
		return "keyShortcut"
	case a.KeyType != nil:
		return "keyType"
	case a.MouseClick != nil:
		return "mouseClick"
	case a.MouseDrag != nil:
		return "mouseDrag"
	case a.MouseMove != nil:
		return "mouseMove"
	case a.MouseScroll != nil:
		return "mouseScroll"
	case a.Screenshot != nil:
		return "screenshot"
	}
	return ""
}

// answers reports whether the session's Chromium still answers its
// devtools endpoint; one that does not (it was killed, e.g. by the
// sandbox's memory limit, while the sandbox winds down) ends the session.
func (s *Service) answers(ctx context.Context, l *leased) bool {
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if _, err := l.lease.Conn.Ping(pctx); err == nil {
		return true
	}
	l.lease.Fail("the browser does not answer after a failed action")
	return false
}
