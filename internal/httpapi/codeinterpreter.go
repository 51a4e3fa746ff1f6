package httpapi

import (
	"context"
	"net/http"

	ci "github.com/agentcore-dev/agentcore/internal/codeinterpreter"
)

// Code Interpreter operations (control plane: interpreters; data plane:
// sessions and tool calls, codeinterpreter_invoke.go). Wire shapes in
// wire_codeinterpreter.go.

// ciOp adapts a Code Interpreter operation: fn gets the service (its
// routes exist only when it is enabled, see routes.go).
func ciOp[In, Out any](s *Server, status int, fn func(ctx context.Context, svc *ci.Service, in *In) (*Out, error)) handler {
	return op(status, func(ctx context.Context, in *In) (*Out, error) {
		return fn(ctx, s.cfg.CodeInterpreter, in)
	})
}

func (s *Server) createCodeInterpreter(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return ciOp(s, http.StatusAccepted, func(ctx context.Context, svc *ci.Service, in *createCodeInterpreterInput) (*createCodeInterpreterOutput, error) {
		it, err := svc.Create(ctx, in.domain())
		if err != nil {
			return nil, err
		}
		return &createCodeInterpreterOutput{CodeInterpreterArn: it.ARN, CodeInterpreterID: it.ID, CreatedAt: awsTime(it.CreatedAt), Status: it.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) getCodeInterpreter(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return ciOp(s, http.StatusOK, func(ctx context.Context, svc *ci.Service, in *codeInterpreterPath) (*codeInterpreterDoc, error) {
		it, err := svc.Get(ctx, in.CodeInterpreterID)
		if err != nil {
			return nil, err
		}
		return codeInterpreterDocOf(it), nil
	})(ctx, w, r, p)
}

func (s *Server) deleteCodeInterpreter(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return ciOp(s, http.StatusAccepted, func(ctx context.Context, svc *ci.Service, in *deleteCodeInterpreterInput) (*deleteCodeInterpreterOutput, error) {
		it, err := svc.Delete(ctx, in.CodeInterpreterID)
		if err != nil {
			return nil, err
		}
		return &deleteCodeInterpreterOutput{CodeInterpreterID: it.ID, LastUpdatedAt: awsTime(it.UpdatedAt), Status: it.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) listCodeInterpreters(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return ciOp(s, http.StatusOK, func(ctx context.Context, svc *ci.Service, in *listCodeInterpretersInput) (*listCodeInterpretersOutput, error) {
		pg := in.page()
		items, next, err := svc.List(ctx, in.Type, ci.Page{MaxResults: pg.MaxResults, NextToken: pg.NextToken})
		if err != nil {
			return nil, err
		}
		return &listCodeInterpretersOutput{CodeInterpreterSummaries: mapItems(items, codeInterpreterSummaryOf), NextToken: nullIfEmpty(next)}, nil
	})(ctx, w, r, p)
}

func (s *Server) startCodeInterpreterSession(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return ciOp(s, http.StatusOK, func(ctx context.Context, svc *ci.Service, in *startCodeInterpreterSessionInput) (*startCodeInterpreterSessionOutput, error) {
		sess, err := svc.Start(ctx, in.CodeInterpreterIdentifier, ci.StartInput{Name: in.Name, TimeoutSeconds: in.SessionTimeoutSeconds,
			Certificates: optRaw(in.Certificates), FilesystemConfigurations: optRaw(in.FilesystemConfigurations)})
		if err != nil {
			return nil, err
		}
		return &startCodeInterpreterSessionOutput{CodeInterpreterIdentifier: sess.InterpreterID, SessionID: sess.ID, CreatedAt: awsTime(sess.CreatedAt)}, nil
	})(ctx, w, r, p)
}

func (s *Server) getCodeInterpreterSession(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return ciOp(s, http.StatusOK, func(ctx context.Context, svc *ci.Service, in *ciSessionInput) (*getCodeInterpreterSessionOutput, error) {
		sess, err := svc.GetSession(ctx, in.CodeInterpreterIdentifier, in.SessionID)
		if err != nil {
			return nil, err
		}
		return &getCodeInterpreterSessionOutput{CodeInterpreterIdentifier: sess.InterpreterID, SessionID: sess.ID, Name: sess.Name,
			Status: sess.Status, SessionTimeoutSeconds: sess.TimeoutSeconds, Certificates: optRaw(sess.Certificates),
			FilesystemConfigurations: optRaw(sess.FilesystemConfigurations), CreatedAt: awsTime(sess.CreatedAt)}, nil
	})(ctx, w, r, p)
}

func (s *Server) stopCodeInterpreterSession(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return ciOp(s, http.StatusOK, func(ctx context.Context, svc *ci.Service, in *stopCodeInterpreterSessionInput) (*stopCodeInterpreterSessionOutput, error) {
		sess, err := svc.StopSession(ctx, in.CodeInterpreterIdentifier, in.SessionID)
		if err != nil {
			return nil, err
		}
		return &stopCodeInterpreterSessionOutput{CodeInterpreterIdentifier: sess.InterpreterID, SessionID: sess.ID, LastUpdatedAt: awsTime(sess.UpdatedAt)}, nil
	})(ctx, w, r, p)
}

func (s *Server) listCodeInterpreterSessions(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return ciOp(s, http.StatusOK, func(ctx context.Context, svc *ci.Service, in *listCodeInterpreterSessionsInput) (*listCodeInterpreterSessionsOutput, error) {
		pg := in.page()
		items, next, err := svc.ListSessions(ctx, in.CodeInterpreterIdentifier, in.Status, ci.Page{MaxResults: pg.MaxResults, NextToken: pg.NextToken})
		if err != nil {
			return nil, err
		}
		return &listCodeInterpreterSessionsOutput{Items: mapItems(items, ciSessionSummaryOf), NextToken: nullIfEmpty(next)}, nil
	})(ctx, w, r, p)
}
