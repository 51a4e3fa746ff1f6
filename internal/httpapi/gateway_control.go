package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/gateway"
)

// Gateway control plane: gateways and targets. Wire shapes in
// wire_gateway.go.

// gatewayOp adapts a Gateway operation: fn gets the service (its routes
// exist only when it is enabled, see routes.go).
func gatewayOp[In, Out any](s *Server, status int, fn func(ctx context.Context, svc *gateway.Service, in *In) (*Out, error)) handler {
	return op(status, func(ctx context.Context, in *In) (*Out, error) {
		return fn(ctx, s.cfg.Gateway, in)
	})
}

func (s *Server) createGateway(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return gatewayOp(s, http.StatusAccepted, func(ctx context.Context, svc *gateway.Service, in *createGatewayInput) (*gatewayDoc, error) {
		g, err := svc.Create(ctx, in.Config, in.Tags)
		if err != nil {
			return nil, err
		}
		return gatewayDocOf(g, svc.URL(g.ID)), nil
	})(ctx, w, r, p)
}

func (s *Server) getGateway(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return gatewayOp(s, http.StatusOK, func(ctx context.Context, svc *gateway.Service, in *gatewayPathInput) (*gatewayDoc, error) {
		g, err := svc.Get(ctx, in.GatewayIdentifier)
		if err != nil {
			return nil, err
		}
		return gatewayDocOf(g, svc.URL(g.ID)), nil
	})(ctx, w, r, p)
}

func (s *Server) updateGateway(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return gatewayOp(s, http.StatusAccepted, func(ctx context.Context, svc *gateway.Service, in *updateGatewayInput) (*gatewayDoc, error) {
		g, err := svc.Update(ctx, in.GatewayIdentifier, in.Config)
		if err != nil {
			return nil, err
		}
		return gatewayDocOf(g, svc.URL(g.ID)), nil
	})(ctx, w, r, p)
}

func (s *Server) deleteGateway(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return gatewayOp(s, http.StatusAccepted, func(ctx context.Context, svc *gateway.Service, in *gatewayPathInput) (*deleteGatewayOutput, error) {
		g, err := svc.Delete(ctx, in.GatewayIdentifier)
		if err != nil {
			return nil, err
		}
		return &deleteGatewayOutput{GatewayID: g.ID, Status: g.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) listGateways(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return gatewayOp(s, http.StatusOK, func(ctx context.Context, svc *gateway.Service, in *listGatewaysInput) (*listGatewaysOutput, error) {
		gs, next, err := svc.List(ctx, in.page())
		if err != nil {
			return nil, err
		}
		return &listGatewaysOutput{Items: mapItems(gs, gatewaySummaryOf), NextToken: next}, nil
	})(ctx, w, r, p)
}

func (s *Server) createGatewayTarget(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return gatewayOp(s, http.StatusAccepted, func(ctx context.Context, svc *gateway.Service, in *targetInput) (*targetDoc, error) {
		g, t, err := svc.CreateTarget(ctx, in.GatewayIdentifier, in.TargetInput)
		if err != nil {
			return nil, err
		}
		return targetDocOf(g, t), nil
	})(ctx, w, r, p)
}

func (s *Server) getGatewayTarget(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return gatewayOp(s, http.StatusOK, func(ctx context.Context, svc *gateway.Service, in *gatewayPathInput) (*targetDoc, error) {
		g, t, err := svc.GetTarget(ctx, in.GatewayIdentifier, in.TargetID)
		if err != nil {
			return nil, err
		}
		return targetDocOf(g, t), nil
	})(ctx, w, r, p)
}

func (s *Server) updateGatewayTarget(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return gatewayOp(s, http.StatusAccepted, func(ctx context.Context, svc *gateway.Service, in *targetInput) (*targetDoc, error) {
		g, t, err := svc.UpdateTarget(ctx, in.GatewayIdentifier, in.TargetID, in.TargetInput)
		if err != nil {
			return nil, err
		}
		return targetDocOf(g, t), nil
	})(ctx, w, r, p)
}

func (s *Server) deleteGatewayTarget(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return gatewayOp(s, http.StatusAccepted, func(ctx context.Context, svc *gateway.Service, in *gatewayPathInput) (*deleteTargetOutput, error) {
		g, t, err := svc.DeleteTarget(ctx, in.GatewayIdentifier, in.TargetID)
		if err != nil {
			return nil, err
		}
		return &deleteTargetOutput{GatewayArn: g.ARN, TargetID: t.ID, Status: t.Status}, nil
	})(ctx, w, r, p)
}

func (s *Server) listGatewayTargets(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return gatewayOp(s, http.StatusOK, func(ctx context.Context, svc *gateway.Service, in *listGatewaysInput) (*listTargetsOutput, error) {
		ts, next, err := svc.ListTargets(ctx, in.GatewayIdentifier, in.page())
		if err != nil {
			return nil, err
		}
		return &listTargetsOutput{Items: mapItems(ts, targetSummaryOf), NextToken: next}, nil
	})(ctx, w, r, p)
}

func (s *Server) synchronizeGatewayTargets(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return gatewayOp(s, http.StatusAccepted, func(ctx context.Context, svc *gateway.Service, in *synchronizeTargetsInput) (*synchronizeTargetsOutput, error) {
		g, err := svc.Get(ctx, in.GatewayIdentifier)
		if err != nil {
			return nil, err
		}
		ts, err := svc.Synchronize(ctx, g.ID, in.TargetIDList)
		if err != nil {
			return nil, err
		}
		return &synchronizeTargetsOutput{Targets: mapItems(ts, func(t *gateway.Target) *targetDoc { return targetDocOf(g, t) })}, nil
	})(ctx, w, r, p)
}
