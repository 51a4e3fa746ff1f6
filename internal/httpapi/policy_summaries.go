package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/policy"
)

// Summary operations: the same records without the heavy members.

func (s *Server) getPolicyEngineSummary(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyPathInput) (*policyEngineSummary, error) {
		e, err := svc.GetEngine(ctx, in.PolicyEngineID)
		if err != nil {
			return nil, err
		}
		return engineSummary(e), nil
	})(ctx, w, r, p)
}

func (s *Server) listPolicyEngineSummaries(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyListInput) (*listPolicyEnginesOutput[*policyEngineSummary], error) {
		es, next, err := svc.ListEngines(ctx, in.policyPage())
		if err != nil {
			return nil, err
		}
		return &listPolicyEnginesOutput[*policyEngineSummary]{PolicyEngines: mapItems(es, engineSummary), NextToken: next}, nil
	})(ctx, w, r, p)
}

func (s *Server) getPolicySummary(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyPathInput) (*policySummary, error) {
		pol, err := svc.GetPolicy(ctx, in.PolicyEngineID, in.PolicyID)
		if err != nil {
			return nil, err
		}
		return policySummaryOf(pol), nil
	})(ctx, w, r, p)
}

func (s *Server) listPolicySummaries(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyListInput) (*listPoliciesOutput[*policySummary], error) {
		ps, next, err := svc.ListPolicies(ctx, in.PolicyEngineID, in.policyPage())
		if err != nil {
			return nil, err
		}
		return &listPoliciesOutput[*policySummary]{Policies: mapItems(ps, policySummaryOf), NextToken: next}, nil
	})(ctx, w, r, p)
}

func (s *Server) getPolicyGenerationSummary(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyPathInput) (*generationSummary, error) {
		g, err := svc.GetGeneration(ctx, in.PolicyEngineID, in.PolicyGenerationID)
		if err != nil {
			return nil, err
		}
		return generationSummaryOf(g), nil
	})(ctx, w, r, p)
}

func (s *Server) listPolicyGenerationSummaries(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyListInput) (*listGenerationsOutput[*generationSummary], error) {
		gs, next, err := svc.ListGenerations(ctx, in.PolicyEngineID, in.policyPage())
		if err != nil {
			return nil, err
		}
		return &listGenerationsOutput[*generationSummary]{PolicyGenerations: mapItems(gs, generationSummaryOf), NextToken: next}, nil
	})(ctx, w, r, p)
}
