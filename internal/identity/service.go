// Package identity is the AgentCore Identity service: workload identities
// and their access tokens (WATs), the token vault (OAuth2 and API-key
// credential providers, encrypted at rest) and resource credentials for
// agents (GetResourceOauth2Token with M2M and USER_FEDERATION flows,
// CompleteResourceTokenAuth, GetResourceApiKey).
//
// It speaks no HTTP: OAuth2 round trips go through the OAuth interface
// (internal/identity/oauthclient), user JWTs are checked by a UserTokens
// hook (internal/identity/jwtauth), secrets are sealed by a Sealer
// (internal/vault). Secrets never leave the service except as the answers of
// GetResourceOauth2Token / GetResourceApiKey, and are never logged.
package identity

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Sealer encrypts secrets at rest (internal/vault.Keyring).
type Sealer interface {
	Seal(plaintext, aad []byte) (string, error)
	Open(ciphertext string, aad []byte) ([]byte, error)
	Rotate() error
	Current() (string, time.Time)
	Derive(label string) []byte
}

// Token is an OAuth2 token answer.
type Token struct {
	AccessToken  string
	RefreshToken string
	Expiry       time.Time // zero = unknown
}

// Endpoints are an authorization server's endpoints for one client.
type Endpoints struct {
	AuthURL    string
	TokenURL   string
	AuthMethod string // CLIENT_SECRET_BASIC | CLIENT_SECRET_POST | "" (auto)
}

// Metadata is what a discovery document tells.
type Metadata struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorizationEndpoint"`
	TokenEndpoint         string   `json:"tokenEndpoint"`
	ResponseTypes         []string `json:"responseTypes,omitempty"`
	TokenEndpointAuth     []string `json:"tokenEndpointAuthMethods,omitempty"`
}

// OAuth performs the outbound OAuth2 round trips.
type OAuth interface {
	Discover(ctx context.Context, discoveryURL string) (*Metadata, error)
	ClientCredentials(ctx context.Context, ep Endpoints, clientID, secret string, scopes []string, params map[string]string) (*Token, error)
	Exchange(ctx context.Context, ep Endpoints, clientID, secret, code, verifier, redirectURL string) (*Token, error)
	Refresh(ctx context.Context, ep Endpoints, clientID, secret, refreshToken string) (*Token, error)
}

// UserTokens validates a user's JWT against the inbound authorizer of a
// workload (its runtime's customJWTAuthorizer) and returns the user id
// (the token's sub).
type UserTokens func(ctx context.Context, account, workloadName, token string) (string, error)

// Options configure the service.
type Options struct {
	KV          store.KV
	Vault       Sealer
	OAuth       OAuth
	UserTokens  UserTokens
	CallbackURL string        // the platform's OAuth2 callback (…/identities/oauth2/callback)
	WATLifetime time.Duration // default 1h
	Logger      *slog.Logger
	Now         func() time.Time
}

// Service implements Identity.
type Service struct {
	kv      store.KV
	vault   Sealer
	oauth   OAuth
	users   UserTokens
	cb      string
	watTTL  time.Duration
	watKey  []byte
	watMACs sync.Pool // hmac.New(sha256.New, watKey), reset between uses
	log     *slog.Logger
	now     func() time.Time
	// ensured remembers runtime workload identities known to exist.
	ensured sync.Map
}

// New returns the service.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.WATLifetime == 0 {
		o.WATLifetime = time.Hour
	}
	s := &Service{kv: o.KV, vault: o.Vault, oauth: o.OAuth, users: o.UserTokens, cb: o.CallbackURL,
		watTTL: o.WATLifetime, watKey: o.Vault.Derive("agentcore workload access token v1"),
		log: o.Logger.With("component", "identity"), now: o.Now}
	if n, ok := o.KV.(store.Notifier); ok {
		// A workload identity deleted through another server (replicas on
		// one database) is no longer taken as ensured here.
		n.Watch(context.Background(), tblWorkload, func(k string) {
			if k == "" {
				s.ensured.Clear()
				return
			}
			s.ensured.Delete(k)
		})
	}
	return s
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// CallbackURL is the platform's OAuth2 callback.
func (s *Service) CallbackURL() string { return s.cb }

func tenantOf(ctx context.Context) (tenant.Tenant, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return t, err
	}
	if t.Region == "" {
		t.Region = "us-east-1"
	}
	return t, nil
}

func notFound(what, name string) error {
	return errs.E(errs.NotFound, "%s %s not found", what, name)
}
