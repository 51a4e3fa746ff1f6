// Package codeinterpreter is the AgentCore Code Interpreter: custom
// interpreters (control plane), the built-in aws.codeinterpreter.v1,
// sessions that each run a kernel (internal/codeinterpreter/kernel) in the
// server's sandbox driver through runtime.Sessions, and tool calls relayed
// to that kernel (TypeScript is transpiled here, with esbuild's Go API).
package codeinterpreter

import (
	"encoding/json"
	"time"
)

// Interpreter statuses (CodeInterpreterStatus).
const (
	StatusCreating     = "CREATING"
	StatusCreateFailed = "CREATE_FAILED"
	StatusReady        = "READY"
	StatusDeleting     = "DELETING"
	StatusDeleteFailed = "DELETE_FAILED"
	StatusDeleted      = "DELETED"
)

// Session statuses (CodeInterpreterSessionStatus).
const (
	SessionReady      = "READY"
	SessionTerminated = "TERMINATED"
)

// Network modes (CodeInterpreterNetworkMode).
const (
	NetworkSandbox = "SANDBOX" // no network at all
	NetworkPublic  = "PUBLIC"  // egress, never to the host or other sessions
	NetworkVPC     = "VPC"     // not supported here
)

// Resource types of ListCodeInterpreters' type filter.
const (
	TypeSystem = "SYSTEM"
	TypeCustom = "CUSTOM"
)

// BuiltinID is the AWS-managed interpreter every account has.
const BuiltinID = "aws.codeinterpreter.v1"

// Session timeout bounds (sessionTimeoutSeconds).
const (
	DefaultSessionTimeout = 900
	MaxSessionTimeout     = 28800
)

// Interpreter is a code interpreter: a custom one of an account, or the
// built-in (Builtin).
type Interpreter struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	ARN              string `json:"arn"`
	Description      string `json:"description,omitempty"`
	ExecutionRoleArn string `json:"executionRoleArn,omitempty"`
	NetworkMode      string `json:"networkMode"`
	// Certificates and FilesystemConfigurations are kept verbatim (JSON as
	// the caller sent it); nothing here acts on them.
	Certificates             json.RawMessage `json:"certificates,omitempty"`
	FilesystemConfigurations json.RawMessage `json:"filesystemConfigurations,omitempty"`
	Status                   string          `json:"status"`
	FailureReason            string          `json:"failureReason,omitempty"`
	CreatedAt                time.Time       `json:"createdAt"`
	UpdatedAt                time.Time       `json:"updatedAt"`
	Builtin                  bool            `json:"-"`
}

// CreateInput is CreateCodeInterpreter's request.
type CreateInput struct {
	Name                     string
	Description              string
	ExecutionRoleArn         string
	NetworkMode              string
	VPC                      bool // a vpcConfig was given
	Certificates             json.RawMessage
	FilesystemConfigurations json.RawMessage
	Tags                     map[string]string
}

// Session is one code interpreter session.
type Session struct {
	ID            string `json:"id"`
	InterpreterID string `json:"interpreterId"`
	Name          string `json:"name,omitempty"`
	Status        string `json:"status"`
	// Node is the server replica running the session ("" = unknown).
	Node                     string          `json:"node,omitempty"`
	TimeoutSeconds           int             `json:"timeoutSeconds"`
	NetworkMode              string          `json:"networkMode"`
	Certificates             json.RawMessage `json:"certificates,omitempty"`
	FilesystemConfigurations json.RawMessage `json:"filesystemConfigurations,omitempty"`
	// Mounts: its kernel mounts file systems (the interpreter's or its own)
	// and runs outside the warm pool's runtime id (rid).
	Mounts    bool      `json:"mounts,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// rid is the runtime id of the session's kernel in runtime.Sessions.
func (sess *Session) rid() string {
	if sess.Mounts {
		return runtimeID(sess.NetworkMode) + "-fs"
	}
	return runtimeID(sess.NetworkMode)
}

// StartInput is StartCodeInterpreterSession's request.
type StartInput struct {
	Name                     string
	TimeoutSeconds           *int
	Certificates             json.RawMessage
	FilesystemConfigurations json.RawMessage
}

// Page is a list request's paging.
type Page struct {
	MaxResults int
	NextToken  string
}
