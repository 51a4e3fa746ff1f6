package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/policy"
)

// Policy generation: natural language to Cedar. Wire shapes in wire_policy.go.

func (s *Server) startPolicyGeneration(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusAccepted, func(ctx context.Context, svc *policy.Service, in *startPolicyGenerationInput) (*generationDoc, error) {
		g, err := svc.StartGeneration(ctx, in.PolicyEngineID, in.Name, in.Resource.Arn, in.Content.RawText)
		if err != nil {
			return nil, err
		}
		return generationDocOf(g), nil
	})(ctx, w, r, p)
}

func (s *Server) getPolicyGeneration(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyPathInput) (*generationDoc, error) {
		g, err := svc.GetGeneration(ctx, in.PolicyEngineID, in.PolicyGenerationID)
		if err != nil {
			return nil, err
		}
		return generationDocOf(g), nil
	})(ctx, w, r, p)
}

func (s *Server) listPolicyGenerations(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyListInput) (*listGenerationsOutput[*generationDoc], error) {
		gs, next, err := svc.ListGenerations(ctx, in.PolicyEngineID, in.policyPage())
		if err != nil {
			return nil, err
		}
		return &listGenerationsOutput[*generationDoc]{PolicyGenerations: mapItems(gs, generationDocOf), NextToken: next}, nil
	})(ctx, w, r, p)
}

func (s *Server) listPolicyGenerationAssets(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyPathInput) (*listGenerationAssetsOutput, error) {
		g, err := svc.GetGeneration(ctx, in.PolicyEngineID, in.PolicyGenerationID)
		if err != nil {
			return nil, err
		}
		return &listGenerationAssetsOutput{PolicyGenerationAssets: mapItems(g.Assets, generationAssetOf)}, nil
	})(ctx, w, r, p)
}
