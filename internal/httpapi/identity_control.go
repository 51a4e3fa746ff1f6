package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/identity"
)

// Identity control plane: workload identities and the token vault
// (credential providers in identity_providers.go). Wire shapes in
// wire_identity.go. Secrets (clientSecret, apiKey) are accepted, never
// returned.

// identityOp adapts an Identity operation: fn gets the service (its routes
// exist only when it is enabled, see routes.go).
func identityOp[In, Out any](s *Server, status int, fn func(ctx context.Context, svc *identity.Service, in *In) (*Out, error)) handler {
	return op(status, func(ctx context.Context, in *In) (*Out, error) {
		return fn(ctx, s.cfg.Identity, in)
	})
}

func (s *Server) createWorkloadIdentity(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusCreated, func(ctx context.Context, svc *identity.Service, in *workloadInput) (*workloadDoc, error) {
		wl, err := svc.CreateWorkload(ctx, in.Name, in.ReturnURLs, in.Tags)
		if err != nil {
			return nil, err
		}
		return workloadDocOf(wl, false), nil
	})(ctx, w, r, p)
}

func (s *Server) getWorkloadIdentity(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *nameInput) (*workloadDoc, error) {
		wl, err := svc.GetWorkload(ctx, in.Name)
		if err != nil {
			return nil, err
		}
		return workloadDocOf(wl, true), nil
	})(ctx, w, r, p)
}

func (s *Server) updateWorkloadIdentity(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *workloadInput) (*workloadDoc, error) {
		wl, err := svc.UpdateWorkload(ctx, in.Name, in.ReturnURLs)
		if err != nil {
			return nil, err
		}
		return workloadDocOf(wl, true), nil
	})(ctx, w, r, p)
}

func (s *Server) deleteWorkloadIdentity(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusNoContent, func(ctx context.Context, svc *identity.Service, in *nameInput) (*noContent, error) {
		if err := svc.DeleteWorkload(ctx, in.Name); err != nil {
			return nil, err
		}
		return nil, nil
	})(ctx, w, r, p)
}

func (s *Server) listWorkloadIdentities(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *pageInput) (*listWorkloadsOutput, error) {
		wls, next, err := svc.ListWorkloads(ctx, in.page())
		if err != nil {
			return nil, err
		}
		return &listWorkloadsOutput{NextToken: nullIfEmpty(next), WorkloadIdentities: mapItems(wls, func(wl *identity.Workload) *workloadDoc {
			return &workloadDoc{Name: wl.Name, WorkloadIdentityArn: wl.ARN}
		})}, nil
	})(ctx, w, r, p)
}

// Token vault.

func (s *Server) getTokenVault(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *tokenVaultIDInput) (*tokenVaultDoc, error) {
		v, err := svc.GetTokenVault(ctx, in.TokenVaultID)
		if err != nil {
			return nil, err
		}
		return vaultDocOf(v), nil
	})(ctx, w, r, p)
}

func (s *Server) setTokenVaultCMK(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *setTokenVaultCMKInput) (*tokenVaultDoc, error) {
		v, err := svc.SetTokenVaultCMK(ctx, in.TokenVaultID, in.Kms.KeyType, in.Kms.KmsKeyArn)
		if err != nil {
			return nil, err
		}
		return vaultDocOf(v), nil
	})(ctx, w, r, p)
}

func (s *Server) resetTokenVaultKeyMaterial(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *resetTokenVaultInput) (*tokenVaultDoc, error) {
		if _, err := svc.GetTokenVault(ctx, in.TokenVaultID); err != nil {
			return nil, err
		}
		if err := svc.ResetKeyMaterial(ctx); err != nil {
			return nil, err
		}
		v, err := svc.GetTokenVault(ctx, in.TokenVaultID)
		if err != nil {
			return nil, err
		}
		return vaultDocOf(v), nil
	})(ctx, w, r, p)
}

// ensureWorkload creates a runtime's workload identity (best effort: it is
// also created on the runtime's first invocation).
func (s *Server) ensureWorkload(ctx context.Context, name string) {
	if s.cfg.Identity == nil {
		return
	}
	if _, err := s.cfg.Identity.EnsureWorkload(ctx, name); err != nil {
		s.log.Warn("workload identity of runtime not created", "runtime", name, "err", err)
	}
}
