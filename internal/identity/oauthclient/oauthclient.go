// Package oauthclient implements identity.OAuth with golang.org/x/oauth2:
// discovery documents (cached), client credentials, authorization-code
// exchange with PKCE, and refresh.
package oauthclient

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/identity"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Client talks to authorization servers.
type Client struct {
	hc    *http.Client
	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	md *identity.Metadata
	at time.Time
}

// New returns a client; hc nil = 10 s timeout.
func New(hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{hc: hc, cache: map[string]cached{}}
}

// Discover reads an OpenID/OAuth discovery document (cached 1 h).
func (c *Client) Discover(ctx context.Context, url string) (*identity.Metadata, error) {
	c.mu.Lock()
	if e, ok := c.cache[url]; ok && time.Since(e.at) < time.Hour {
		c.mu.Unlock()
		return e.md, nil
	}
	c.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("discovery document: status %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Issuer        string   `json:"issuer"`
		Authorization string   `json:"authorization_endpoint"`
		Token         string   `json:"token_endpoint"`
		ResponseTypes []string `json:"response_types_supported"`
		AuthMethods   []string `json:"token_endpoint_auth_methods_supported"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("discovery document is not JSON: %w", err)
	}
	if doc.Token == "" {
		return nil, fmt.Errorf("discovery document has no token_endpoint")
	}
	md := &identity.Metadata{Issuer: doc.Issuer, AuthorizationEndpoint: doc.Authorization, TokenEndpoint: doc.Token,
		ResponseTypes: doc.ResponseTypes, TokenEndpointAuth: doc.AuthMethods}
	c.mu.Lock()
	c.cache[url] = cached{md: md, at: time.Now()}
	c.mu.Unlock()
	return md, nil
}

func style(m string) oauth2.AuthStyle {
	switch m {
	case "CLIENT_SECRET_BASIC":
		return oauth2.AuthStyleInHeader
	case "CLIENT_SECRET_POST":
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleAutoDetect
}

func (c *Client) ctx(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c.hc)
}

func conv(t *oauth2.Token) *identity.Token {
	return &identity.Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Expiry: t.Expiry}
}

// ClientCredentials runs the client credentials grant.
func (c *Client) ClientCredentials(ctx context.Context, ep identity.Endpoints, id, secret string, scopes []string, params map[string]string) (*identity.Token, error) {
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: ep.TokenURL, Scopes: scopes, AuthStyle: style(ep.AuthMethod)}
	if len(params) > 0 {
		cc.EndpointParams = map[string][]string{}
		for k, v := range params {
			cc.EndpointParams[k] = []string{v}
		}
	}
	t, err := cc.Token(c.ctx(ctx))
	if err != nil {
		return nil, err
	}
	return conv(t), nil
}

func (c *Client) config(ep identity.Endpoints, id, secret, redirect string) *oauth2.Config {
	return &oauth2.Config{ClientID: id, ClientSecret: secret, RedirectURL: redirect,
		Endpoint: oauth2.Endpoint{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, AuthStyle: style(ep.AuthMethod)}}
}

// Exchange trades an authorization code (with its PKCE verifier).
func (c *Client) Exchange(ctx context.Context, ep identity.Endpoints, id, secret, code, verifier, redirect string) (*identity.Token, error) {
	t, err := c.config(ep, id, secret, redirect).Exchange(c.ctx(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, err
	}
	return conv(t), nil
}

// Refresh uses a refresh token.
func (c *Client) Refresh(ctx context.Context, ep identity.Endpoints, id, secret, refresh string) (*identity.Token, error) {
	ts := c.config(ep, id, secret, "").TokenSource(c.ctx(ctx), &oauth2.Token{RefreshToken: refresh, Expiry: time.Unix(1, 0)})
	t, err := ts.Token()
	if err != nil {
		return nil, err
	}
	return conv(t), nil
}
