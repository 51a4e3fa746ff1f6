package browser

import (
	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// Automation stream statuses.
const (
	StreamEnabled  = "ENABLED"
	StreamDisabled = "DISABLED"
)

// Attachment is a running session leased for a stream (automation relay,
// live view, recording). The holder calls Release when done.
type Attachment struct {
	SessionID, BrowserID, Account string
	Conn                          runtime.AgentConn // to Chromium's devtools port
	BrowserWS                     string            // "/devtools/browser/<id>" path of the browser-level CDP endpoint
	ViewPort                      ViewPort
	Recording                     *Recording      // nil: not recorded; else artifact bucket + prefix
	Automation                    func() string   // "ENABLED" | "DISABLED" now
	Changed                       <-chan struct{} // closed when the automation status changes or the session ends
	Release                       func()
}
