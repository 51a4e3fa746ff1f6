package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Online evaluation configs (control plane) and agentcore's per-session
// listing of their results. Wire shapes in wire_evaluation_online.go.
func (s *Server) onlineEvaluationRoutes() []route {
	return []route{
		{Method: "POST", Path: "/online-evaluation-configs/create", Op: "CreateOnlineEvaluationConfig", H: s.idem("CreateOnlineEvaluationConfig", s.createOnlineConfig)},
		{Method: "GET", Path: "/online-evaluation-configs/{onlineEvaluationConfigId}", Op: "GetOnlineEvaluationConfig", H: s.getOnlineConfig},
		{Method: "PUT", Path: "/online-evaluation-configs/{onlineEvaluationConfigId}", Op: "UpdateOnlineEvaluationConfig", H: s.idem("UpdateOnlineEvaluationConfig", s.updateOnlineConfig)},
		{Method: "DELETE", Path: "/online-evaluation-configs/{onlineEvaluationConfigId}", Op: "DeleteOnlineEvaluationConfig", H: s.deleteOnlineConfig},
		{Method: "POST", Path: "/online-evaluation-configs", Op: "ListOnlineEvaluationConfigs", H: s.listOnlineConfigs},
		{Method: "GET", Path: "/_agentcore/evaluations", Op: "ListSessionEvaluations", H: s.listSessionEvaluations, Auth: authLoopback},
		{Method: "GET", Path: "/_agentcore/evaluations/session-documents", Op: "GetSessionDocuments", H: s.getSessionDocuments, Auth: authLoopback},
	}
}

// onlineOp adapts an online evaluation operation.
func onlineOp[In, Out any](s *Server, status int, fn func(ctx context.Context, svc *evaluation.Online, in *In) (*Out, error)) handler {
	return op(status, func(ctx context.Context, in *In) (*Out, error) {
		return fn(ctx, s.cfg.OnlineEvaluation, in)
	})
}

func (s *Server) createOnlineConfig(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return onlineOp(s, http.StatusAccepted, func(ctx context.Context, svc *evaluation.Online, in *createOnlineConfigInput) (*createOnlineConfigOutput, error) {
		d, err := in.domain()
		if err != nil {
			return nil, err
		}
		d.Name, d.Enable, d.Tags = in.OnlineEvaluationConfigName, in.EnableOnCreate, in.Tags
		c, err := svc.CreateConfig(ctx, d)
		if err != nil {
			return nil, err
		}
		return &createOnlineConfigOutput{CreatedAt: epoch(c.CreatedAt), ExecutionStatus: c.ExecutionStatus, FailureReason: c.FailureReason,
			OnlineEvaluationConfigArn: c.ARN, OnlineEvaluationConfigID: c.ID, OutputConfig: wireOutputOf(c.Output), Status: c.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) getOnlineConfig(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return onlineOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Online, in *onlineConfigPath) (*onlineConfigDoc, error) {
		c, err := svc.GetConfig(ctx, in.OnlineEvaluationConfigID)
		if err != nil {
			return nil, err
		}
		return onlineConfigDocOf(c), nil
	})(ctx, w, r, p)
}

func (s *Server) updateOnlineConfig(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return onlineOp(s, http.StatusAccepted, func(ctx context.Context, svc *evaluation.Online, in *updateOnlineConfigInput) (*updateOnlineConfigOutput, error) {
		d, err := in.domain()
		if err != nil {
			return nil, err
		}
		d.ExecutionStatus = in.ExecutionStatus
		c, err := svc.UpdateConfig(ctx, in.OnlineEvaluationConfigID, d)
		if err != nil {
			return nil, err
		}
		return &updateOnlineConfigOutput{ExecutionStatus: c.ExecutionStatus, FailureReason: c.FailureReason, OnlineEvaluationConfigArn: c.ARN,
			OnlineEvaluationConfigID: c.ID, Status: c.Status, UpdatedAt: epoch(c.UpdatedAt)}, nil
	})(ctx, w, r, p)
}

func (s *Server) deleteOnlineConfig(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return onlineOp(s, http.StatusAccepted, func(ctx context.Context, svc *evaluation.Online, in *onlineConfigPath) (*deleteOnlineConfigOutput, error) {
		c, err := svc.DeleteConfig(ctx, in.OnlineEvaluationConfigID)
		if err != nil {
			return nil, err
		}
		return &deleteOnlineConfigOutput{OnlineEvaluationConfigArn: c.ARN, OnlineEvaluationConfigID: c.ID, Status: c.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) listOnlineConfigs(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return onlineOp(s, http.StatusOK, func(ctx context.Context, svc *evaluation.Online, in *listOnlineConfigsInput) (*listOnlineConfigsOutput, error) {
		n := 0
		if in.MaxResults != "" {
			n, _ = strconv.Atoi(in.MaxResults) // checked by listQuery.validate
		}
		items, next, err := svc.ListConfigs(ctx, n, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &listOnlineConfigsOutput{OnlineEvaluationConfigs: mapItems(items, onlineConfigSummaryOf), NextToken: nullIfEmpty(next)}, nil
	})(ctx, w, r, p)
}

// listSessionEvaluations: GET /_agentcore/evaluations?sessionId= — the
// online evaluation results of a session of the caller's account.
func (s *Server) listSessionEvaluations(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	out, err := s.cfg.OnlineEvaluation.Results(ctx, r.URL.Query().Get("sessionId"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"sessionId": r.URL.Query().Get("sessionId"), "evaluations": out})
}

// getSessionDocuments: GET /_agentcore/evaluations/session-documents?sessionId=
// — the session's spans and log records as ADOT documents (the
// evaluationInput.sessionSpans of Evaluate), without evaluation results.
func (s *Server) getSessionDocuments(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	t, err := tenant.From(ctx)
	if err != nil {
		return err
	}
	f, err := obsFilter(r.URL.Query())
	if err != nil {
		return err
	}
	if f.SessionID == "" {
		return errs.Field("sessionId", "sessionId is required")
	}
	if s.cfg.Observability == nil {
		return errs.Field("sessionId", "observability is not enabled on this server")
	}
	docs, err := s.cfg.Observability.SessionDocuments(ctx, t.Account, f.SessionID, f.From, f.To)
	if err != nil {
		return err
	}
	docs = evaluation.AgentDocuments(docs)
	return writeJSON(w, http.StatusOK, map[string]any{"sessionId": f.SessionID, "documents": nonNilSlice(docs)})
}
