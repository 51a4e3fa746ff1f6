package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/identity"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Identity control plane: workload identities, credential providers and
// the token vault. Secrets (clientSecret, apiKey) are accepted, never
// returned.

func epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// serveByName serves an operation addressed by {"name": …}: f's answer is
// sent as JSON, or 204 No Content when it is nil.
func (s *Server) serveByName(w http.ResponseWriter, r *http.Request, f func(svc *identity.Service, name string) (any, error)) error {
	svc := s.cfg.Identity
	var in nameReq
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	out, err := f(svc, in.Name)
	if err != nil {
		return err
	}
	if out == nil {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return writeJSON(w, http.StatusOK, out)
}

type nameReq struct {
	Name string `json:"name"`
}

type pageReq struct {
	MaxResults *int   `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

func (p pageReq) page() (identity.Page, error) {
	out := identity.Page{NextToken: p.NextToken}
	if p.MaxResults != nil {
		if *p.MaxResults < 1 || *p.MaxResults > 100 {
			return out, errs.Field("maxResults", "maxResults must be an integer from 1 to 100")
		}
		out.MaxResults = *p.MaxResults
	}
	return out, nil
}

func workloadJSON(wl *identity.Workload, full bool) map[string]any {
	m := map[string]any{"name": wl.Name, "workloadIdentityArn": wl.ARN}
	if len(wl.ReturnURLs) > 0 {
		m["allowedResourceOauth2ReturnUrls"] = wl.ReturnURLs
	}
	if full {
		m["createdTime"], m["lastUpdatedTime"] = epoch(wl.Created), epoch(wl.Updated)
	}
	return m
}

func (s *Server) createWorkloadIdentity(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in struct {
		Name       string            `json:"name"`
		ReturnURLs []string          `json:"allowedResourceOauth2ReturnUrls"`
		Tags       map[string]string `json:"tags"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return err
	}
	wl, err := svc.CreateWorkload(ctx, in.Name, in.ReturnURLs, in.Tags)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, workloadJSON(wl, false))
}

func (s *Server) getWorkloadIdentity(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	return s.serveByName(w, r, func(svc *identity.Service, name string) (any, error) {
		wl, err := svc.GetWorkload(ctx, name)
		if err != nil {
			return nil, err
		}
		return workloadJSON(wl, true), nil
	})
}

