// Package outcreds is a stand-in credential-provider source for gateway
// targets until the identity service's token vault is wired: providers are
// registered by ARN; OAuth2 providers fetch client-credentials tokens from
// their token endpoint with x/oauth2 (cached until expiry), API-key
// providers return their key.
package outcreds

import (
	"context"
	"strings"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// OAuth2 is a client-credentials provider.
type OAuth2 struct {
	TokenURL     string
	ClientID     string
	ClientSecret string
}

// Static implements gateway.Credentials over registered providers.
type Static struct {
	mu      sync.Mutex
	oauth   map[string]OAuth2
	keys    map[string]string
	sources map[string]oauth2.TokenSource
}

// New returns an empty registry.
func New() *Static {
	return &Static{oauth: map[string]OAuth2{}, keys: map[string]string{}, sources: map[string]oauth2.TokenSource{}}
}

// AddOAuth2 registers a client-credentials provider.
func (s *Static) AddOAuth2(arn string, p OAuth2) {
	s.mu.Lock()
	s.oauth[arn] = p
	s.mu.Unlock()
}

// AddAPIKey registers an API key provider.
func (s *Static) AddAPIKey(arn, key string) {
	s.mu.Lock()
	s.keys[arn] = key
	s.mu.Unlock()
}

// OAuth2Token returns a (cached) access token.
func (s *Static) OAuth2Token(ctx context.Context, arn string, scopes []string) (string, error) {
	k := arn + "|" + strings.Join(scopes, " ")
	s.mu.Lock()
	ts := s.sources[k]
	p, ok := s.oauth[arn]
	if ts == nil && ok {
		cc := &clientcredentials.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, TokenURL: p.TokenURL, Scopes: scopes}
		ts = oauth2.ReuseTokenSource(nil, cc.TokenSource(context.WithoutCancel(ctx)))
		s.sources[k] = ts
	}
	s.mu.Unlock()
	if ts == nil {
		return "", errs.E(errs.NotFound, "OAuth2 credential provider %s not found", arn)
	}
	tok, err := ts.Token()
	if err != nil {
		return "", errs.Wrap(errs.Unavailable, err, "client-credentials token from %s", p.TokenURL)
	}
	return tok.AccessToken, nil
}

// APIKey returns a provider's key.
func (s *Static) APIKey(_ context.Context, arn string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[arn]
	if !ok {
		return "", errs.E(errs.NotFound, "API key credential provider %s not found", arn)
	}
	return k, nil
}
