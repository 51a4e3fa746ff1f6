package httpapi

import (
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Wire shapes of the agent runtime endpoint operations and of Tagging.

// endpointInput is the input of Create/Get/Update/Delete/ListAgentRuntimeEndpoint(s).
type endpointInput struct {
	AgentRuntimeID      string            `json:"-" path:"agentRuntimeId"`
	EndpointName        string            `json:"-" path:"endpointName"`
	AgentRuntimeVersion string            `json:"agentRuntimeVersion"`
	ClientToken         string            `json:"clientToken"`
	Description         *string           `json:"description"`
	Name                string            `json:"name"`
	Tags                map[string]string `json:"tags"`

	version int // parsed AgentRuntimeVersion
}

func (in *endpointInput) validate() error {
	n, err := runtime.ParseVersion("agentRuntimeVersion", in.AgentRuntimeVersion)
	if err != nil {
		return err
	}
	in.version = n
	return tagging.Validate(in.Tags)
}

// endpoint is the runtime.EndpointInput the request names (the path's
// endpoint name wins over the body's).
func (in *endpointInput) endpoint() runtime.EndpointInput {
	name := in.Name
	if in.EndpointName != "" {
		name = in.EndpointName
	}
	return runtime.EndpointInput{RuntimeID: in.AgentRuntimeID, Name: name, Version: in.version, Description: in.Description, Tags: in.Tags}
}

type endpointPathInput struct {
	AgentRuntimeID string `json:"-" path:"agentRuntimeId"`
	EndpointName   string `json:"-" path:"endpointName"`
	ClientToken    string `json:"-" query:"clientToken"`
}

type createEndpointOutput struct {
	AgentRuntimeArn         string  `json:"agentRuntimeArn"`
	AgentRuntimeEndpointArn string  `json:"agentRuntimeEndpointArn"`
	AgentRuntimeID          string  `json:"agentRuntimeId"`
	CreatedAt               awsTime `json:"createdAt"`
	EndpointName            string  `json:"endpointName"`
	Status                  string  `json:"status"`
	TargetVersion           string  `json:"targetVersion"`
}

// endpointDoc is GetAgentRuntimeEndpoint's body, the list item and (without
// id and name) UpdateAgentRuntimeEndpoint's body.
type endpointDoc struct {
	AgentRuntimeArn         string  `json:"agentRuntimeArn"`
	AgentRuntimeEndpointArn string  `json:"agentRuntimeEndpointArn"`
	ID                      string  `json:"id,omitempty"`
	Name                    string  `json:"name,omitempty"`
	CreatedAt               awsTime `json:"createdAt"`
	LastUpdatedAt           awsTime `json:"lastUpdatedAt"`
	Status                  string  `json:"status"`
	LiveVersion             string  `json:"liveVersion,omitempty"`
	TargetVersion           string  `json:"targetVersion,omitempty"`
	Description             string  `json:"description,omitempty"`
	FailureReason           string  `json:"failureReason,omitempty"`
}

func endpointDocOf(ep *runtime.Endpoint, rtARN string) *endpointDoc {
	return &endpointDoc{AgentRuntimeArn: rtARN, AgentRuntimeEndpointArn: ep.ARN, ID: ep.ID, Name: ep.Name,
		CreatedAt: awsTime(ep.CreatedAt), LastUpdatedAt: awsTime(ep.UpdatedAt), Status: ep.Status,
		LiveVersion: itoa(ep.LiveVersion), TargetVersion: itoa(ep.TargetVersion), Description: ep.Description, FailureReason: ep.FailureReason}
}

type listEndpointsInput struct {
	AgentRuntimeID string `json:"-" path:"agentRuntimeId"`
	listQuery
}

type listEndpointsOutput struct {
	RuntimeEndpoints []*endpointDoc `json:"runtimeEndpoints"`
	NextToken        string         `json:"nextToken,omitempty"`
}

type deleteEndpointOutput struct {
	AgentRuntimeID string `json:"agentRuntimeId"`
	EndpointName   string `json:"endpointName"`
	Status         string `json:"status"`
}

// Tagging

type tagResourceInput struct {
	ResourceArn string            `json:"-" path:"resourceArn"`
	Tags        map[string]string `json:"tags" required:"true"`
}

type untagResourceInput struct {
	ResourceArn string   `json:"-" path:"resourceArn"`
	TagKeys     []string `json:"-" query:"tagKeys" required:"true"`
}

type resourceArnInput struct {
	ResourceArn string `json:"-" path:"resourceArn"`
}

type listTagsOutput struct {
	Tags map[string]string `json:"tags"`
}
