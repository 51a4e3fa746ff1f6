package runtime

import (
	"context"
	"strconv"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// EndpointInput is what Create/UpdateEndpoint take.
type EndpointInput struct {
	RuntimeID   string
	Name        string
	Version     int // 0 = latest (create) / unchanged (update)
	Description *string
	Tags        map[string]string // create: stored with the endpoint
}

func (s *Service) checkEndpointInput(in EndpointInput) error {
	if err := ValidateID(in.RuntimeID); err != nil {
		return err
	}
	if err := ValidateName("endpointName", in.Name); err != nil {
		return err
	}
	if in.Description != nil && len(*in.Description) > 256 {
		return errs.Field("description", "description is longer than 256 characters")
	}
	return nil
}

// applyVersion points ep at version n, going live at once when n is READY.
func (s *Service) applyVersion(ctx context.Context, acct string, ep *Endpoint, n int) error {
	v, err := s.repo.version(ctx, acct, ep.RuntimeID, n)
	if err != nil {
		return errs.E(errs.NotFound, "version %d of agent runtime %s not found", n, ep.RuntimeID)
	}
	ep.TargetVersion = n
	switch v.Status {
	case StatusReady:
		ep.LiveVersion, ep.Status, ep.FailureReason = n, StatusReady, ""
	case StatusCreating:
		if ep.LiveVersion == 0 {
			ep.Status = StatusCreating
		} else {
			ep.Status = StatusUpdating
		}
	default:
		return notReady("version "+strconv.Itoa(n), v.Status, v.FailureReason)
	}
	return nil
}

// CreateEndpoint adds a named endpoint pinned to a version.
func (s *Service) CreateEndpoint(ctx context.Context, in EndpointInput) (*Endpoint, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.checkEndpointInput(in); err != nil {
		return nil, err
	}
	var ep *Endpoint
	err = store.Retry(ctx, func() error {
		rt, rev, err := s.repo.runtimeRev(ctx, t.Account, in.RuntimeID)
		if err != nil {
			return err
		}
		n := in.Version
		if n == 0 {
			n = rt.LatestVersion
		}
		now := s.now().UTC()
		ep = &Endpoint{RuntimeID: rt.ID, Name: in.Name, ID: in.Name + "-" + randomSuffix(10),
			ARN: EndpointARN(t.Region, t.Account, rt.ID, in.Name), CreatedAt: now, UpdatedAt: now}
		if in.Description != nil {
			ep.Description = *in.Description
		}
		if err := s.applyVersion(ctx, t.Account, ep, n); err != nil {
			return err
		}
		// The runtime, rewritten unchanged at the revision read, fences the
		// endpoint against a concurrent delete of its runtime.
		err = s.repo.kv.Txn(ctx, append([]store.Op{updateOp(tblRuntime, runtimeKey(t.Account, rt.ID), rev, rt),
			createOp(tblEndpoint, endpointKey(t.Account, rt.ID, in.Name), ep)}, tagging.PutOps(ep.ARN, in.Tags)...)...)
		if errs.KindOf(err) == errs.Conflict && s.endpointExists(ctx, t.Account, rt.ID, in.Name) {
			return errs.E(errs.Conflict, "endpoint %s of agent runtime %s already exists", in.Name, rt.ID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return ep, nil
}

func (s *Service) endpointExists(ctx context.Context, acct, id, name string) bool {
	_, err := s.repo.endpoint(ctx, acct, id, name)
	return err == nil
}

// UpdateEndpoint repoints an endpoint (the DEFAULT endpoint always follows
// the latest version and cannot be repointed).
func (s *Service) UpdateEndpoint(ctx context.Context, in EndpointInput) (*Endpoint, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.checkEndpointInput(in); err != nil {
		return nil, err
	}
	defer s.live.forget(t.Account, in.RuntimeID)
	var ep *Endpoint
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		ep, rev, err = s.repo.endpointRev(ctx, t.Account, in.RuntimeID, in.Name)
		if err != nil {
			return err
		}
		if in.Version != 0 && in.Version != ep.TargetVersion {
			if ep.Name == DefaultEndpoint {
				return errs.Field("agentRuntimeVersion", "the DEFAULT endpoint always serves the latest version; create a named endpoint to pin a version")
			}
			if err := s.applyVersion(ctx, t.Account, ep, in.Version); err != nil {
				return err
			}
		}
		if in.Description != nil {
			ep.Description = *in.Description
		}
		ep.UpdatedAt = s.now().UTC()
		return s.repo.kv.Txn(ctx, updateOp(tblEndpoint, endpointKey(t.Account, in.RuntimeID, in.Name), rev, ep))
	})
	if err != nil {
		return nil, err
	}
	return ep, nil
}

// GetEndpoint returns one endpoint.
func (s *Service) GetEndpoint(ctx context.Context, runtimeID, name string) (*Endpoint, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.checkEndpointInput(EndpointInput{RuntimeID: runtimeID, Name: name}); err != nil {
		return nil, err
	}
	if _, err := s.repo.runtime(ctx, t.Account, runtimeID); err != nil {
		return nil, err
	}
	return s.repo.endpoint(ctx, t.Account, runtimeID, name)
}

// ListEndpoints pages through a runtime's endpoints.
func (s *Service) ListEndpoints(ctx context.Context, runtimeID string, p Page) (*Runtime, []*Endpoint, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	if err := ValidateID(runtimeID); err != nil {
		return nil, nil, "", err
	}
	rt, err := s.repo.runtime(ctx, t.Account, runtimeID)
	if err != nil {
		return nil, nil, "", err
	}
	eps, next, err := list[Endpoint](ctx, s.repo.kv, tblEndpoint, runtimeKey(t.Account, runtimeID)+"/", p)
	return rt, eps, next, err
}

// DeleteEndpoint removes a named endpoint (not DEFAULT).
func (s *Service) DeleteEndpoint(ctx context.Context, runtimeID, name string) (*Endpoint, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.checkEndpointInput(EndpointInput{RuntimeID: runtimeID, Name: name}); err != nil {
		return nil, err
	}
	if name == DefaultEndpoint {
		return nil, errs.Field("endpointName", "the DEFAULT endpoint is deleted with its runtime and cannot be deleted on its own")
	}
	defer s.live.forget(t.Account, runtimeID)
	ep, err := s.repo.endpoint(ctx, t.Account, runtimeID, name)
	if err != nil {
		return nil, err
	}
	if err := s.repo.kv.Txn(ctx, deleteOp(tblEndpoint, endpointKey(t.Account, runtimeID, name)), tagging.DeleteOp(ep.ARN)); err != nil {
		return nil, err
	}
	ep.Status = StatusDeleting
	return ep, nil
}
