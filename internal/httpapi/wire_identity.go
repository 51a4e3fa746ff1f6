package httpapi

import (
	"encoding/json"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/identity"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Wire shapes of the Identity operations (control and data plane). Identity
// date-times are epoch seconds (float), as AWS sends them.

func epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// optEpoch is an epoch member sent only with full (Get/Update) answers.
func optEpoch(t time.Time, full bool) *float64 {
	if !full {
		return nil
	}
	v := epoch(t)
	return &v
}

type nameInput struct {
	Name string `json:"name"`
}

// pageInput is the maxResults (1-100) and nextToken members of an Identity
// list operation.
type pageInput struct {
	MaxResults *int   `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

func (p *pageInput) validate() error {
	if p.MaxResults != nil && (*p.MaxResults < 1 || *p.MaxResults > 100) {
		return errs.Field("maxResults", "maxResults must be an integer from 1 to 100")
	}
	return nil
}

func (p *pageInput) page() identity.Page {
	out := identity.Page{NextToken: p.NextToken}
	if p.MaxResults != nil {
		out.MaxResults = *p.MaxResults
	}
	return out
}

// nullIfEmpty is a nextToken member sent as null when there is no more.
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Workload identities

type workloadInput struct {
	Name       string            `json:"name"`
	ReturnURLs []string          `json:"allowedResourceOauth2ReturnUrls"`
	Tags       map[string]string `json:"tags"`
}

func (in *workloadInput) validate() error { return tagging.Validate(in.Tags) }

type workloadDoc struct {
	Name                string   `json:"name"`
	WorkloadIdentityArn string   `json:"workloadIdentityArn"`
	ReturnURLs          []string `json:"allowedResourceOauth2ReturnUrls,omitempty"`
	CreatedTime         *float64 `json:"createdTime,omitempty"`
	LastUpdatedTime     *float64 `json:"lastUpdatedTime,omitempty"`
}

func workloadDocOf(wl *identity.Workload, full bool) *workloadDoc {
	return &workloadDoc{Name: wl.Name, WorkloadIdentityArn: wl.ARN, ReturnURLs: wl.ReturnURLs,
		CreatedTime: optEpoch(wl.Created, full), LastUpdatedTime: optEpoch(wl.Updated, full)}
}

type listWorkloadsOutput struct {
	WorkloadIdentities []*workloadDoc `json:"workloadIdentities"`
	NextToken          *string        `json:"nextToken"`
}

// Credential providers

type secretArn struct {
	SecretArn string `json:"secretArn"`
}

type oauth2Input struct {
	Name   string                     `json:"name"`
	Vendor string                     `json:"credentialProviderVendor" required:"true"`
	Config map[string]json.RawMessage `json:"oauth2ProviderConfigInput"`
	Tags   map[string]string          `json:"tags"`
}

func (in *oauth2Input) validate() error { return tagging.Validate(in.Tags) }

type oauth2ProviderDoc struct {
	Name                       string                        `json:"name"`
	CredentialProviderArn      string                        `json:"credentialProviderArn"`
	CredentialProviderVendor   string                        `json:"credentialProviderVendor"`
	ClientSecretArn            secretArn                     `json:"clientSecretArn"`
	ClientSecretSource         string                        `json:"clientSecretSource"`
	CallbackURL                string                        `json:"callbackUrl"`
	Oauth2ProviderConfigOutput map[string]oauth2ConfigOutput `json:"oauth2ProviderConfigOutput"` // union: one member
	Status                     string                        `json:"status"`
	CreatedTime                *float64                      `json:"createdTime,omitempty"`
	LastUpdatedTime            *float64                      `json:"lastUpdatedTime,omitempty"`
}

type oauth2ConfigOutput struct {
	ClientID                   string         `json:"clientId"`
	OauthDiscovery             oauthDiscovery `json:"oauthDiscovery"`
	ClientAuthenticationMethod string         `json:"clientAuthenticationMethod,omitempty"`
}

type oauthDiscovery struct {
	DiscoveryURL                string          `json:"discoveryUrl,omitempty"`
	AuthorizationServerMetadata *serverMetadata `json:"authorizationServerMetadata,omitempty"`
}

type serverMetadata struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorizationEndpoint"`
	TokenEndpoint         string   `json:"tokenEndpoint"`
	ResponseTypes         []string `json:"responseTypes,omitempty"`
}

func oauth2DocOf(svc *identity.Service, p *identity.OAuth2Provider, full bool) *oauth2ProviderDoc {
	var disc oauthDiscovery
	if p.DiscoveryURL != "" {
		disc.DiscoveryURL = p.DiscoveryURL
	} else {
		disc.AuthorizationServerMetadata = &serverMetadata{Issuer: p.Metadata.Issuer, AuthorizationEndpoint: p.Metadata.AuthorizationEndpoint,
			TokenEndpoint: p.Metadata.TokenEndpoint, ResponseTypes: p.Metadata.ResponseTypes}
	}
	cfg := oauth2ConfigOutput{ClientID: p.ClientID, OauthDiscovery: disc}
	if p.Member == "customOauth2ProviderConfig" {
		cfg.ClientAuthenticationMethod = p.AuthMethod
	}
	acct, region := arnAccountRegion(p.ARN)
	return &oauth2ProviderDoc{Name: p.Name, CredentialProviderArn: p.ARN, CredentialProviderVendor: p.Vendor,
		ClientSecretArn: secretArn{identity.SecretARN(region, acct, "oauth2", p.Name)}, ClientSecretSource: "MANAGED",
		CallbackURL: svc.CallbackURL(), Oauth2ProviderConfigOutput: map[string]oauth2ConfigOutput{p.Member: cfg}, Status: "READY",
		CreatedTime: optEpoch(p.Created, full), LastUpdatedTime: optEpoch(p.Updated, full)}
}

type providerSummary struct {
	Name                     string  `json:"name"`
	CredentialProviderArn    string  `json:"credentialProviderArn"`
	CredentialProviderVendor string  `json:"credentialProviderVendor,omitempty"` // OAuth2 only
	CreatedTime              float64 `json:"createdTime"`
	LastUpdatedTime          float64 `json:"lastUpdatedTime"`
}

type listProvidersOutput struct {
	CredentialProviders []providerSummary `json:"credentialProviders"`
	NextToken           *string           `json:"nextToken"`
}

type apiKeyInput struct {
	Name         string            `json:"name"`
	APIKey       string            `json:"apiKey"`
	SecretSource string            `json:"apiKeySecretSource"`
	Tags         map[string]string `json:"tags"`
}

func (in *apiKeyInput) validate() error {
	if in.SecretSource == "EXTERNAL" {
		return errs.Field("apiKeySecretSource", "EXTERNAL secrets (AWS Secrets Manager) are not available on this server; pass apiKey")
	}
	return tagging.Validate(in.Tags)
}

type apiKeyProviderDoc struct {
	Name                  string    `json:"name"`
	CredentialProviderArn string    `json:"credentialProviderArn"`
	APIKeySecretSource    string    `json:"apiKeySecretSource"`
	APIKeySecretArn       secretArn `json:"apiKeySecretArn"`
	CreatedTime           *float64  `json:"createdTime,omitempty"`
	LastUpdatedTime       *float64  `json:"lastUpdatedTime,omitempty"`
}

func apiKeyDocOf(p *identity.APIKeyProvider, full bool) *apiKeyProviderDoc {
	acct, region := arnAccountRegion(p.ARN)
	return &apiKeyProviderDoc{Name: p.Name, CredentialProviderArn: p.ARN, APIKeySecretSource: "MANAGED",
		APIKeySecretArn: secretArn{identity.SecretARN(region, acct, "apikey", p.Name)},
		CreatedTime:     optEpoch(p.Created, full), LastUpdatedTime: optEpoch(p.Updated, full)}
}

// Token vault

type tokenVaultIDInput struct {
	TokenVaultID string `json:"tokenVaultId"`
}

type resetTokenVaultInput struct {
	TokenVaultID string `json:"tokenVaultId" required:"true"`
}

type setTokenVaultCMKInput struct {
	TokenVaultID string            `json:"tokenVaultId"`
	Kms          *kmsConfiguration `json:"kmsConfiguration" required:"true"`
}

type tokenVaultDoc struct {
	TokenVaultID     string           `json:"tokenVaultId"`
	KmsConfiguration kmsConfiguration `json:"kmsConfiguration"`
	LastModifiedDate float64          `json:"lastModifiedDate"`
}

type kmsConfiguration struct {
	KeyType   string `json:"keyType"`
	KmsKeyArn string `json:"kmsKeyArn,omitempty"`
}

func vaultDocOf(v *identity.TokenVault) *tokenVaultDoc {
	return &tokenVaultDoc{TokenVaultID: v.ID, KmsConfiguration: kmsConfiguration{v.KeyType, v.KmsKeyArn}, LastModifiedDate: epoch(v.Modified)}
}

// Data plane

type workloadTokenInput struct {
	WorkloadName string `json:"workloadName"`
}

type workloadTokenForJWTInput struct {
	WorkloadName string `json:"workloadName"`
	UserToken    string `json:"userToken"`
}

type workloadTokenForUserIDInput struct {
	WorkloadName string `json:"workloadName"`
	UserID       string `json:"userId"`
}

type workloadTokenOutput struct {
	WorkloadAccessToken string `json:"workloadAccessToken"`
}

type resourceOauth2TokenInput struct {
	Provider         string            `json:"resourceCredentialProviderName"`
	Scopes           []string          `json:"scopes"`
	Flow             string            `json:"oauth2Flow"`
	WAT              string            `json:"workloadIdentityToken"`
	ReturnURL        string            `json:"resourceOauth2ReturnUrl"`
	SessionURI       string            `json:"sessionUri"`
	Force            bool              `json:"forceAuthentication"`
	CustomState      string            `json:"customState"`
	CustomParameters map[string]string `json:"customParameters"`
	Audiences        []string          `json:"audiences"`
	Resources        []string          `json:"resources"`
}

func (in *resourceOauth2TokenInput) request() identity.TokenRequest {
	return identity.TokenRequest{Provider: in.Provider, Scopes: in.Scopes, Flow: in.Flow, WAT: in.WAT,
		ReturnURL: in.ReturnURL, SessionURI: in.SessionURI, Force: in.Force, CustomState: in.CustomState,
		CustomParameters: in.CustomParameters, Audiences: in.Audiences, Resources: in.Resources}
}

type resourceOauth2TokenOutput struct {
	AccessToken      string `json:"accessToken,omitempty"`
	AuthorizationURL string `json:"authorizationUrl,omitempty"`
	SessionURI       string `json:"sessionUri,omitempty"`
	SessionStatus    string `json:"sessionStatus,omitempty"`
}

type resourceAPIKeyInput struct {
	Provider string `json:"resourceCredentialProviderName"`
	WAT      string `json:"workloadIdentityToken"`
}

type resourceAPIKeyOutput struct {
	APIKey string `json:"apiKey"`
}

type completeAuthInput struct {
	SessionURI string `json:"sessionUri" required:"true"`
	User       *struct {
		UserID    string `json:"userId"`
		UserToken string `json:"userToken"`
	} `json:"userIdentifier" required:"true"`
}

type emptyOutput struct{}
