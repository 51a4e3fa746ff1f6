package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/policy"
)

func generationDoc(g *policy.Generation) map[string]any {
	d := map[string]any{"policyGenerationId": g.ID, "policyGenerationArn": g.ARN, "policyEngineId": g.EngineID, "name": g.Name,
		"resource": map[string]string{"arn": g.ResourceArn}, "status": g.Status, "statusReasons": g.StatusReasons,
		"createdAt": dateTime(g.CreatedAt), "updatedAt": dateTime(g.UpdatedAt)}
	if g.Findings != "" {
		d["findings"] = g.Findings
	}
	return d
}

func (s *Server) startPolicyGeneration(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var in struct {
		Name     string `json:"name"`
		Resource *struct {
			Arn string `json:"arn"`
		} `json:"resource"`
		Content *struct {
			RawText string `json:"rawText"`
		} `json:"content"`
	}
	if err := decodeJSON(body, &in); err != nil {
		return err
	}
	if in.Resource == nil || in.Resource.Arn == "" {
		return errs.Field("resource", "resource.arn (the gateway) is required")
	}
	if in.Content == nil {
		return errs.Field("content", "content.rawText is required")
	}
	g, err := svc.StartGeneration(ctx, p["policyEngineId"], in.Name, in.Resource.Arn, in.Content.RawText)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, generationDoc(g))
}

func (s *Server) getPolicyGeneration(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	g, err := svc.GetGeneration(ctx, p["policyEngineId"], p["policyGenerationId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, generationDoc(g))
}

func (s *Server) listPolicyGenerations(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return servePolicyList(s, ctx, w, r, "policyGenerations", func(svc *policy.Service, pg policy.Page) ([]*policy.Generation, string, error) {
		return svc.ListGenerations(ctx, p["policyEngineId"], pg)
	}, generationDoc)
}

func (s *Server) listPolicyGenerationAssets(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	g, err := svc.GetGeneration(ctx, p["policyEngineId"], p["policyGenerationId"])
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(g.Assets))
	for _, a := range g.Assets {
		items = append(items, map[string]any{"policyGenerationAssetId": a.ID, "rawTextFragment": a.Fragment, "findings": a.Findings,
			"definition": map[string]any{"cedar": map[string]string{"statement": a.Statement}}})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"policyGenerationAssets": items})
}
