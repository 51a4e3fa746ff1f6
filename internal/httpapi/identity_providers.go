package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/identity"
)

// Identity control plane: OAuth2 and API-key credential providers. Wire
// shapes in wire_identity.go.

// arnAccountRegion splits arn:aws:svc:region:account:...
func arnAccountRegion(arn string) (acct, region string) {
	var parts [6]string
	n := 0
	start := 0
	for i := 0; i < len(arn) && n < 5; i++ {
		if arn[i] == ':' {
			parts[n] = arn[start:i]
			n++
			start = i + 1
		}
	}
	return parts[4], parts[3]
}

func (s *Server) createOauth2CredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusCreated, func(ctx context.Context, svc *identity.Service, in *oauth2Input) (*oauth2ProviderDoc, error) {
		pr, err := svc.CreateOAuth2Provider(ctx, identity.OAuth2Input{Name: in.Name, Vendor: in.Vendor, Config: in.Config, Tags: in.Tags})
		if err != nil {
			return nil, err
		}
		return oauth2DocOf(svc, pr, false), nil
	})(ctx, w, r, p)
}

func (s *Server) updateOauth2CredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *oauth2Input) (*oauth2ProviderDoc, error) {
		pr, err := svc.UpdateOAuth2Provider(ctx, identity.OAuth2Input{Name: in.Name, Vendor: in.Vendor, Config: in.Config})
		if err != nil {
			return nil, err
		}
		return oauth2DocOf(svc, pr, true), nil
	})(ctx, w, r, p)
}

func (s *Server) getOauth2CredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *nameInput) (*oauth2ProviderDoc, error) {
		pr, err := svc.GetOAuth2Provider(ctx, in.Name)
		if err != nil {
			return nil, err
		}
		return oauth2DocOf(svc, pr, true), nil
	})(ctx, w, r, p)
}

func (s *Server) deleteOauth2CredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusNoContent, func(ctx context.Context, svc *identity.Service, in *nameInput) (*noContent, error) {
		return nil, svc.DeleteOAuth2Provider(ctx, in.Name)
	})(ctx, w, r, p)
}

func (s *Server) listOauth2CredentialProviders(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *pageInput) (*listProvidersOutput, error) {
		ps, next, err := svc.ListOAuth2Providers(ctx, in.page())
		if err != nil {
			return nil, err
		}
		return &listProvidersOutput{NextToken: nullIfEmpty(next), CredentialProviders: mapItems(ps, func(p *identity.OAuth2Provider) providerSummary {
			return providerSummary{Name: p.Name, CredentialProviderArn: p.ARN, CredentialProviderVendor: p.Vendor,
				CreatedTime: epoch(p.Created), LastUpdatedTime: epoch(p.Updated)}
		})}, nil
	})(ctx, w, r, p)
}

func (s *Server) createApiKeyCredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusCreated, func(ctx context.Context, svc *identity.Service, in *apiKeyInput) (*apiKeyProviderDoc, error) {
		pr, err := svc.CreateAPIKeyProvider(ctx, in.Name, in.APIKey, in.Tags)
		if err != nil {
			return nil, err
		}
		return apiKeyDocOf(pr, false), nil
	})(ctx, w, r, p)
}

func (s *Server) updateApiKeyCredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *apiKeyInput) (*apiKeyProviderDoc, error) {
		pr, err := svc.UpdateAPIKeyProvider(ctx, in.Name, in.APIKey)
		if err != nil {
			return nil, err
		}
		return apiKeyDocOf(pr, true), nil
	})(ctx, w, r, p)
}

func (s *Server) getApiKeyCredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *nameInput) (*apiKeyProviderDoc, error) {
		pr, err := svc.GetAPIKeyProvider(ctx, in.Name)
		if err != nil {
			return nil, err
		}
		return apiKeyDocOf(pr, true), nil
	})(ctx, w, r, p)
}

func (s *Server) deleteApiKeyCredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusNoContent, func(ctx context.Context, svc *identity.Service, in *nameInput) (*noContent, error) {
		return nil, svc.DeleteAPIKeyProvider(ctx, in.Name)
	})(ctx, w, r, p)
}

func (s *Server) listApiKeyCredentialProviders(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return identityOp(s, http.StatusOK, func(ctx context.Context, svc *identity.Service, in *pageInput) (*listProvidersOutput, error) {
		ps, next, err := svc.ListAPIKeyProviders(ctx, in.page())
		if err != nil {
			return nil, err
		}
		return &listProvidersOutput{NextToken: nullIfEmpty(next), CredentialProviders: mapItems(ps, func(p *identity.APIKeyProvider) providerSummary {
			return providerSummary{Name: p.Name, CredentialProviderArn: p.ARN, CreatedTime: epoch(p.Created), LastUpdatedTime: epoch(p.Updated)}
		})}, nil
	})(ctx, w, r, p)
}
