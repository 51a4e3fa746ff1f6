package policy

import (
	"context"
	"fmt"
	"strings"
	"time"

	cedar "github.com/cedar-policy/cedar-go"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Policy generation statuses and finding types.
const (
	GenGenerating = "GENERATING"
	GenGenerated  = "GENERATED"
	GenFailed     = "GENERATE_FAILED"

	FindingValid   = "VALID"
	FindingInvalid = "INVALID"
)

const tblGeneration = "policy_generation"

// Generation is one natural-language → Cedar generation run.
type Generation struct {
	ID            string    `json:"policyGenerationId"`
	ARN           string    `json:"policyGenerationArn"`
	EngineID      string    `json:"policyEngineId"`
	Name          string    `json:"name"`
	ResourceArn   string    `json:"resourceArn"`
	Text          string    `json:"rawText"`
	Status        string    `json:"status"`
	StatusReasons []string  `json:"statusReasons"`
	Findings      string    `json:"findings,omitempty"`
	Assets        []Asset   `json:"assets,omitempty"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// Asset is one generated policy with its validation findings.
type Asset struct {
	ID        string    `json:"policyGenerationAssetId"`
	Statement string    `json:"statement"`
	Findings  []Finding `json:"findings"`
	Fragment  string    `json:"rawTextFragment"`
}

// Finding is a validation result of a generated policy.
type Finding struct {
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
}

// prompt asks the model for Cedar policies over the gateway's schema.
func prompt(schema, text string) string {
	return "You write Cedar policies for an Amazon Bedrock AgentCore gateway.\n" +
		"Principals are AgentCore::OAuthUser entities whose JWT claims are tags (principal.hasTag(\"k\") && principal.getTag(\"k\") == \"v\").\n" +
		"Each tool is an action AgentCore::Action::\"<target>___<tool>\"; the resource is the AgentCore::Gateway; context.input holds the tool's arguments " +
		"(test optional attributes with `has` before reading them).\n" +
		"The schema:\n" + schema + "\n" +
		"Write only Cedar policies (permit/forbid statements), no prose, for this requirement:\n" + text + "\n"
}

// StartGeneration records a generation and runs it in the background.
func (s *Service) StartGeneration(ctx context.Context, engineID, name, resourceArn, text string) (*Generation, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.GetEngine(ctx, engineID)
	if err != nil {
		return nil, err
	}
	if !nameRE.MatchString(name) {
		return nil, errs.Field("name", "name %q must start with a letter and contain only letters, digits and underscores (at most 48)", name)
	}
	if strings.TrimSpace(text) == "" || len(text) > 2000 {
		return nil, errs.Field("content.rawText", "content.rawText must be 1-2000 characters")
	}
	if s.o.Generator == nil {
		return nil, errs.E(errs.Invalid, "policy generation needs a model provider and none is configured on this server")
	}
	if s.o.Tools == nil {
		return nil, errs.E(errs.Invalid, "policy generation needs the gateway service")
	}
	tools, err := s.o.Tools.GatewayTools(ctx, resourceArn)
	if errs.KindOf(err) == errs.NotFound {
		return nil, errs.Field("resource.arn", "gateway %s does not exist", resourceArn)
	}
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	id := name + "-" + randID(10)
	g := &Generation{ID: id, ARN: e.ARN + "/policy-generation/" + id, EngineID: engineID, Name: name, ResourceArn: resourceArn, Text: text,
		Status: GenGenerating, StatusReasons: []string{}, CreatedAt: now, UpdatedAt: now}
	if err := s.kv.Txn(ctx, createOp(tblGeneration, policyKey(t.Account, engineID, id), g)); err != nil {
		return nil, err
	}
	bg := tenant.With(context.WithoutCancel(ctx), t)
	run := *g // the goroutine owns its copy; the caller renders g
	go s.generate(bg, t.Account, &run, tools)
	return g, nil
}

func (s *Service) generate(ctx context.Context, acct string, g *Generation, tools []Tool) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	finish := func(status, reason string) {
		g.Status, g.UpdatedAt = status, s.now().UTC()
		if reason != "" {
			g.StatusReasons = []string{reason}
		}
		if err := s.kv.Txn(ctx, putOp(tblGeneration, policyKey(acct, g.EngineID, g.ID), g)); err != nil {
			s.log.Error("saving policy generation", "generation", g.ID, "err", err)
		}
	}
	rs, err := Schema(tools)
	if err != nil {
		finish(GenFailed, "building the Cedar schema: "+err.Error())
		return
	}
	out, err := s.o.Generator.Generate(ctx, prompt(SchemaText(tools), g.Text))
	if err != nil {
		finish(GenFailed, "the model failed: "+err.Error())
		return
	}
	ps, err := cedar.NewPolicyListFromBytes("generated.cedar", []byte(stripFences(out))) // in the model's order
	if err != nil {
		g.Findings = "the model's answer is not Cedar: " + err.Error()
		finish(GenFailed, g.Findings)
		return
	}
	valid := 0
	n := 0
	for _, p := range ps {
		n++
		a := Asset{ID: fmt.Sprintf("%s-asset%d", g.ID, n), Statement: string(p.MarshalCedar()), Fragment: g.Text}
		if err := validatePolicy(rs, p); err != nil {
			a.Findings = []Finding{{Type: FindingInvalid, Description: err.Error()}}
		} else {
			a.Findings = []Finding{{Type: FindingValid}}
			valid++
		}
		g.Assets = append(g.Assets, a)
	}
	if n == 0 {
		finish(GenFailed, "the model returned no policies")
		return
	}
	g.Findings = fmt.Sprintf("%d of %d generated policies validate against the gateway schema", valid, n)
	finish(GenGenerated, "")
}

func stripFences(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// GetGeneration returns a generation.
func (s *Service) GetGeneration(ctx context.Context, engineID, id string) (*Generation, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.GetEngine(ctx, engineID); err != nil {
		return nil, err
	}
	return getJSON[Generation](ctx, s.kv, tblGeneration, policyKey(t.Account, engineID, id), "policy generation "+id)
}

// ListGenerations pages through an engine's generations.
func (s *Service) ListGenerations(ctx context.Context, engineID string, p Page) ([]*Generation, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.GetEngine(ctx, engineID); err != nil {
		return nil, "", err
	}
	return list[Generation](ctx, s.kv, tblGeneration, policyKey(t.Account, engineID, ""), p)
}

// generatedStatement resolves a policyGeneration definition to its Cedar text.
func (s *Service) generatedStatement(ctx context.Context, engineID string, ref *GenerationRef) (string, string, error) {
	g, err := s.GetGeneration(ctx, engineID, ref.GenerationID)
	if err != nil {
		return "", "", err
	}
	for _, a := range g.Assets {
		if a.ID == ref.AssetID {
			return a.Statement, g.ResourceArn, nil
		}
	}
	return "", "", errs.E(errs.NotFound, "asset %s of policy generation %s not found", ref.AssetID, ref.GenerationID)
}

// GenerationRef is PolicyGenerationDetails.
type GenerationRef struct {
	GenerationID string `json:"policyGenerationId"`
	AssetID      string `json:"policyGenerationAssetId"`
}
