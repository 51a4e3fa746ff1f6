package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/evaluation"
)

// Batch evaluation operations (bedrock-agentcore data plane) and the
// agentcore extension listing a batch's per-session results. Wire shapes
// in wire_evaluation_batch.go.

func batchOp[In, Out any](s *Server, status int, fn func(ctx context.Context, svc *evaluation.Batches, in *In) (*Out, error)) handler {
	return op(status, func(ctx context.Context, in *In) (*Out, error) {
		return fn(ctx, s.cfg.Batches, in)
	})
}

func (s *Server) evaluationBatchRoutes() []route {
	return []route{
		{Method: "POST", Path: "/evaluations/batch-evaluate", Op: "StartBatchEvaluation", H: s.idem("StartBatchEvaluation", s.startBatchEvaluation)},
		{Method: "GET", Path: "/evaluations/batch-evaluate/{batchEvaluationId}", Op: "GetBatchEvaluation", H: s.getBatchEvaluation},
		{Method: "GET", Path: "/evaluations/batch-evaluate", Op: "ListBatchEvaluations", H: s.listBatchEvaluations},
		{Method: "POST", Path: "/evaluations/batch-evaluate/{batchEvaluationId}/stop", Op: "StopBatchEvaluation", H: s.stopBatchEvaluation},
		{Method: "DELETE", Path: "/evaluations/batch-evaluate/{batchEvaluationId}", Op: "DeleteBatchEvaluation", H: s.deleteBatchEvaluation},
		{Method: "GET", Path: "/_agentcore/batch-evaluations/{batchEvaluationId}/results", Op: "ListBatchEvaluationResults", H: s.listBatchEvaluationResults, Auth: authLoopback},
	}
}

func (s *Server) startBatchEvaluation(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return batchOp(s, http.StatusAccepted, func(ctx context.Context, svc *evaluation.Batches, in *startBatchEvaluationInput) (*batchDoc, error) {
		req, err := in.domain()
		if err != nil {
			return nil, err
		}
		b, err := svc.Start(ctx, req)
		if err != nil {
			return nil, err
		}
		d := batchDocOf(b, false)
		d.EvaluationResults, d.ErrorDetails, d.UpdatedAt, d.OutputConfig, d.Tags = nil, nil, nil, b.OutputConfig, in.Tags
		return d, nil
	})(ctx, w, r, p)
}

func (s *Server) getBatchEvaluation(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return batchOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Batches, in *batchPath) (*batchDoc, error) {
		b, err := svc.Get(ctx, in.BatchEvaluationID)
		if err != nil {
			return nil, err
		}
		return batchDocOf(b, true), nil
	})(ctx, w, r, p)
}

func (s *Server) listBatchEvaluations(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return batchOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Batches, in *listBatchEvaluationsInput) (*listBatchEvaluationsOutput, error) {
		pg := in.page()
		items, next, err := svc.List(ctx, pg.MaxResults, pg.NextToken)
		if err != nil {
			return nil, err
		}
		return &listBatchEvaluationsOutput{BatchEvaluations: mapItems(items, func(b *evaluation.Batch) *batchDoc { return batchDocOf(b, false) }), NextToken: nullIfEmpty(next)}, nil
	})(ctx, w, r, p)
}

func (s *Server) stopBatchEvaluation(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return batchOp(s, http.StatusAccepted, func(ctx context.Context, svc *evaluation.Batches, in *batchPath) (*batchStateOutput, error) {
		b, err := svc.Stop(ctx, in.BatchEvaluationID)
		if err != nil {
			return nil, err
		}
		return &batchStateOutput{BatchEvaluationArn: b.ARN, BatchEvaluationID: b.ID, Description: b.Description, Status: b.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) deleteBatchEvaluation(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return batchOp(s, http.StatusAccepted, func(ctx context.Context, svc *evaluation.Batches, in *batchPath) (*batchStateOutput, error) {
		b, err := svc.Delete(ctx, in.BatchEvaluationID)
		if err != nil {
			return nil, err
		}
		return &batchStateOutput{BatchEvaluationArn: b.ARN, BatchEvaluationID: b.ID, Status: b.Status}, nil
	})(ctx, w, r, p)
}

// listBatchEvaluationResults is GET /_agentcore/batch-evaluations/{id}/results
// (an agentcore extension: SigV4, or unsigned from loopback acting in the
// server's account).
func (s *Server) listBatchEvaluationResults(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return batchOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Batches, in *listBatchResultsInput) (*listBatchResultsOutput, error) {
		pg := in.page()
		rows, next, err := svc.Results(ctx, in.BatchEvaluationID, pg.MaxResults, pg.NextToken)
		if err != nil {
			return nil, err
		}
		return &listBatchResultsOutput{Results: rows, NextToken: nullIfEmpty(next)}, nil
	})(ctx, w, r, p)
}
