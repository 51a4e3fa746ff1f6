// Package policy implements AgentCore Policy: policy engines holding Cedar
// policies that authorize gateway tool calls. Policies are validated on
// write against a Cedar schema generated from the tools of the gateways they
// govern (principal AgentCore::OAuthUser with the caller's JWT claims as
// tags, one action per tool, resource the gateway, context.input the tool
// arguments), compiled once, and indexed by action so an authorization only
// evaluates the policies that can apply to the called tool.
package policy

import (
	"context"
	"encoding/json"
	"time"
)

var _ json.RawMessage

// Statuses and modes.
const (
	StatusActive   = "ACTIVE"
	StatusDeleting = "DELETING"

	EnforceActive  = "ACTIVE"
	EnforceLogOnly = "LOG_ONLY"

	ValidateFailOnFindings = "FAIL_ON_ANY_FINDINGS"
	ValidateIgnoreFindings = "IGNORE_ALL_FINDINGS"
)

// Engine is a policy engine.
type Engine struct {
	ID               string    `json:"policyEngineId"`
	ARN              string    `json:"policyEngineArn"`
	Name             string    `json:"name"`
	Description      string    `json:"description,omitempty"`
	EncryptionKeyArn string    `json:"encryptionKeyArn,omitempty"`
	Status           string    `json:"status"`
	StatusReasons    []string  `json:"statusReasons"`
	CreatedAt        time.Time `json:"createdAt"`
	UpdatedAt        time.Time `json:"updatedAt"`
}

// Policy is one Cedar policy of an engine.
type Policy struct {
	ID              string     `json:"policyId"`
	ARN             string     `json:"policyArn"`
	EngineID        string     `json:"policyEngineId"`
	Name            string     `json:"name"`
	Description     string     `json:"description,omitempty"`
	Definition      Definition `json:"definition"`
	EnforcementMode string     `json:"enforcementMode,omitempty"`
	Status          string     `json:"status"`
	StatusReasons   []string   `json:"statusReasons"`
	CreatedAt       time.Time  `json:"createdAt"`
	UpdatedAt       time.Time  `json:"updatedAt"`
}

// Definition is the PolicyDefinition union.
type Definition struct {
	Cedar            *Statement     `json:"cedar,omitempty"`
	Policy           *Statement     `json:"policy,omitempty"`
	PolicyGeneration *GenerationRef `json:"policyGeneration,omitempty"`
}

// Statement holds Cedar text.
type Statement struct {
	Statement string `json:"statement"`
}

// PolicyInput is the writable part of a policy.
type PolicyInput struct {
	Name            string      `json:"name"`
	Description     *string     `json:"-"`
	Definition      *Definition `json:"definition"`
	EnforcementMode string      `json:"enforcementMode"`
	ValidationMode  string      `json:"validationMode"`
}

// Page is a list request's paging.
type Page struct {
	MaxResults int
	NextToken  string
}

// Tool is what the schema needs to know about one gateway tool.
type Tool struct {
	// Name is the exposed name ({target}___{tool}), the Cedar action id.
	Name        string
	InputSchema json.RawMessage
}

// Tools tells the policy service which tools a gateway serves and which
// gateways use an engine (implemented over the gateway service).
type Tools interface {
	GatewayTools(ctx context.Context, gatewayArn string) ([]Tool, error)
	EngineGateways(ctx context.Context, engineArn string) ([]string, error)
}

// Generator turns a natural-language description into Cedar text (a model
// provider; see internal/model).
type Generator interface {
	Generate(ctx context.Context, prompt string) (string, error)
}
