// Package cdp is a placeholder for the CDP implementation (branch h/brcdp
// replaces this file): every operation answers "not implemented".
package cdp

import (
	"context"
	"errors"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/runtime"
)

var errNotImplemented = errors.New("cdp: not implemented")

// New returns the CDP implementation.
func New() browser.CDP { return placeholder{} }

type placeholder struct{}

func (placeholder) Action(context.Context, runtime.AgentConn, browser.Action, browser.ViewPort) (browser.ActionResult, error) {
	return browser.ActionResult{}, errNotImplemented
}

func (placeholder) SaveState(context.Context, runtime.AgentConn) (*browser.ProfileState, error) {
	return nil, errNotImplemented
}

func (placeholder) RestoreState(context.Context, runtime.AgentConn, *browser.ProfileState) error {
	return errNotImplemented
}

func (placeholder) SetViewport(context.Context, runtime.AgentConn, browser.ViewPort) error {
	return errNotImplemented
}