func (s *Server) updateWorkloadIdentity(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in struct {
		Name       string   `json:"name"`
		ReturnURLs []string `json:"allowedResourceOauth2ReturnUrls"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	wl, err := svc.UpdateWorkload(ctx, in.Name, in.ReturnURLs)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, workloadJSON(wl, true))
}

func (s *Server) deleteWorkloadIdentity(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in nameReq
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	if err := svc.DeleteWorkload(ctx, in.Name); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listWorkloadIdentities(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in pageReq
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	pg, err := in.page()
	if err != nil {
		return err
	}
	wls, next, err := svc.ListWorkloads(ctx, pg)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(wls))
	for _, wl := range wls {
		out = append(out, map[string]any{"name": wl.Name, "workloadIdentityArn": wl.ARN})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"workloadIdentities": out, "nextToken": nullIfEmpty(next)})
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// OAuth2 credential providers.

type oauth2Req struct {
	Name   string                     `json:"name"`
	Vendor string                     `json:"credentialProviderVendor"`
	Config map[string]json.RawMessage `json:"oauth2ProviderConfigInput"`
	Tags   map[string]string          `json:"tags"`
}

func (s *Server) oauth2JSON(svc *identity.Service, p *identity.OAuth2Provider, full bool) map[string]any {
	disc := map[string]any{}
	if p.DiscoveryURL != "" {
		disc["discoveryUrl"] = p.DiscoveryURL
	} else {
		md := map[string]any{"issuer": p.Metadata.Issuer, "authorizationEndpoint": p.Metadata.AuthorizationEndpoint, "tokenEndpoint": p.Metadata.TokenEndpoint}
		if len(p.Metadata.ResponseTypes) > 0 {
			md["responseTypes"] = p.Metadata.ResponseTypes
		}
		disc["authorizationServerMetadata"] = md
	}
	cfg := map[string]any{"clientId": p.ClientID, "oauthDiscovery": disc}
	if p.AuthMethod != "" && p.Member == "customOauth2ProviderConfig" {
		cfg["clientAuthenticationMethod"] = p.AuthMethod
	}
	acct, region := arnAccountRegion(p.ARN)
	m := map[string]any{
		"name": p.Name, "credentialProviderArn": p.ARN, "credentialProviderVendor": p.Vendor,
		"clientSecretArn":            map[string]any{"secretArn": identity.SecretARN(region, acct, "oauth2", p.Name)},
		"clientSecretSource":         "MANAGED",
		"callbackUrl":                svc.CallbackURL(),
		"oauth2ProviderConfigOutput": map[string]any{p.Member: cfg},
		"status":                     "READY",
	}
	if full {
		m["createdTime"], m["lastUpdatedTime"] = epoch(p.Created), epoch(p.Updated)
	}
	return m
}

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

func (s *Server) createOauth2CredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	return s.putOauth2(ctx, w, r, true)
}

func (s *Server) updateOauth2CredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	return s.putOauth2(ctx, w, r, false)
}

func (s *Server) putOauth2(ctx context.Context, w http.ResponseWriter, r *http.Request, create bool) error {
	svc := s.cfg.Identity
	var in oauth2Req
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	if in.Vendor == "" {
		return errs.Field("credentialProviderVendor", "credentialProviderVendor is required")
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return err
	}
	inp := identity.OAuth2Input{Name: in.Name, Vendor: in.Vendor, Config: in.Config, Tags: in.Tags}
	if create {
		p, err := svc.CreateOAuth2Provider(ctx, inp)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, s.oauth2JSON(svc, p, false))
	}
	p, err := svc.UpdateOAuth2Provider(ctx, inp)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.oauth2JSON(svc, p, true))
}

func (s *Server) getOauth2CredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	return s.serveByName(w, r, func(svc *identity.Service, name string) (any, error) {
		p, err := svc.GetOAuth2Provider(ctx, name)
		if err != nil {
			return nil, err
		}
		return s.oauth2JSON(svc, p, true), nil
	})
}

func (s *Server) deleteOauth2CredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	return s.serveByName(w, r, func(svc *identity.Service, name string) (any, error) {
		return nil, svc.DeleteOAuth2Provider(ctx, name)
	})
}

func (s *Server) listOauth2CredentialProviders(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in pageReq
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	pg, err := in.page()
	if err != nil {
		return err
	}
	ps, next, err := svc.ListOAuth2Providers(ctx, pg)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(ps))
	for _, p := range ps {
		out = append(out, map[string]any{"name": p.Name, "credentialProviderArn": p.ARN, "credentialProviderVendor": p.Vendor,
			"createdTime": epoch(p.Created), "lastUpdatedTime": epoch(p.Updated)})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"credentialProviders": out, "nextToken": nullIfEmpty(next)})
}

// API-key credential providers.

func apiKeyJSON(p *identity.APIKeyProvider, full bool) map[string]any {
	acct, region := arnAccountRegion(p.ARN)
	m := map[string]any{"name": p.Name, "credentialProviderArn": p.ARN, "apiKeySecretSource": "MANAGED",
		"apiKeySecretArn": map[string]any{"secretArn": identity.SecretARN(region, acct, "apikey", p.Name)}}
	if full {
		m["createdTime"], m["lastUpdatedTime"] = epoch(p.Created), epoch(p.Updated)
	}
	return m
}

type apiKeyReq struct {
	Name         string            `json:"name"`
	APIKey       string            `json:"apiKey"`
	SecretSource string            `json:"apiKeySecretSource"`
	Tags         map[string]string `json:"tags"`
}

func (s *Server) createApiKeyCredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	return s.putAPIKey(ctx, w, r, true)
}

func (s *Server) updateApiKeyCredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	return s.putAPIKey(ctx, w, r, false)
}

func (s *Server) putAPIKey(ctx context.Context, w http.ResponseWriter, r *http.Request, create bool) error {
	svc := s.cfg.Identity
	var in apiKeyReq
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	if in.SecretSource == "EXTERNAL" {
		return errs.Field("apiKeySecretSource", "EXTERNAL secrets (AWS Secrets Manager) are not available on this server; pass apiKey")
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return err
	}
	if create {
		p, err := svc.CreateAPIKeyProvider(ctx, in.Name, in.APIKey, in.Tags)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, apiKeyJSON(p, false))
	}
	p, err := svc.UpdateAPIKeyProvider(ctx, in.Name, in.APIKey)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, apiKeyJSON(p, true))
}

func (s *Server) getApiKeyCredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	return s.serveByName(w, r, func(svc *identity.Service, name string) (any, error) {
		p, err := svc.GetAPIKeyProvider(ctx, name)
		if err != nil {
			return nil, err
		}
		return apiKeyJSON(p, true), nil
	})
}

func (s *Server) deleteApiKeyCredentialProvider(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	return s.serveByName(w, r, func(svc *identity.Service, name string) (any, error) {
		return nil, svc.DeleteAPIKeyProvider(ctx, name)
	})
}

func (s *Server) listApiKeyCredentialProviders(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in pageReq
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	pg, err := in.page()
	if err != nil {
		return err
	}
	ps, next, err := svc.ListAPIKeyProviders(ctx, pg)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(ps))
	for _, p := range ps {
		out = append(out, map[string]any{"name": p.Name, "credentialProviderArn": p.ARN,
			"createdTime": epoch(p.Created), "lastUpdatedTime": epoch(p.Updated)})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"credentialProviders": out, "nextToken": nullIfEmpty(next)})
}

// Token vault.

func vaultJSON(v *identity.TokenVault) map[string]any {
	kc := map[string]any{"keyType": v.KeyType}
	if v.KmsKeyArn != "" {
		kc["kmsKeyArn"] = v.KmsKeyArn
	}
	return map[string]any{"tokenVaultId": v.ID, "kmsConfiguration": kc, "lastModifiedDate": epoch(v.Modified)}
}

func (s *Server) getTokenVault(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in struct {
		TokenVaultID string `json:"tokenVaultId"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	v, err := svc.GetTokenVault(ctx, in.TokenVaultID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, vaultJSON(v))
}

func (s *Server) setTokenVaultCMK(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in struct {
		TokenVaultID string `json:"tokenVaultId"`
		Kms          *struct {
			KeyType   string `json:"keyType"`
			KmsKeyArn string `json:"kmsKeyArn"`
		} `json:"kmsConfiguration"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	if in.Kms == nil {
		return errs.Field("kmsConfiguration", "kmsConfiguration is required")
	}
	v, err := svc.SetTokenVaultCMK(ctx, in.TokenVaultID, in.Kms.KeyType, in.Kms.KmsKeyArn)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, vaultJSON(v))
}

func (s *Server) resetTokenVaultKeyMaterial(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Identity
	var in struct {
		TokenVaultID string `json:"tokenVaultId"`
	}
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	if in.TokenVaultID == "" {
		return errs.Field("tokenVaultId", "tokenVaultId is required")
	}
	if _, err := svc.GetTokenVault(ctx, in.TokenVaultID); err != nil {
		return err
	}
	if err := svc.ResetKeyMaterial(ctx); err != nil {
		return err
	}
	v, err := svc.GetTokenVault(ctx, in.TokenVaultID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, vaultJSON(v))
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
