package httpapi

import (
	"context"
	"net/http"

	ev "github.com/agentcore-dev/agentcore/internal/evaluation"
)

// Evaluations operations: evaluators (control plane) and Evaluate (data
// plane). Wire shapes in wire_evaluation.go.

// evalOp adapts an Evaluations operation: fn gets the service (its routes
// exist only when it is enabled, see routes.go).
func evalOp[In, Out any](s *Server, status int, fn func(ctx context.Context, svc *ev.Service, in *In) (*Out, error)) handler {
	return op(status, func(ctx context.Context, in *In) (*Out, error) {
		return fn(ctx, s.cfg.Evaluation, in)
	})
}

func (s *Server) createEvaluator(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return evalOp(s, http.StatusAccepted, func(ctx context.Context, svc *ev.Service, in *createEvaluatorInput) (*createEvaluatorOutput, error) {
		instr, sc, mc, code, derived, err := in.EvaluatorConfig.domain()
		if err != nil {
			return nil, err
		}
		e, err := svc.Create(ctx, ev.CreateInput{Name: in.EvaluatorName, Description: in.Description, Level: in.Level, Instructions: instr,
			Scale: sc, Model: mc, KmsKeyArn: in.KmsKeyArn, Tags: in.Tags, CodeBased: code, Derived: derived})
		if err != nil {
			return nil, err
		}
		return &createEvaluatorOutput{CreatedAt: epoch(e.CreatedAt), EvaluatorArn: e.ARN, EvaluatorID: e.ID, Status: e.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) getEvaluator(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return evalOp(s, http.StatusOK, func(ctx context.Context, svc *ev.Service, in *getEvaluatorInput) (*evaluatorDoc, error) {
		e, err := svc.Evaluator(ctx, in.EvaluatorID)
		if err != nil {
			return nil, err
		}
		return evaluatorDocOf(e), nil
	})(ctx, w, r, p)
}

func (s *Server) updateEvaluator(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return evalOp(s, http.StatusAccepted, func(ctx context.Context, svc *ev.Service, in *updateEvaluatorInput) (*updateEvaluatorOutput, error) {
		u := ev.UpdateInput{Description: in.Description, Level: in.Level, KmsKeyArn: in.KmsKeyArn}
		if in.EvaluatorConfig != nil {
			instr, sc, mc, code, derived, err := in.EvaluatorConfig.domain()
			if err != nil {
				return nil, err
			}
			u.CodeBased, u.Derived = code, derived
			if !code && !derived {
				u.Instructions, u.Scale, u.Model = &instr, &sc, &mc
			}
		}
		e, err := svc.Update(ctx, in.EvaluatorID, u)
		if err != nil {
			return nil, err
		}
		return &updateEvaluatorOutput{EvaluatorArn: e.ARN, EvaluatorID: e.ID, Status: e.Status, UpdatedAt: epoch(e.UpdatedAt)}, nil
	})(ctx, w, r, p)
}

func (s *Server) deleteEvaluator(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return evalOp(s, http.StatusAccepted, func(ctx context.Context, svc *ev.Service, in *evaluatorPath) (*deleteEvaluatorOutput, error) {
		e, err := svc.Delete(ctx, in.EvaluatorID)
		if err != nil {
			return nil, err
		}
		return &deleteEvaluatorOutput{EvaluatorArn: e.ARN, EvaluatorID: e.ID, Status: e.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) listEvaluators(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return evalOp(s, http.StatusOK, func(ctx context.Context, svc *ev.Service, in *listEvaluatorsInput) (*listEvaluatorsOutput, error) {
		pg := in.page()
		items, next, err := svc.List(ctx, ev.Page{MaxResults: pg.MaxResults, NextToken: pg.NextToken})
		if err != nil {
			return nil, err
		}
		return &listEvaluatorsOutput{Evaluators: mapItems(items, evaluatorSummaryOf), NextToken: nullIfEmpty(next)}, nil
	})(ctx, w, r, p)
}

func (s *Server) evaluate(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return evalOp(s, http.StatusOK, func(ctx context.Context, svc *ev.Service, in *evaluateInput) (*evaluateOutput, error) {
		din, err := in.domain()
		if err != nil {
			return nil, err
		}
		res, err := svc.Evaluate(ctx, din)
		if err != nil {
			return nil, err
		}
		return &evaluateOutput{EvaluationResults: mapItems(res, evaluationResultOf)}, nil
	})(ctx, w, r, p)
}
