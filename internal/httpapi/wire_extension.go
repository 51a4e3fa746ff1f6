package httpapi

import (
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// Wire shapes of agentcore's own /_agentcore/ extensions (documented in
// README and docs/; not AWS operations). Members are in alphabetical order,
// as they were sent when these were maps.

// healthOutput is GET /_agentcore/health.
type healthOutput struct {
	Driver   string               `json:"driver"`
	Sandbox  sandbox.Capabilities `json:"sandbox"`
	Sessions int                  `json:"sessions"`
	// PausedSessions: sessions this server checkpointed at their idle
	// timeout (AGENTCORE_CHECKPOINT_ON_IDLE) and not resumed since.
	PausedSessions int    `json:"pausedSessions"`
	Status         string `json:"status"`
	WarmPoolReady  int    `json:"warmPoolReady"`
}

// runningSessionsOutput is GET /_agentcore/sessions.
type runningSessionsOutput struct {
	Sessions []runtime.SessionInfo `json:"sessions"`
}

// artifactOutput is PUT /_agentcore/artifacts/{bucket}/{key+}.
type artifactOutput struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	Size   int64  `json:"size"`
}

// gatewayCallsOutput is GET /_agentcore/gateways/{id}/calls.
type gatewayCallsOutput struct {
	Calls []gateway.CallRecord `json:"calls"`
}
