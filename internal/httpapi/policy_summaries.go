package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/policy"
)

// Summary operations: the same records without the heavy members.

func engineSummary(e *policy.Engine) map[string]any {
	d := engineDoc(e)
	delete(d, "description")
	delete(d, "statusReasons")
	return d
}

func policySummary(p *policy.Policy) map[string]any {
	d := policyDoc(p)
	for _, k := range []string{"definition", "description", "statusReasons"} {
		delete(d, k)
	}
	return d
}

func generationSummary(g *policy.Generation) map[string]any {
	d := generationDoc(g)
	delete(d, "statusReasons")
	return d
}

func (s *Server) getPolicyEngineSummary(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	e, err := svc.GetEngine(ctx, p["policyEngineId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, engineSummary(e))
}

func (s *Server) listPolicyEngineSummaries(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return servePolicyList(s, ctx, w, r, "policyEngines", func(svc *policy.Service, pg policy.Page) ([]*policy.Engine, string, error) {
		return svc.ListEngines(ctx, pg)
	}, engineSummary)
}

func (s *Server) getPolicySummary(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	pol, err := svc.GetPolicy(ctx, p["policyEngineId"], p["policyId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, policySummary(pol))
}

func (s *Server) listPolicySummaries(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return servePolicyList(s, ctx, w, r, "policies", func(svc *policy.Service, pg policy.Page) ([]*policy.Policy, string, error) {
		return svc.ListPolicies(ctx, p["policyEngineId"], pg)
	}, policySummary)
}

func (s *Server) getPolicyGenerationSummary(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	g, err := svc.GetGeneration(ctx, p["policyEngineId"], p["policyGenerationId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, generationSummary(g))
}

func (s *Server) listPolicyGenerationSummaries(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return servePolicyList(s, ctx, w, r, "policyGenerations", func(svc *policy.Service, pg policy.Page) ([]*policy.Generation, string, error) {
		return svc.ListGenerations(ctx, p["policyEngineId"], pg)
	}, generationSummary)
}
