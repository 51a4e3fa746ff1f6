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
	svc, err := s.policySvc()
	if err != nil {
		return err
	}
	e, err := svc.GetEngine(ctx, p["policyEngineId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, engineSummary(e))
}

func (s *Server) listPolicyEngineSummaries(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc, err := s.policySvc()
	if err != nil {
		return err
	}
	pg, err := policyPage(r)
	if err != nil {
		return err
	}
	es, next, err := svc.ListEngines(ctx, pg)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(es))
	for _, e := range es {
		items = append(items, engineSummary(e))
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"policyEngines": items}, next))
}

func (s *Server) getPolicySummary(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc, err := s.policySvc()
	if err != nil {
		return err
	}
	pol, err := svc.GetPolicy(ctx, p["policyEngineId"], p["policyId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, policySummary(pol))
}

func (s *Server) listPolicySummaries(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc, err := s.policySvc()
	if err != nil {
		return err
	}
	pg, err := policyPage(r)
	if err != nil {
		return err
	}
	ps, next, err := svc.ListPolicies(ctx, p["policyEngineId"], pg)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(ps))
	for _, pol := range ps {
		items = append(items, policySummary(pol))
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"policies": items}, next))
}

func (s *Server) getPolicyGenerationSummary(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc, err := s.policySvc()
	if err != nil {
		return err
	}
	g, err := svc.GetGeneration(ctx, p["policyEngineId"], p["policyGenerationId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, generationSummary(g))
}

func (s *Server) listPolicyGenerationSummaries(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc, err := s.policySvc()
	if err != nil {
		return err
	}
	pg, err := policyPage(r)
	if err != nil {
		return err
	}
	gs, next, err := svc.ListGenerations(ctx, p["policyEngineId"], pg)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(gs))
	for _, g := range gs {
		items = append(items, generationSummary(g))
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"policyGenerations": items}, next))
}
