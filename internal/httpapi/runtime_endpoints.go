package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// Runtime control plane: agent runtime endpoints. Wire shapes in
// wire_endpoints.go.

func runtimeARNOf(ep *runtime.Endpoint) string {
	p, _ := runtime.ParseRuntimeARN(ep.ARN)
	return runtime.RuntimeARN(p.Region, p.Account, p.RuntimeID)
}

func (s *Server) createAgentRuntimeEndpoint(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusAccepted, func(ctx context.Context, in *endpointInput) (*createEndpointOutput, error) {
		ep, err := s.cfg.Runtime.CreateEndpoint(ctx, in.endpoint())
		if err != nil {
			return nil, err
		}
		return &createEndpointOutput{AgentRuntimeArn: runtimeARNOf(ep), AgentRuntimeEndpointArn: ep.ARN, AgentRuntimeID: ep.RuntimeID,
			CreatedAt: awsTime(ep.CreatedAt), EndpointName: ep.Name, Status: ep.Status, TargetVersion: itoa(ep.TargetVersion)}, nil
	})(ctx, w, r, p)
}

func (s *Server) updateAgentRuntimeEndpoint(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusAccepted, func(ctx context.Context, in *endpointInput) (*endpointDoc, error) {
		ep, err := s.cfg.Runtime.UpdateEndpoint(ctx, in.endpoint())
		if err != nil {
			return nil, err
		}
		doc := endpointDocOf(ep, runtimeARNOf(ep))
		doc.ID, doc.Name = "", ""
		return doc, nil
	})(ctx, w, r, p)
}

func (s *Server) getAgentRuntimeEndpoint(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusOK, func(ctx context.Context, in *endpointPathInput) (*endpointDoc, error) {
		ep, err := s.cfg.Runtime.GetEndpoint(ctx, in.AgentRuntimeID, in.EndpointName)
		if err != nil {
			return nil, err
		}
		return endpointDocOf(ep, runtimeARNOf(ep)), nil
	})(ctx, w, r, p)
}

func (s *Server) listAgentRuntimeEndpoints(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusOK, func(ctx context.Context, in *listEndpointsInput) (*listEndpointsOutput, error) {
		rt, eps, next, err := s.cfg.Runtime.ListEndpoints(ctx, in.AgentRuntimeID, in.page())
		if err != nil {
			return nil, err
		}
		return &listEndpointsOutput{NextToken: next, RuntimeEndpoints: mapItems(eps, func(ep *runtime.Endpoint) *endpointDoc {
			return endpointDocOf(ep, rt.ARN)
		})}, nil
	})(ctx, w, r, p)
}

func (s *Server) deleteAgentRuntimeEndpoint(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return op(http.StatusAccepted, func(ctx context.Context, in *endpointPathInput) (*deleteEndpointOutput, error) {
		ep, err := s.cfg.Runtime.DeleteEndpoint(ctx, in.AgentRuntimeID, in.EndpointName)
		if err != nil {
			return nil, err
		}
		return &deleteEndpointOutput{AgentRuntimeID: ep.RuntimeID, EndpointName: ep.Name, Status: ep.Status}, nil
	})(ctx, w, r, p)
}
