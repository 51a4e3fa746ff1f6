// Package runtime is the AgentCore Runtime service: agent runtimes, their
// immutable versions and endpoints (control plane), and sessions that host
// the agent and relay invocations to it (data plane). It speaks no HTTP to
// callers; the edge (internal/httpapi) translates.
package runtime

import (
	"encoding/json"
	"time"
)

// Status values of runtimes and endpoints (AgentRuntimeStatus,
// AgentRuntimeEndpointStatus).
const (
	StatusCreating     = "CREATING"
	StatusCreateFailed = "CREATE_FAILED"
	StatusUpdating     = "UPDATING"
	StatusUpdateFailed = "UPDATE_FAILED"
	StatusReady        = "READY"
	StatusDeleting     = "DELETING"
)

// DefaultEndpoint is the endpoint every runtime has; it follows the latest version.
const DefaultEndpoint = "DEFAULT"

// Config is the versioned configuration of an agent runtime, in the AWS wire
// shape (member names as in CreateAgentRuntime).
type Config struct {
	Artifact                   Artifact                    `json:"agentRuntimeArtifact"`
	RoleArn                    string                      `json:"roleArn"`
	Description                string                      `json:"description,omitempty"`
	EnvironmentVariables       map[string]string           `json:"environmentVariables,omitempty"`
	NetworkConfiguration       *NetworkConfiguration       `json:"networkConfiguration,omitempty"`
	ProtocolConfiguration      *ProtocolConfiguration      `json:"protocolConfiguration,omitempty"`
	LifecycleConfiguration     *LifecycleConfiguration     `json:"lifecycleConfiguration,omitempty"`
	RequestHeaderConfiguration *RequestHeaderConfiguration `json:"requestHeaderConfiguration,omitempty"`
	PlatformVersion            string                      `json:"platformVersion,omitempty"`
	// Kept and returned as given; enforced by later services.
	AuthorizerConfiguration       json.RawMessage `json:"authorizerConfiguration,omitempty"`
	AllowedPorts                  json.RawMessage `json:"allowedPorts,omitempty"`
	FilesystemConfigurations      json.RawMessage `json:"filesystemConfigurations,omitempty"`
	MetadataConfiguration         json.RawMessage `json:"metadataConfiguration,omitempty"`
	CapacityProviderConfiguration json.RawMessage `json:"capacityProviderConfiguration,omitempty"`
}

// Artifact is the AgentRuntimeArtifact union.
type Artifact struct {
	Code      *CodeConfiguration      `json:"codeConfiguration,omitempty"`
	Container *ContainerConfiguration `json:"containerConfiguration,omitempty"`
}

// CodeConfiguration is a zip in the artifact store plus how to run it.
type CodeConfiguration struct {
	Code       Code     `json:"code"`
	Runtime    string   `json:"runtime"`
	EntryPoint []string `json:"entryPoint"`
}

// Code is the Code union; only s3 exists.
type Code struct {
	S3 *S3Location `json:"s3,omitempty"`
}

// S3Location names an object in the artifact store.
type S3Location struct {
	Bucket    string `json:"bucket"`
	Prefix    string `json:"prefix"`
	VersionID string `json:"versionId,omitempty"`
}

// ContainerConfiguration names an OCI image.
type ContainerConfiguration struct {
	ContainerURI string `json:"containerUri"`
}

// NetworkConfiguration is the runtime's network mode.
type NetworkConfiguration struct {
	NetworkMode       string          `json:"networkMode"`
	NetworkModeConfig json.RawMessage `json:"networkModeConfig,omitempty"`
}

// ProtocolConfiguration selects HTTP, MCP, A2A or AGUI.
type ProtocolConfiguration struct {
	ServerProtocol string `json:"serverProtocol"`
	Port           *int   `json:"port,omitempty"`
	Path           string `json:"path,omitempty"`
}

// LifecycleConfiguration bounds session lifetimes (seconds).
type LifecycleConfiguration struct {
	IdleRuntimeSessionTimeout *int `json:"idleRuntimeSessionTimeout,omitempty"`
	MaxLifetime               *int `json:"maxLifetime,omitempty"`
}

// RequestHeaderConfiguration is the union holding the header allow-list.
type RequestHeaderConfiguration struct {
	RequestHeaderAllowlist []string `json:"requestHeaderAllowlist,omitempty"`
}

// Runtime is the mutable record of an agent runtime.
type Runtime struct {
	ID                  string    `json:"id"`
	Name                string    `json:"name"`
	ARN                 string    `json:"arn"`
	LatestVersion       int       `json:"latestVersion"`
	Status              string    `json:"status"`
	FailureReason       string    `json:"failureReason,omitempty"`
	WorkloadIdentityARN string    `json:"workloadIdentityArn"`
	CreatedAt           time.Time `json:"createdAt"`
	UpdatedAt           time.Time `json:"updatedAt"`
}

// Version is one immutable configuration of a runtime.
type Version struct {
	RuntimeID     string `json:"runtimeId"`
	Version       int    `json:"version"`
	Config        Config `json:"config"`
	Status        string `json:"status"`
	FailureReason string `json:"failureReason,omitempty"`
	// Image is the container image a containerConfiguration version
	// resolved to when it was prepared; every session runs exactly it.
	Image     *VersionImage `json:"image,omitempty"`
	CreatedAt time.Time     `json:"createdAt"`
	UpdatedAt time.Time     `json:"updatedAt"`
}

// VersionImage pins a version's container image.
type VersionImage struct {
	Ref    string `json:"ref"`    // containerUri as given
	Digest string `json:"digest"` // manifest digest (sha256:...)
}

// Endpoint routes invocations to a version of a runtime.
type Endpoint struct {
	RuntimeID     string    `json:"runtimeId"`
	Name          string    `json:"name"`
	ID            string    `json:"id"`
	ARN           string    `json:"arn"`
	Description   string    `json:"description,omitempty"`
	LiveVersion   int       `json:"liveVersion,omitempty"`
	TargetVersion int       `json:"targetVersion,omitempty"`
	Status        string    `json:"status"`
	FailureReason string    `json:"failureReason,omitempty"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// RuntimeView is a runtime as seen at one version (GetAgentRuntime).
type RuntimeView struct {
	Runtime
	Version Version
}

// Page asks for one page of a list.
type Page struct {
	MaxResults int
	NextToken  string
}
