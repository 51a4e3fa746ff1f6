package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/policy"
)

// Policy: engines and policies. Wire shapes in wire_policy.go.

// policyOp adapts a policy operation: fn gets the service (its routes
// exist only when it is enabled, see routes.go).
func policyOp[In, Out any](s *Server, status int, fn func(ctx context.Context, svc *policy.Service, in *In) (*Out, error)) handler {
	return op(status, func(ctx context.Context, in *In) (*Out, error) {
		return fn(ctx, s.cfg.Policy, in)
	})
}

func (s *Server) createPolicyEngine(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusAccepted, func(ctx context.Context, svc *policy.Service, in *createPolicyEngineInput) (*policyEngineDoc, error) {
		e, err := svc.CreateEngine(ctx, in.Name, in.Description, in.EncryptionKeyArn, in.Tags)
		if err != nil {
			return nil, err
		}
		return engineDoc(e), nil
	})(ctx, w, r, p)
}

func (s *Server) getPolicyEngine(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyPathInput) (*policyEngineDoc, error) {
		e, err := svc.GetEngine(ctx, in.PolicyEngineID)
		if err != nil {
			return nil, err
		}
		return engineDoc(e), nil
	})(ctx, w, r, p)
}

func (s *Server) updatePolicyEngine(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusAccepted, func(ctx context.Context, svc *policy.Service, in *updatePolicyEngineInput) (*policyEngineDoc, error) {
		e, err := svc.UpdateEngine(ctx, in.PolicyEngineID, in.Description.value())
		if err != nil {
			return nil, err
		}
		return engineDoc(e), nil
	})(ctx, w, r, p)
}

func (s *Server) deletePolicyEngine(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusAccepted, func(ctx context.Context, svc *policy.Service, in *policyPathInput) (*policyEngineDoc, error) {
		e, err := svc.DeleteEngine(ctx, in.PolicyEngineID)
		if err != nil {
			return nil, err
		}
		return engineDoc(e), nil
	})(ctx, w, r, p)
}

func (s *Server) listPolicyEngines(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyListInput) (*listPolicyEnginesOutput[*policyEngineDoc], error) {
		es, next, err := svc.ListEngines(ctx, in.policyPage())
		if err != nil {
			return nil, err
		}
		return &listPolicyEnginesOutput[*policyEngineDoc]{PolicyEngines: mapItems(es, engineDoc), NextToken: next}, nil
	})(ctx, w, r, p)
}

func (s *Server) createPolicy(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusAccepted, func(ctx context.Context, svc *policy.Service, in *createPolicyInput) (*policyDoc, error) {
		pol, err := svc.CreatePolicy(ctx, in.PolicyEngineID, in.policy())
		if err != nil {
			return nil, err
		}
		return policyDocOf(pol), nil
	})(ctx, w, r, p)
}

func (s *Server) getPolicy(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyPathInput) (*policyDoc, error) {
		pol, err := svc.GetPolicy(ctx, in.PolicyEngineID, in.PolicyID)
		if err != nil {
			return nil, err
		}
		return policyDocOf(pol), nil
	})(ctx, w, r, p)
}

func (s *Server) updatePolicy(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusAccepted, func(ctx context.Context, svc *policy.Service, in *updatePolicyInput) (*policyDoc, error) {
		pol, err := svc.UpdatePolicy(ctx, in.PolicyEngineID, in.PolicyID, in.policy())
		if err != nil {
			return nil, err
		}
		return policyDocOf(pol), nil
	})(ctx, w, r, p)
}

func (s *Server) deletePolicy(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusAccepted, func(ctx context.Context, svc *policy.Service, in *policyPathInput) (*policyDoc, error) {
		pol, err := svc.DeletePolicy(ctx, in.PolicyEngineID, in.PolicyID)
		if err != nil {
			return nil, err
		}
		return policyDocOf(pol), nil
	})(ctx, w, r, p)
}

func (s *Server) listPolicies(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return policyOp(s, http.StatusOK, func(ctx context.Context, svc *policy.Service, in *policyListInput) (*listPoliciesOutput[*policyDoc], error) {
		ps, next, err := svc.ListPolicies(ctx, in.PolicyEngineID, in.policyPage())
		if err != nil {
			return nil, err
		}
		return &listPoliciesOutput[*policyDoc]{Policies: mapItems(ps, policyDocOf), NextToken: next}, nil
	})(ctx, w, r, p)
}
