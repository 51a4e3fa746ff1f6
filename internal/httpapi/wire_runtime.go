package httpapi

import (
	"encoding/json"
	"strconv"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Wire shapes of the Runtime control-plane operations
// (bedrock-agentcore-control: agent runtimes, versions, endpoints) and of
// Tagging.

// listQuery is the maxResults (1-100) and nextToken query of a list operation.
type listQuery struct {
	MaxResults string `json:"-" query:"maxResults"`
	NextToken  string `json:"-" query:"nextToken"`
}

func (q *listQuery) validate() error { _, err := q.pageOf(100); return err }

func (q *listQuery) pageOf(limit int) (runtime.Page, error) {
	p := runtime.Page{NextToken: q.NextToken}
	if q.MaxResults != "" {
		n, err := strconv.Atoi(q.MaxResults)
		if err != nil || n < 1 || n > limit {
			return p, errs.Field("maxResults", "maxResults must be an integer from 1 to %d", limit)
		}
		p.MaxResults = n
	}
	if len(p.NextToken) > 2048 {
		return p, errs.Field("nextToken", "nextToken is longer than 2048 characters")
	}
	return p, nil
}

// page is the validated page of a list operation (validate ran first).
func (q *listQuery) page() runtime.Page { p, _ := q.pageOf(100); return p }

type workloadIdentityDetails struct {
	WorkloadIdentityArn string `json:"workloadIdentityArn"`
}

func workload(arn string) workloadIdentityDetails { return workloadIdentityDetails{arn} }

// CreateAgentRuntime / UpdateAgentRuntime

type createAgentRuntimeInput struct {
	runtime.Config
	AgentRuntimeName string            `json:"agentRuntimeName" required:"true"`
	ClientToken      string            `json:"clientToken"`
	Tags             map[string]string `json:"tags"`
}

func (in *createAgentRuntimeInput) validate() error {
	return validateRuntimeConfig(&in.Config, in.Tags)
}

type updateAgentRuntimeInput struct {
	AgentRuntimeID string `json:"-" path:"agentRuntimeId"`
	runtime.Config
	ClientToken string            `json:"clientToken"`
	Tags        map[string]string `json:"tags"`
}

func (in *updateAgentRuntimeInput) validate() error {
	return validateRuntimeConfig(&in.Config, in.Tags)
}

func validateRuntimeConfig(c *runtime.Config, tags map[string]string) error {
	if c.RoleArn == "" {
		return errs.Field("roleArn", "roleArn is required")
	}
	return tagging.Validate(tags)
}

type createAgentRuntimeOutput struct {
	AgentRuntimeArn         string                  `json:"agentRuntimeArn"`
	AgentRuntimeID          string                  `json:"agentRuntimeId"`
	AgentRuntimeVersion     string                  `json:"agentRuntimeVersion"`
	CreatedAt               awsTime                 `json:"createdAt"`
	LastUpdatedAt           *awsTime                `json:"lastUpdatedAt,omitempty"` // Update only
	Status                  string                  `json:"status"`
	WorkloadIdentityDetails workloadIdentityDetails `json:"workloadIdentityDetails"`
}

// GetAgentRuntime / DeleteAgentRuntime

type agentRuntimeVersionInput struct {
	AgentRuntimeID string `json:"-" path:"agentRuntimeId"`
	Version        string `json:"-" query:"version"`
	ClientToken    string `json:"-" query:"clientToken"`
}

type getAgentRuntimeOutput struct {
	AgentRuntimeArn               string                              `json:"agentRuntimeArn"`
	AgentRuntimeID                string                              `json:"agentRuntimeId"`
	AgentRuntimeName              string                              `json:"agentRuntimeName"`
	AgentRuntimeVersion           string                              `json:"agentRuntimeVersion"`
	AgentRuntimeArtifact          runtime.Artifact                    `json:"agentRuntimeArtifact"`
	CreatedAt                     awsTime                             `json:"createdAt"`
	LastUpdatedAt                 awsTime                             `json:"lastUpdatedAt"`
	LifecycleConfiguration        *runtime.LifecycleConfiguration     `json:"lifecycleConfiguration"`
	RoleArn                       string                              `json:"roleArn"`
	Status                        string                              `json:"status"`
	WorkloadIdentityDetails       workloadIdentityDetails             `json:"workloadIdentityDetails"`
	NetworkConfiguration          *runtime.NetworkConfiguration       `json:"networkConfiguration"`
	ProtocolConfiguration         *runtime.ProtocolConfiguration      `json:"protocolConfiguration"`
	FailureReason                 string                              `json:"failureReason,omitempty"`
	Description                   string                              `json:"description,omitempty"`
	EnvironmentVariables          map[string]string                   `json:"environmentVariables,omitempty"`
	RequestHeaderConfiguration    *runtime.RequestHeaderConfiguration `json:"requestHeaderConfiguration,omitempty"`
	PlatformVersion               string                              `json:"platformVersion,omitempty"`
	AuthorizerConfiguration       json.RawMessage                     `json:"authorizerConfiguration,omitempty"`
	AllowedPorts                  json.RawMessage                     `json:"allowedPorts,omitempty"`
	FilesystemConfigurations      json.RawMessage                     `json:"filesystemConfigurations,omitempty"`
	MetadataConfiguration         json.RawMessage                     `json:"metadataConfiguration,omitempty"`
	CapacityProviderConfiguration json.RawMessage                     `json:"capacityProviderConfiguration,omitempty"`
}

// runtimeDoc renders GetAgentRuntime's body for one version.
func runtimeDoc(v *runtime.RuntimeView) *getAgentRuntimeOutput {
	c := v.Version.Config
	lc := c.LifecycleConfiguration
	if lc == nil {
		idle, max := 900, 28800
		lc = &runtime.LifecycleConfiguration{IdleRuntimeSessionTimeout: &idle, MaxLifetime: &max}
	}
	status, reason := v.Status, v.FailureReason
	if v.Version.Version != v.LatestVersion {
		status, reason = v.Version.Status, v.Version.FailureReason
	}
	return &getAgentRuntimeOutput{
		AgentRuntimeArn: v.ARN, AgentRuntimeID: v.ID, AgentRuntimeName: v.Name,
		AgentRuntimeVersion: itoa(v.Version.Version), AgentRuntimeArtifact: c.Artifact,
		CreatedAt: awsTime(v.CreatedAt), LastUpdatedAt: awsTime(v.Version.UpdatedAt),
		LifecycleConfiguration: lc, RoleArn: c.RoleArn, Status: status,
		WorkloadIdentityDetails: workload(v.WorkloadIdentityARN),
		NetworkConfiguration:    orDefault(c.NetworkConfiguration, &runtime.NetworkConfiguration{NetworkMode: "PUBLIC"}),
		ProtocolConfiguration:   orDefault(c.ProtocolConfiguration, &runtime.ProtocolConfiguration{ServerProtocol: "HTTP"}),
		FailureReason:           reason, Description: c.Description, EnvironmentVariables: c.EnvironmentVariables,
		RequestHeaderConfiguration: c.RequestHeaderConfiguration, PlatformVersion: c.PlatformVersion,
		AuthorizerConfiguration: optRaw(c.AuthorizerConfiguration), AllowedPorts: optRaw(c.AllowedPorts),
		FilesystemConfigurations: optRaw(c.FilesystemConfigurations), MetadataConfiguration: optRaw(c.MetadataConfiguration),
		CapacityProviderConfiguration: optRaw(c.CapacityProviderConfiguration),
	}
}

func orDefault[T any](v, def *T) *T {
	if v != nil {
		return v
	}
	return def
}

type deleteAgentRuntimeOutput struct {
	AgentRuntimeID      string `json:"agentRuntimeId"`
	Status              string `json:"status"`
	AgentRuntimeVersion string `json:"agentRuntimeVersion,omitempty"`
}

// ListAgentRuntimes / ListAgentRuntimeVersions

type listAgentRuntimesInput struct {
	AgentRuntimeID string `json:"-" path:"agentRuntimeId"` // versions only
	listQuery
}

type agentRuntimeSummary struct {
	AgentRuntimeArn     string  `json:"agentRuntimeArn"`
	AgentRuntimeID      string  `json:"agentRuntimeId"`
	AgentRuntimeName    string  `json:"agentRuntimeName"`
	AgentRuntimeVersion string  `json:"agentRuntimeVersion"`
	Description         string  `json:"description"`
	LastUpdatedAt       awsTime `json:"lastUpdatedAt"`
	Status              string  `json:"status"`
}

func summary(rt *runtime.Runtime, v *runtime.Version, status string) agentRuntimeSummary {
	return agentRuntimeSummary{AgentRuntimeArn: rt.ARN, AgentRuntimeID: rt.ID, AgentRuntimeName: rt.Name,
		AgentRuntimeVersion: itoa(v.Version), Description: v.Config.Description, LastUpdatedAt: awsTime(v.UpdatedAt), Status: status}
}

type listAgentRuntimesOutput struct {
	AgentRuntimes []agentRuntimeSummary `json:"agentRuntimes"`
	NextToken     string                `json:"nextToken,omitempty"`
}

// itoa renders a version number ("" for none).
func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// mapItems renders each item of a page with doc (never nil: an empty page
// is an empty list on the wire).
func mapItems[T, W any](items []T, doc func(T) W) []W {
	out := make([]W, 0, len(items))
	for _, it := range items {
		out = append(out, doc(it))
	}
	return out
}
