package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// Runtime control plane: agent runtimes and their versions. Wire shapes in
// wire_runtime.go.

func (s *Server) createAgentRuntime(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusAccepted, func(ctx context.Context, in *createAgentRuntimeInput) (*createAgentRuntimeOutput, error) {
		v, err := s.cfg.Runtime.Create(ctx, in.AgentRuntimeName, in.Config, in.Tags)
		if err != nil {
			return nil, err
		}
		s.ensureWorkload(ctx, v.Name) // identity_control.go
		return &createAgentRuntimeOutput{AgentRuntimeArn: v.ARN, AgentRuntimeID: v.ID, AgentRuntimeVersion: itoa(v.Version.Version),
			CreatedAt: awsTime(v.CreatedAt), Status: v.Status, WorkloadIdentityDetails: workload(v.WorkloadIdentityARN)}, nil
	})(ctx, w, r, p)
}

func (s *Server) updateAgentRuntime(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusAccepted, func(ctx context.Context, in *updateAgentRuntimeInput) (*createAgentRuntimeOutput, error) {
		v, err := s.cfg.Runtime.Update(ctx, in.AgentRuntimeID, in.Config)
		if err != nil {
			return nil, err
		}
		updated := awsTime(v.UpdatedAt)
		return &createAgentRuntimeOutput{AgentRuntimeArn: v.ARN, AgentRuntimeID: v.ID, AgentRuntimeVersion: itoa(v.Version.Version),
			CreatedAt: awsTime(v.CreatedAt), LastUpdatedAt: &updated, Status: v.Status, WorkloadIdentityDetails: workload(v.WorkloadIdentityARN)}, nil
	})(ctx, w, r, p)
}

func (s *Server) getAgentRuntime(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusOK, func(ctx context.Context, in *agentRuntimeVersionInput) (*getAgentRuntimeOutput, error) {
		n, err := runtime.ParseVersion("agentRuntimeVersion", in.Version)
		if err != nil {
			return nil, err
		}
		v, err := s.cfg.Runtime.Get(ctx, in.AgentRuntimeID, n)
		if err != nil {
			return nil, err
		}
		return runtimeDoc(v), nil
	})(ctx, w, r, p)
}

func (s *Server) listAgentRuntimes(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusOK, func(ctx context.Context, in *listAgentRuntimesInput) (*listAgentRuntimesOutput, error) {
		views, next, err := s.cfg.Runtime.List(ctx, in.page())
		if err != nil {
			return nil, err
		}
		return &listAgentRuntimesOutput{NextToken: next, AgentRuntimes: mapItems(views, func(v *runtime.RuntimeView) agentRuntimeSummary {
			return summary(&v.Runtime, &v.Version, v.Status)
		})}, nil
	})(ctx, w, r, p)
}

func (s *Server) listAgentRuntimeVersions(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusOK, func(ctx context.Context, in *listAgentRuntimesInput) (*listAgentRuntimesOutput, error) {
		rt, vs, next, err := s.cfg.Runtime.ListVersions(ctx, in.AgentRuntimeID, in.page())
		if err != nil {
			return nil, err
		}
		return &listAgentRuntimesOutput{NextToken: next, AgentRuntimes: mapItems(vs, func(v *runtime.Version) agentRuntimeSummary {
			return summary(rt, v, v.Status)
		})}, nil
	})(ctx, w, r, p)
}

func (s *Server) deleteAgentRuntime(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusAccepted, func(ctx context.Context, in *agentRuntimeVersionInput) (*deleteAgentRuntimeOutput, error) {
		n, err := runtime.ParseVersion("agentRuntimeVersion", in.Version)
		if err != nil {
			return nil, err
		}
		rt, err := s.cfg.Runtime.Delete(ctx, in.AgentRuntimeID, n)
		if err != nil {
			return nil, err
		}
		return &deleteAgentRuntimeOutput{AgentRuntimeID: rt.ID, Status: rt.Status, AgentRuntimeVersion: itoa(n)}, nil
	})(ctx, w, r, p)
}
