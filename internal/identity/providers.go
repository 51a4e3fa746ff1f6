package identity

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// OAuth2Provider is a stored OAuth2 credential provider. The client secret
// is sealed; it never appears in API answers.
type OAuth2Provider struct {
	Name         string    `json:"name"`
	ARN          string    `json:"arn"`
	Region       string    `json:"region"`
	Vendor       string    `json:"vendor"`
	Member       string    `json:"member"` // union member the config came in
	ClientID     string    `json:"clientId,omitempty"`
	SecretCT     string    `json:"clientSecretSealed,omitempty"`
	DiscoveryURL string    `json:"discoveryUrl,omitempty"`
	Metadata     *Metadata `json:"metadata,omitempty"`
	AuthMethod   string    `json:"clientAuthenticationMethod,omitempty"`
	Created      time.Time `json:"createdTime"`
	Updated      time.Time `json:"lastUpdatedTime"`
}

// APIKeyProvider is a stored API-key credential provider (key sealed).
type APIKeyProvider struct {
	Name    string    `json:"name"`
	ARN     string    `json:"arn"`
	Region  string    `json:"region"`
	KeyCT   string    `json:"apiKeySealed"`
	Created time.Time `json:"createdTime"`
	Updated time.Time `json:"lastUpdatedTime"`
}

var providerNameRE = regexp.MustCompile(`^[a-zA-Z0-9\-_]{1,128}$`)

func checkProviderName(field, name string) error {
	if !providerNameRE.MatchString(name) {
		return errs.Field(field, "%s must be 1-128 characters of letters, digits, '-', '_'", field)
	}
	return nil
}

// ProviderARN is a credential provider ARN (kind: oauth2credentialprovider
// or apikeycredentialprovider).
func ProviderARN(region, account, kind, name string) string {
	return "arn:aws:acps:" + region + ":" + account + ":token-vault/default/" + kind + "/" + name
}

// SecretARN is the (virtual) secret ARN a provider's secret is reported as.
func SecretARN(region, account, kind, name string) string {
	return "arn:aws:secretsmanager:" + region + ":" + account + ":secret:bedrock-agentcore-identity!default/" + kind + "/" + name
}

// providerConfig is any member of the Oauth2ProviderConfigInput union.
type providerConfig struct {
	ClientID                   string `json:"clientId"`
	ClientSecret               string `json:"clientSecret"`
	ClientAuthenticationMethod string `json:"clientAuthenticationMethod"`
	OauthDiscovery             *struct {
		DiscoveryURL                string    `json:"discoveryUrl"`
		AuthorizationServerMetadata *Metadata `json:"authorizationServerMetadata"`
	} `json:"oauthDiscovery"`
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorizationEndpoint"`
	TokenEndpoint         string `json:"tokenEndpoint"`
	TenantID              string `json:"tenantId"`
	ClientSecretSource    string `json:"clientSecretSource"`
}

// OAuth2Input is Create/UpdateOauth2CredentialProvider's input.
type OAuth2Input struct {
	Name   string
	Vendor string
	Config map[string]json.RawMessage // the Oauth2ProviderConfigInput union
	Tags   map[string]string          // create: stored with the provider
}

func absURL(field, u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return errs.Field(field, "%s must be an absolute http(s) URL", field)
	}
	return nil
}

