// Package browser is the AgentCore Browser tool: custom browsers (control
// plane), the built-in aws.browser.v1, browser profiles, and sessions that
// each run a headless Chromium in the server's sandbox driver through
// runtime.Sessions. CDP work on a session's Chromium goes through the CDP
// interface the server injects (internal/browser/cdp); the stream endpoints
// (automation relay, live view, recordings) lease sessions with Attach
// (internal/browser/streams).
package browser

import (
	"encoding/json"
	"time"
)

// Browser statuses (BrowserStatus).
const (
	StatusReady    = "READY"
	StatusDeleting = "DELETING"
)

// Profile statuses (BrowserProfileStatus).
const (
	ProfileReady    = "READY"
	ProfileDeleting = "DELETING"
)

// Session statuses (BrowserSessionStatus).
const (
	SessionReady      = "READY"
	SessionTerminated = "TERMINATED"
)

// Network modes (BrowserNetworkMode).
const (
	NetworkPublic = "PUBLIC" // egress, never to the host or other sessions
	NetworkVPC    = "VPC"    // not supported here
)

// Resource types of ListBrowsers' type filter.
const (
	TypeSystem = "SYSTEM"
	TypeCustom = "CUSTOM"
)

// BuiltinID is the AWS-managed browser every account has.
const BuiltinID = "aws.browser.v1"

// Session timeout bounds (sessionTimeoutSeconds; the AWS default is 3600).
const (
	DefaultSessionTimeout = 3600
	MaxSessionTimeout     = 28800
)

// Viewport bounds (ViewPort's documented ranges) and the default size.
const (
	MinWidth, MaxWidth   = 320, 3840
	MinHeight, MaxHeight = 240, 2160
)

// DefaultViewPort is a session's page size when StartBrowserSession names
// none (AWS documents no default; 1280x720 is a common desktop size).
var DefaultViewPort = ViewPort{Width: 1280, Height: 720}

// RecordingConfig is a browser's recording configuration.
type RecordingConfig struct {
	Enabled bool   `json:"enabled"`
	Bucket  string `json:"bucket,omitempty"`
	Prefix  string `json:"prefix,omitempty"`
}

// Browser is a browser: a custom one of an account, or the built-in
// (Builtin).
type Browser struct {
	ID               string           `json:"id"`
	Name             string           `json:"name"`
	ARN              string           `json:"arn"`
	Description      string           `json:"description,omitempty"`
	ExecutionRoleArn string           `json:"executionRoleArn,omitempty"`
	NetworkMode      string           `json:"networkMode"`
	Recording        *RecordingConfig `json:"recording,omitempty"`
	Signing          *bool            `json:"signing,omitempty"` // browserSigning.enabled, kept
	// Kept verbatim (JSON as the caller sent it); nothing here acts on them.
	Certificates             json.RawMessage `json:"certificates,omitempty"`
	EnterprisePolicies       json.RawMessage `json:"enterprisePolicies,omitempty"`
	FilesystemConfigurations json.RawMessage `json:"filesystemConfigurations,omitempty"`
	Status                   string          `json:"status"`
	FailureReason            string          `json:"failureReason,omitempty"`
	CreatedAt                time.Time       `json:"createdAt"`
	UpdatedAt                time.Time       `json:"updatedAt"`
	Builtin                  bool            `json:"-"`
}

// CreateInput is CreateBrowser's request.
type CreateInput struct {
	Name                     string
	Description              string
	ExecutionRoleArn         string
	NetworkMode              string
	VPC                      bool // a vpcConfig was given
	Recording                *RecordingConfig
	Signing                  *bool
	Certificates             json.RawMessage
	EnterprisePolicies       json.RawMessage
	FilesystemConfigurations json.RawMessage
	Tags                     map[string]string
}

// Profile is a browser profile: a name and the state last saved into it.
type Profile struct {
	ID                 string     `json:"id"`
	Name               string     `json:"name"`
	ARN                string     `json:"arn"`
	Description        string     `json:"description,omitempty"`
	Status             string     `json:"status"`
	CreatedAt          time.Time  `json:"createdAt"`
	UpdatedAt          time.Time  `json:"updatedAt"`
	LastSavedAt        *time.Time `json:"lastSavedAt,omitempty"`
	LastSavedBrowserID string     `json:"lastSavedBrowserId,omitempty"`
	LastSavedSessionID string     `json:"lastSavedSessionId,omitempty"`
}

// CreateProfileInput is CreateBrowserProfile's request.
type CreateProfileInput struct {
	Name        string
	Description string
	Tags        map[string]string
}

// Session is one browser session.
type Session struct {
	ID        string `json:"id"`
	BrowserID string `json:"browserId"`
	Name      string `json:"name,omitempty"`
	Status    string `json:"status"`
	// Node is the server replica running the session ("" = unknown).
	Node           string   `json:"node,omitempty"`
	TimeoutSeconds int      `json:"timeoutSeconds"`
	ViewPort       ViewPort `json:"viewPort"`
	NetworkMode    string   `json:"networkMode"`
	ProfileID      string   `json:"profileId,omitempty"`
	Automation     string   `json:"automation"` // automation stream status
	// BrowserWS is the path of Chromium's browser-level CDP endpoint.
	BrowserWS string     `json:"browserWS,omitempty"`
	Recording *Recording `json:"recording,omitempty"`
	// Kept verbatim; filesystemConfigurations are applied, the others not
	// (see docs/browser.md).
	Extras SessionExtras `json:"extras"`
	// Mounts: its Chromium mounts file systems (the browser's or its own)
	// and runs outside the warm pool's runtime id (rid).
	Mounts    bool      `json:"mounts,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// rid is the runtime id of the session's Chromium in runtime.Sessions.
func (sess *Session) rid() string {
	if sess.Mounts {
		return runtimeID(sess.NetworkMode) + "-fs"
	}
	return runtimeID(sess.NetworkMode)
}

// SessionExtras are StartBrowserSession members kept verbatim and
// returned by GetBrowserSession.
type SessionExtras struct {
	ProxyConfiguration       json.RawMessage `json:"proxyConfiguration,omitempty"`
	Extensions               json.RawMessage `json:"extensions,omitempty"`
	EnterprisePolicies       json.RawMessage `json:"enterprisePolicies,omitempty"`
	Certificates             json.RawMessage `json:"certificates,omitempty"`
	FilesystemConfigurations json.RawMessage `json:"filesystemConfigurations,omitempty"`
}

// StartInput is StartBrowserSession's request.
type StartInput struct {
	Name           string
	TimeoutSeconds *int
	ViewPort       *ViewPort
	ProfileID      string // profileConfiguration.profileIdentifier
	Extras         SessionExtras
}

// Page is a list request's paging.
type Page struct {
	MaxResults int
	NextToken  string
}
