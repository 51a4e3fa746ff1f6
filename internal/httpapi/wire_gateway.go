package httpapi

import (
	"encoding/json"

	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Wire shapes of the Gateway control-plane operations.

// gatewayListQuery is the maxResults (1-1000) and nextToken query of the
// gateway list operations.
type gatewayListQuery struct{ listQuery }

func (q *gatewayListQuery) validate() error { _, err := q.pageOf(1000); return err }

func (q *gatewayListQuery) page() gateway.Page {
	p, _ := q.pageOf(1000)
	return gateway.Page{MaxResults: p.MaxResults, NextToken: p.NextToken}
}

type createGatewayInput struct {
	gateway.Config
	ClientToken string            `json:"clientToken"`
	Tags        map[string]string `json:"tags"`
}

func (in *createGatewayInput) validate() error { return tagging.Validate(in.Tags) }

type updateGatewayInput struct {
	GatewayIdentifier string `json:"-" path:"gatewayIdentifier"`
	gateway.Config
}

type gatewayPathInput struct {
	GatewayIdentifier string `json:"-" path:"gatewayIdentifier"`
	TargetID          string `json:"-" path:"targetId"`
}

// gatewayDoc is GetGateway's body (also Create/Update).
type gatewayDoc struct {
	GatewayArn                   string                             `json:"gatewayArn"`
	GatewayID                    string                             `json:"gatewayId"`
	Name                         string                             `json:"name"`
	Status                       string                             `json:"status"`
	AuthorizerType               string                             `json:"authorizerType"`
	ProtocolType                 string                             `json:"protocolType"`
	RoleArn                      string                             `json:"roleArn"`
	CreatedAt                    awsTime                            `json:"createdAt"`
	UpdatedAt                    awsTime                            `json:"updatedAt"`
	GatewayURL                   string                             `json:"gatewayUrl"`
	WorkloadIdentityDetails      workloadIdentityDetails            `json:"workloadIdentityDetails"`
	Description                  string                             `json:"description,omitempty"`
	StatusReasons                []string                           `json:"statusReasons,omitempty"`
	ProtocolConfiguration        *gateway.ProtocolConfiguration     `json:"protocolConfiguration,omitempty"`
	AuthorizerConfiguration      *gateway.AuthorizerConfiguration   `json:"authorizerConfiguration,omitempty"`
	InterceptorConfigurations    []gateway.InterceptorConfiguration `json:"interceptorConfigurations,omitempty"`
	PolicyEngineConfiguration    *gateway.PolicyEngineConfiguration `json:"policyEngineConfiguration,omitempty"`
	ExceptionLevel               string                             `json:"exceptionLevel,omitempty"`
	KmsKeyArn                    string                             `json:"kmsKeyArn,omitempty"`
	CustomTransformConfiguration json.RawMessage                    `json:"customTransformConfiguration,omitempty"`
	WafConfiguration             json.RawMessage                    `json:"wafConfiguration,omitempty"`
}

func gatewayDocOf(g *gateway.Gateway, url string) *gatewayDoc {
	return &gatewayDoc{GatewayArn: g.ARN, GatewayID: g.ID, Name: g.Name, Status: g.Status, AuthorizerType: g.AuthorizerType,
		ProtocolType: g.ProtocolType, RoleArn: g.RoleArn, CreatedAt: awsTime(g.CreatedAt), UpdatedAt: awsTime(g.UpdatedAt),
		GatewayURL: url, WorkloadIdentityDetails: workload(g.WorkloadIdentityArn), Description: g.Description,
		StatusReasons: g.StatusReasons, ProtocolConfiguration: g.ProtocolConfiguration, AuthorizerConfiguration: g.AuthorizerConfiguration,
		InterceptorConfigurations: g.InterceptorConfigurations, PolicyEngineConfiguration: g.PolicyEngineConfiguration,
		ExceptionLevel: g.ExceptionLevel, KmsKeyArn: g.KmsKeyArn,
		CustomTransformConfiguration: g.CustomTransformConfiguration, WafConfiguration: g.WafConfiguration}
}

type deleteGatewayOutput struct {
	GatewayID string `json:"gatewayId"`
	Status    string `json:"status"`
}

type listGatewaysInput struct {
	GatewayIdentifier string `json:"-" path:"gatewayIdentifier"` // targets only
	gatewayListQuery
}

type gatewaySummary struct {
	GatewayID      string  `json:"gatewayId"`
	Name           string  `json:"name"`
	Status         string  `json:"status"`
	AuthorizerType string  `json:"authorizerType"`
	ProtocolType   string  `json:"protocolType"`
	CreatedAt      awsTime `json:"createdAt"`
	UpdatedAt      awsTime `json:"updatedAt"`
	Description    string  `json:"description,omitempty"`
}

func gatewaySummaryOf(g *gateway.Gateway) gatewaySummary {
	return gatewaySummary{GatewayID: g.ID, Name: g.Name, Status: g.Status, AuthorizerType: g.AuthorizerType,
		ProtocolType: g.ProtocolType, CreatedAt: awsTime(g.CreatedAt), UpdatedAt: awsTime(g.UpdatedAt), Description: g.Description}
}

type listGatewaysOutput struct {
	Items     []gatewaySummary `json:"items"`
	NextToken string           `json:"nextToken,omitempty"`
}

// Targets

type targetInput struct {
	GatewayIdentifier string `json:"-" path:"gatewayIdentifier"`
	TargetID          string `json:"-" path:"targetId"`
	ClientToken       string `json:"clientToken"`
	gateway.TargetInput
}

// targetDoc is a GatewayTarget (Create/Get/Update and synchronize).
type targetDoc struct {
	GatewayArn                       string                                    `json:"gatewayArn"`
	TargetID                         string                                    `json:"targetId"`
	Name                             string                                    `json:"name"`
	Status                           string                                    `json:"status"`
	TargetConfiguration              gateway.TargetConfiguration               `json:"targetConfiguration"`
	CredentialProviderConfigurations []gateway.CredentialProviderConfiguration `json:"credentialProviderConfigurations"`
	CreatedAt                        awsTime                                   `json:"createdAt"`
	UpdatedAt                        awsTime                                   `json:"updatedAt"`
	ProtocolType                     string                                    `json:"protocolType"`
	Description                      string                                    `json:"description,omitempty"`
	StatusReasons                    []string                                  `json:"statusReasons,omitempty"`
	LastSynchronizedAt               *awsTime                                  `json:"lastSynchronizedAt,omitempty"`
	MetadataConfiguration            json.RawMessage                           `json:"metadataConfiguration,omitempty"`
}

func targetDocOf(g *gateway.Gateway, t *gateway.Target) *targetDoc {
	return &targetDoc{GatewayArn: g.ARN, TargetID: t.ID, Name: t.Name, Status: t.Status, TargetConfiguration: t.TargetConfiguration,
		CredentialProviderConfigurations: t.CredentialProviderConfigurations, CreatedAt: awsTime(t.CreatedAt), UpdatedAt: awsTime(t.UpdatedAt),
		ProtocolType: "MCP", Description: t.Description, StatusReasons: t.StatusReasons, LastSynchronizedAt: optTime(t.LastSynchronizedAt),
		MetadataConfiguration: t.MetadataConfiguration}
}

type deleteTargetOutput struct {
	GatewayArn string `json:"gatewayArn"`
	TargetID   string `json:"targetId"`
	Status     string `json:"status"`
}

type targetSummary struct {
	TargetID           string   `json:"targetId"`
	Name               string   `json:"name"`
	Status             string   `json:"status"`
	TargetType         string   `json:"targetType"`
	CreatedAt          awsTime  `json:"createdAt"`
	UpdatedAt          awsTime  `json:"updatedAt"`
	Description        string   `json:"description,omitempty"`
	LastSynchronizedAt *awsTime `json:"lastSynchronizedAt,omitempty"`
}

func targetSummaryOf(t *gateway.Target) targetSummary {
	return targetSummary{TargetID: t.ID, Name: t.Name, Status: t.Status, TargetType: t.Kind(), CreatedAt: awsTime(t.CreatedAt),
		UpdatedAt: awsTime(t.UpdatedAt), Description: t.Description, LastSynchronizedAt: optTime(t.LastSynchronizedAt)}
}

type listTargetsOutput struct {
	Items     []targetSummary `json:"items"`
	NextToken string          `json:"nextToken,omitempty"`
}

type synchronizeTargetsInput struct {
	GatewayIdentifier string   `json:"-" path:"gatewayIdentifier"`
	TargetIDList      []string `json:"targetIdList"`
}

type synchronizeTargetsOutput struct {
	Targets []*targetDoc `json:"targets"`
}