// buildOAuth2 validates in and resolves the provider's endpoints. Discovery
// URLs are fetched now, so a provider that cannot work is never stored.
func (s *Service) buildOAuth2(ctx context.Context, in OAuth2Input, p *OAuth2Provider) error {
	v, ok := vendors[in.Vendor]
	if !ok {
		return errs.Field("credentialProviderVendor", "credentialProviderVendor %q is not supported", in.Vendor)
	}
	if len(in.Config) != 1 {
		return errs.Field("oauth2ProviderConfigInput", "oauth2ProviderConfigInput must set exactly one member")
	}
	var member string
	var raw json.RawMessage
	for member, raw = range in.Config {
	}
	if member != v.Member && !(member == "customOauth2ProviderConfig" || member == "includedOauth2ProviderConfig") {
		return errs.Field("oauth2ProviderConfigInput", "%s does not configure vendor %s (use %s)", member, in.Vendor, v.Member)
	}
	var c providerConfig
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if err := dec.Decode(&c); err != nil {
		return errs.Field("oauth2ProviderConfigInput", "oauth2ProviderConfigInput.%s: %v", member, err)
	}
	if c.ClientID == "" || len(c.ClientID) > 256 {
		return errs.Field("clientId", "clientId is required (1-256 characters)")
	}
	if c.ClientSecretSource == "EXTERNAL" {
		return errs.Field("clientSecretSource", "EXTERNAL secrets (AWS Secrets Manager) are not available on this server; pass clientSecret")
	}
	if len(c.ClientSecret) > 2048 {
		return errs.Field("clientSecret", "clientSecret is longer than 2048 characters")
	}
	switch c.ClientAuthenticationMethod {
	case "", "CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST":
	default:
		return errs.Field("clientAuthenticationMethod", "clientAuthenticationMethod %s is not supported here", c.ClientAuthenticationMethod)
	}
	p.Vendor, p.Member, p.ClientID, p.AuthMethod = in.Vendor, member, c.ClientID, c.ClientAuthenticationMethod
	p.DiscoveryURL, p.Metadata = "", nil
	switch {
	case c.OauthDiscovery != nil && c.OauthDiscovery.DiscoveryURL != "":
		if err := absURL("discoveryUrl", c.OauthDiscovery.DiscoveryURL); err != nil {
			return err
		}
		md, err := s.oauth.Discover(ctx, c.OauthDiscovery.DiscoveryURL)
		if err != nil {
			return errs.Wrap(errs.Invalid, err, "discoveryUrl %s could not be used", c.OauthDiscovery.DiscoveryURL)
		}
		p.DiscoveryURL, p.Metadata = c.OauthDiscovery.DiscoveryURL, md
	case c.OauthDiscovery != nil && c.OauthDiscovery.AuthorizationServerMetadata != nil:
		p.Metadata = c.OauthDiscovery.AuthorizationServerMetadata
	case c.AuthorizationEndpoint != "" || c.TokenEndpoint != "":
		p.Metadata = &Metadata{Issuer: c.Issuer, AuthorizationEndpoint: c.AuthorizationEndpoint, TokenEndpoint: c.TokenEndpoint}
	case c.Issuer != "":
		iss := strings.TrimSuffix(c.Issuer, "/")
		md, err := s.oauth.Discover(ctx, iss+"/.well-known/openid-configuration")
		if err != nil {
			return errs.Wrap(errs.Invalid, err, "issuer %s has no usable discovery document", c.Issuer)
		}
		p.Metadata = md
	case v.Token != "":
		tenantID := c.TenantID
		if tenantID == "" {
			tenantID = "common"
		}
		p.Metadata = &Metadata{AuthorizationEndpoint: strings.ReplaceAll(v.Auth, "{tenant}", tenantID), TokenEndpoint: strings.ReplaceAll(v.Token, "{tenant}", tenantID)}
	default:
		return errs.Field("oauthDiscovery", "vendor %s needs oauthDiscovery (discoveryUrl or authorizationServerMetadata) or issuer/endpoints", in.Vendor)
	}
	if p.Metadata.TokenEndpoint == "" {
		return errs.Field("tokenEndpoint", "the provider has no token endpoint")
	}
	if err := absURL("tokenEndpoint", p.Metadata.TokenEndpoint); err != nil {
		return err
	}
	if p.Metadata.AuthorizationEndpoint != "" {
		if err := absURL("authorizationEndpoint", p.Metadata.AuthorizationEndpoint); err != nil {
			return err
		}
	}
	if c.ClientSecret != "" {
		ct, err := s.vault.Seal([]byte(c.ClientSecret), aadProvider(p.ARN))
		if err != nil {
			return err
		}
		p.SecretCT = ct
	}
	return nil
}

func aadProvider(arn string) []byte { return []byte("client-secret|" + arn) }
func aadAPIKey(arn string) []byte   { return []byte("api-key|" + arn) }

// CreateOAuth2Provider creates an OAuth2 credential provider.
func (s *Service) CreateOAuth2Provider(ctx context.Context, in OAuth2Input) (*OAuth2Provider, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkProviderName("name", in.Name); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	p := &OAuth2Provider{Name: in.Name, ARN: ProviderARN(t.Region, t.Account, "oauth2credentialprovider", in.Name), Region: t.Region, Created: now, Updated: now}
	if err := s.buildOAuth2(ctx, in, p); err != nil {
		return nil, err
	}
	if err := s.kv.Txn(ctx, append([]store.Op{createOp(tblOAuth2, t.Account+"/"+in.Name, p)}, tagging.PutOps(p.ARN, in.Tags)...)...); err != nil {
		if errs.KindOf(err) == errs.Conflict {
			return nil, errs.E(errs.Conflict, "credential provider %s already exists", in.Name)
		}
		return nil, err
	}
	s.log.Info("oauth2 credential provider created", "name", in.Name, "vendor", in.Vendor)
	return p, nil
}

