package httpapi

import (
	"encoding/json"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/policy"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Wire shapes of the Policy operations (engines, policies, generations and
// their summaries).

type policyListInput struct {
	PolicyEngineID     string `json:"-" path:"policyEngineId"`
	PolicyGenerationID string `json:"-" path:"policyGenerationId"`
	listQuery
}

func (in *policyListInput) policyPage() policy.Page {
	p := in.page()
	return policy.Page{MaxResults: p.MaxResults, NextToken: p.NextToken}
}

type policyPathInput struct {
	PolicyEngineID     string `json:"-" path:"policyEngineId"`
	PolicyID           string `json:"-" path:"policyId"`
	PolicyGenerationID string `json:"-" path:"policyGenerationId"`
	ClientToken        string `json:"-" query:"clientToken"`
}

// updatedDescription is the UpdatedDescription structure.
type updatedDescription struct {
	OptionalValue *string `json:"optionalValue"`
}

func (u *updatedDescription) value() *string {
	if u == nil {
		return nil
	}
	if u.OptionalValue == nil {
		empty := ""
		return &empty
	}
	return u.OptionalValue
}

// Engines

type createPolicyEngineInput struct {
	Name             string            `json:"name"`
	Description      string            `json:"description"`
	EncryptionKeyArn string            `json:"encryptionKeyArn"`
	ClientToken      string            `json:"clientToken"`
	Tags             map[string]string `json:"tags"`
}

func (in *createPolicyEngineInput) validate() error { return tagging.Validate(in.Tags) }

type updatePolicyEngineInput struct {
	PolicyEngineID string              `json:"-" path:"policyEngineId"`
	Description    *updatedDescription `json:"description"`
}

// policyEngineSummary is the PolicyEngine list item of the summary operations.
type policyEngineSummary struct {
	PolicyEngineID   string  `json:"policyEngineId"`
	PolicyEngineArn  string  `json:"policyEngineArn"`
	Name             string  `json:"name"`
	Status           string  `json:"status"`
	CreatedAt        awsTime `json:"createdAt"`
	UpdatedAt        awsTime `json:"updatedAt"`
	EncryptionKeyArn string  `json:"encryptionKeyArn,omitempty"`
}

// policyEngineDoc is a PolicyEngine (Create/Get/Update/Delete/List).
type policyEngineDoc struct {
	policyEngineSummary
	StatusReasons []string `json:"statusReasons"`
	Description   string   `json:"description,omitempty"`
}

func engineSummary(e *policy.Engine) *policyEngineSummary {
	return &policyEngineSummary{PolicyEngineID: e.ID, PolicyEngineArn: e.ARN, Name: e.Name, Status: e.Status,
		CreatedAt: awsTime(e.CreatedAt), UpdatedAt: awsTime(e.UpdatedAt), EncryptionKeyArn: e.EncryptionKeyArn}
}

func engineDoc(e *policy.Engine) *policyEngineDoc {
	return &policyEngineDoc{policyEngineSummary: *engineSummary(e), StatusReasons: e.StatusReasons, Description: e.Description}
}

type listPolicyEnginesOutput[T any] struct {
	PolicyEngines []T    `json:"policyEngines"`
	NextToken     string `json:"nextToken,omitempty"`
}

// Policies

type createPolicyInput struct {
	PolicyEngineID  string             `json:"-" path:"policyEngineId"`
	ClientToken     string             `json:"clientToken"`
	Name            string             `json:"name"`
	Description     json.RawMessage    `json:"description"`
	Definition      *policy.Definition `json:"definition"`
	EnforcementMode string             `json:"enforcementMode"`
	ValidationMode  string             `json:"validationMode"`

	description *string // Description decoded (a string; UpdatedDescription on update)
}

func (in *createPolicyInput) validate() error {
	if len(in.Description) > 0 {
		var d string
		if err := decodeJSON(in.Description, &d); err != nil {
			return err
		}
		in.description = &d
	}
	return nil
}

func (in *createPolicyInput) policy() policy.PolicyInput {
	return policy.PolicyInput{Name: in.Name, Description: in.description, Definition: in.Definition,
		EnforcementMode: in.EnforcementMode, ValidationMode: in.ValidationMode}
}

type updatePolicyInput struct {
	PolicyID string `json:"-" path:"policyId"`
	createPolicyInput
}

func (in *updatePolicyInput) validate() error {
	if len(in.Description) > 0 {
		var u updatedDescription
		if err := decodeJSON(in.Description, &u); err != nil {
			return err
		}
		in.description = u.value()
	}
	return nil
}

// policySummary is the Policy item of the summary operations.
type policySummary struct {
	PolicyID        string  `json:"policyId"`
	PolicyArn       string  `json:"policyArn"`
	PolicyEngineID  string  `json:"policyEngineId"`
	Name            string  `json:"name"`
	Status          string  `json:"status"`
	CreatedAt       awsTime `json:"createdAt"`
	UpdatedAt       awsTime `json:"updatedAt"`
	EnforcementMode string  `json:"enforcementMode,omitempty"`
}

// policyDoc is a Policy (Create/Get/Update/Delete/List).
type policyDoc struct {
	policySummary
	Definition    policy.Definition `json:"definition"`
	StatusReasons []string          `json:"statusReasons"`
	Description   string            `json:"description,omitempty"`
}

func policySummaryOf(p *policy.Policy) *policySummary {
	return &policySummary{PolicyID: p.ID, PolicyArn: p.ARN, PolicyEngineID: p.EngineID, Name: p.Name, Status: p.Status,
		CreatedAt: awsTime(p.CreatedAt), UpdatedAt: awsTime(p.UpdatedAt), EnforcementMode: p.EnforcementMode}
}

func policyDocOf(p *policy.Policy) *policyDoc {
	return &policyDoc{policySummary: *policySummaryOf(p), Definition: p.Definition, StatusReasons: p.StatusReasons, Description: p.Description}
}

type listPoliciesOutput[T any] struct {
	Policies  []T    `json:"policies"`
	NextToken string `json:"nextToken,omitempty"`
}

// Generations

type startPolicyGenerationInput struct {
	PolicyEngineID string `json:"-" path:"policyEngineId"`
	ClientToken    string `json:"clientToken"`
	Name           string `json:"name"`
	Resource       *struct {
		Arn string `json:"arn"`
	} `json:"resource"`
	Content *struct {
		RawText string `json:"rawText"`
	} `json:"content"`
}

func (in *startPolicyGenerationInput) validate() error {
	if in.Resource == nil || in.Resource.Arn == "" {
		return errs.Field("resource", "resource.arn (the gateway) is required")
	}
	if in.Content == nil {
		return errs.Field("content", "content.rawText is required")
	}
	return nil
}

type generationResource struct {
	Arn string `json:"arn"`
}

// generationSummary is the PolicyGeneration item of the summary operations.
type generationSummary struct {
	PolicyGenerationID  string             `json:"policyGenerationId"`
	PolicyGenerationArn string             `json:"policyGenerationArn"`
	PolicyEngineID      string             `json:"policyEngineId"`
	Name                string             `json:"name"`
	Resource            generationResource `json:"resource"`
	Status              string             `json:"status"`
	CreatedAt           awsTime            `json:"createdAt"`
	UpdatedAt           awsTime            `json:"updatedAt"`
	Findings            string             `json:"findings,omitempty"`
}

// generationDoc is a PolicyGeneration (Start/Get/List).
type generationDoc struct {
	generationSummary
	StatusReasons []string `json:"statusReasons"`
}

func generationSummaryOf(g *policy.Generation) *generationSummary {
	return &generationSummary{PolicyGenerationID: g.ID, PolicyGenerationArn: g.ARN, PolicyEngineID: g.EngineID, Name: g.Name,
		Resource: generationResource{g.ResourceArn}, Status: g.Status, CreatedAt: awsTime(g.CreatedAt), UpdatedAt: awsTime(g.UpdatedAt),
		Findings: g.Findings}
}

func generationDocOf(g *policy.Generation) *generationDoc {
	return &generationDoc{generationSummary: *generationSummaryOf(g), StatusReasons: g.StatusReasons}
}

type listGenerationsOutput[T any] struct {
	PolicyGenerations []T    `json:"policyGenerations"`
	NextToken         string `json:"nextToken,omitempty"`
}

type generationAsset struct {
	PolicyGenerationAssetID string           `json:"policyGenerationAssetId"`
	RawTextFragment         string           `json:"rawTextFragment"`
	Findings                []policy.Finding `json:"findings"`
	Definition              assetDefinition  `json:"definition"`
}

type assetDefinition struct {
	Cedar struct {
		Statement string `json:"statement"`
	} `json:"cedar"`
}

type listGenerationAssetsOutput struct {
	PolicyGenerationAssets []generationAsset `json:"policyGenerationAssets"`
}

func generationAssetOf(a policy.Asset) generationAsset {
	out := generationAsset{PolicyGenerationAssetID: a.ID, RawTextFragment: a.Fragment, Findings: a.Findings}
	out.Definition.Cedar.Statement = a.Statement
	return out
}
