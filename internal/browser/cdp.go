package browser

import (
	"context"
	"encoding/json"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// CDP runs Chrome DevTools Protocol operations on one session's Chromium.
// conn is the session's runtime.AgentConn (HTTP and WebSocket to the
// devtools port inside the sandbox). The server injects the implementation
// (internal/browser/cdp).
type CDP interface {
	// Action executes one InvokeBrowser action on the session's current
	// page. The service has validated a (coordinates inside vp, keys, text
	// size) and filled its defaults (Presses 1, Button LEFT, ClickCount 1,
	// Format PNG). A failed action is an ActionResult with Status FAILED;
	// the error is for a broken connection.
	Action(ctx context.Context, conn runtime.AgentConn, a Action, vp ViewPort) (ActionResult, error)
	// SaveState reads the browser's cookies and the localStorage of every
	// origin it has open.
	SaveState(ctx context.Context, conn runtime.AgentConn) (*ProfileState, error)
	// RestoreState puts st's cookies and localStorage into the browser.
	RestoreState(ctx context.Context, conn runtime.AgentConn, st *ProfileState) error
	// SetViewport sets the page's size (the window is already started at it).
	SetViewport(ctx context.Context, conn runtime.AgentConn, vp ViewPort) error
}

// ViewPort is a session's page size in CSS pixels.
type ViewPort struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// ProfileState is what a browser profile saves of a session: its cookies
// and the localStorage of each origin.
type ProfileState struct {
	// Cookies are CDP Network.Cookie objects, as JSON.
	Cookies []json.RawMessage `json:"cookies"`
	// LocalStorage is origin → key → value.
	LocalStorage map[string]map[string]string `json:"localStorage"`
}

// Recording is where a recorded session's artifacts go.
type Recording struct {
	Bucket string
	Prefix string
}

// Action is the InvokeBrowser action union: exactly one member is set.
type Action struct {
	KeyPress    *KeyPress
	KeyShortcut *KeyShortcut
	KeyType     *KeyType
	MouseClick  *MouseClick
	MouseDrag   *MouseDrag
	MouseMove   *MouseMove
	MouseScroll *MouseScroll
	Screenshot  *Screenshot
}

// KeyPress presses one key Presses times (key names as in the AWS API,
// e.g. "Enter", "a", "ArrowLeft").
type KeyPress struct {
	Key     string
	Presses int
}

// KeyShortcut presses Keys together (modifiers first, e.g. ["Control","a"]).
type KeyShortcut struct {
	Keys []string
}

// KeyType types Text into the focused element.
type KeyType struct {
	Text string
}

// MouseClick clicks at X, Y. Button is LEFT, RIGHT or MIDDLE.
type MouseClick struct {
	X, Y       int
	Button     string
	ClickCount int
}

// MouseDrag presses Button at StartX, StartY, moves to EndX, EndY and
// releases it.
type MouseDrag struct {
	StartX, StartY, EndX, EndY int
	Button                     string
}

// MouseMove moves the pointer to X, Y.
type MouseMove struct {
	X, Y int
}

// MouseScroll scrolls by DeltaX, DeltaY with the pointer at X, Y.
type MouseScroll struct {
	X, Y, DeltaX, DeltaY int
}

// Screenshot captures the viewport. Format is PNG (the only format).
type Screenshot struct {
	Format string
}

// Action result statuses.
const (
	ActionSuccess = "SUCCESS"
	ActionFailed  = "FAILED"
)

// ActionResult is an action's outcome: Status SUCCESS or FAILED, Error the
// reason of a failure, Data the screenshot (PNG bytes) for Screenshot.
type ActionResult struct {
	Status string
	Error  string
	Data   []byte
}