// UpdateOAuth2Provider replaces a provider's configuration.
func (s *Service) UpdateOAuth2Provider(ctx context.Context, in OAuth2Input) (*OAuth2Provider, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkProviderName("name", in.Name); err != nil {
		return nil, err
	}
	var p *OAuth2Provider
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if p, rev, err = getJSON[OAuth2Provider](ctx, s.kv, tblOAuth2, t.Account+"/"+in.Name, notFound("credential provider", in.Name)); err != nil {
			return err
		}
		old := p.SecretCT
		p.SecretCT = ""
		if err := s.buildOAuth2(ctx, in, p); err != nil {
			return err
		}
		if p.SecretCT == "" {
			p.SecretCT = old // secret kept unless a new one is given
		}
		p.Updated = s.now().UTC()
		return s.kv.Txn(ctx, updateOp(tblOAuth2, t.Account+"/"+in.Name, rev, p))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// GetOAuth2Provider reads a provider.
func (s *Service) GetOAuth2Provider(ctx context.Context, name string) (*OAuth2Provider, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkProviderName("name", name); err != nil {
		return nil, err
	}
	p, _, err := getJSON[OAuth2Provider](ctx, s.kv, tblOAuth2, t.Account+"/"+name, notFound("credential provider", name))
	return p, err
}

// DeleteOAuth2Provider deletes a provider and every token obtained with it.
func (s *Service) DeleteOAuth2Provider(ctx context.Context, name string) error {
	t, err := tenantOf(ctx)
	if err != nil {
		return err
	}
	p, err := s.GetOAuth2Provider(ctx, name)
	if err != nil {
		return err
	}
	ops := []store.Op{deleteOp(tblOAuth2, t.Account+"/"+name), tagging.DeleteOp(p.ARN)}
	toks, err := s.kv.List(ctx, tblToken, t.Account+"/", "", 100000)
	if err != nil {
		return err
	}
	for _, it := range toks {
		var ut userToken
		if json.Unmarshal(it.Value, &ut) == nil && ut.Provider == name {
			ops = append(ops, deleteOp(tblToken, it.Key))
		}
	}
	return s.kv.Txn(ctx, ops...)
}

// ListOAuth2Providers pages through providers.
func (s *Service) ListOAuth2Providers(ctx context.Context, p Page) ([]*OAuth2Provider, string, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, "", err
	}
	return list[OAuth2Provider](ctx, s.kv, tblOAuth2, t.Account+"/", p)
}

// CreateAPIKeyProvider creates an API-key credential provider.
func (s *Service) CreateAPIKeyProvider(ctx context.Context, name, apiKey string, tags map[string]string) (*APIKeyProvider, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkProviderName("name", name); err != nil {
		return nil, err
	}
	if apiKey == "" || len(apiKey) > 65536 {
		return nil, errs.Field("apiKey", "apiKey is required (1-65536 characters)")
	}
	now := s.now().UTC()
	p := &APIKeyProvider{Name: name, ARN: ProviderARN(t.Region, t.Account, "apikeycredentialprovider", name), Region: t.Region, Created: now, Updated: now}
	if p.KeyCT, err = s.vault.Seal([]byte(apiKey), aadAPIKey(p.ARN)); err != nil {
		return nil, err
	}
	if err := s.kv.Txn(ctx, append([]store.Op{createOp(tblAPIKey, t.Account+"/"+name, p)}, tagging.PutOps(p.ARN, tags)...)...); err != nil {
		if errs.KindOf(err) == errs.Conflict {
			return nil, errs.E(errs.Conflict, "credential provider %s already exists", name)
		}
		return nil, err
	}
	return p, nil
}

// UpdateAPIKeyProvider replaces the API key.
func (s *Service) UpdateAPIKeyProvider(ctx context.Context, name, apiKey string) (*APIKeyProvider, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if apiKey == "" || len(apiKey) > 65536 {
		return nil, errs.Field("apiKey", "apiKey is required (1-65536 characters)")
	}
	if err := checkProviderName("name", name); err != nil {
		return nil, err
	}
	var p *APIKeyProvider
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if p, rev, err = getJSON[APIKeyProvider](ctx, s.kv, tblAPIKey, t.Account+"/"+name, notFound("credential provider", name)); err != nil {
			return err
		}
		if p.KeyCT, err = s.vault.Seal([]byte(apiKey), aadAPIKey(p.ARN)); err != nil {
			return err
		}
		p.Updated = s.now().UTC()
		return s.kv.Txn(ctx, updateOp(tblAPIKey, t.Account+"/"+name, rev, p))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// GetAPIKeyProvider reads a provider.
func (s *Service) GetAPIKeyProvider(ctx context.Context, name string) (*APIKeyProvider, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkProviderName("name", name); err != nil {
		return nil, err
	}
	p, _, err := getJSON[APIKeyProvider](ctx, s.kv, tblAPIKey, t.Account+"/"+name, notFound("credential provider", name))
	return p, err
}

// DeleteAPIKeyProvider deletes a provider.
func (s *Service) DeleteAPIKeyProvider(ctx context.Context, name string) error {
	t, err := tenantOf(ctx)
	if err != nil {
		return err
	}
	p, err := s.GetAPIKeyProvider(ctx, name)
	if err != nil {
		return err
	}
	return s.kv.Txn(ctx, deleteOp(tblAPIKey, t.Account+"/"+name), tagging.DeleteOp(p.ARN))
}

// ListAPIKeyProviders pages through providers.
func (s *Service) ListAPIKeyProviders(ctx context.Context, p Page) ([]*APIKeyProvider, string, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, "", err
	}
	return list[APIKeyProvider](ctx, s.kv, tblAPIKey, t.Account+"/", p)
}
