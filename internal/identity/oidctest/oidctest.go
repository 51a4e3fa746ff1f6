// Package oidctest runs a real OpenID Provider (zitadel/oidc v3 pkg/op with
// its example storage) inside the test process, for tests of inbound JWT
// authorizers and outbound OAuth2 flows. It adds what the example storage
// lacks: JWT access tokens carrying scope and custom claims, signing-key
// rotation, and helpers to mint hand-crafted tokens with the OP's keys and to
// drive the browser side of an authorization-code login.
package oidctest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Test accounts of the example storage.
const (
	M2MClientID     = "sid1"
	M2MClientSecret = "verysecret"
	UserPassword    = "verysecure"
	UserSubject     = "id1"
)

// OP is a running provider.
type OP struct {
	URL          string // issuer, without trailing slash
	DiscoveryURL string
	st           *store
	srv          *http.Server
	clients      map[string]*storage.Client
	userName     string
}

// Start runs an OP on a free loopback port until the test ends.
func Start(t testing.TB) *OP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	clients := map[string]*storage.Client{}
	us := storage.NewUserStore(base)
	st := &store{Storage: storage.NewStorageWithClients(us, clients), claims: map[string]map[string]any{}}
	st.rotate()
	router := exampleop.SetupServer(base, st, nil, false, op.WithAllowInsecure())
	o := &OP{URL: base, DiscoveryURL: base + "/.well-known/openid-configuration", st: st, clients: clients,
		srv: &http.Server{Handler: router, ReadHeaderTimeout: 10 * time.Second}, userName: "test-user@" + hostOf(base)}
	go o.srv.Serve(ln) //nolint:errcheck // ends at Close
	t.Cleanup(func() { o.srv.Close() })
	return o
}

func hostOf(base string) string {
	u, _ := url.Parse(base)
	return u.Hostname()
}

// AddWebClient registers a confidential authorization-code client (PKCE,
// refresh tokens) redirecting to redirectURIs. Call before it is used.
func (o *OP) AddWebClient(id, secret string, redirectURIs ...string) {
	o.st.mu.Lock()
	defer o.st.mu.Unlock()
	o.clients[id] = storage.WebClient(id, secret, redirectURIs...)
}

// SetClaims adds private claims to every access token issued to a client.
func (o *OP) SetClaims(clientID string, claims map[string]any) {
	o.st.mu.Lock()
	defer o.st.mu.Unlock()
	o.st.claims[clientID] = claims
}

// Rotate makes a fresh signing key current; the old keys stay published.
func (o *OP) Rotate() { o.st.rotate() }

// Unpublish removes every key but the current one from the JWKS.
func (o *OP) Unpublish() {
	o.st.mu.Lock()
	defer o.st.mu.Unlock()
	o.st.keys = o.st.keys[len(o.st.keys)-1:]
}

// Sign mints a token signed with the current key. iss, iat, nbf and exp
// (5 min) are filled in unless claims set them; a nil value deletes a claim.
func (o *OP) Sign(claims map[string]any) string {
	k := o.st.current()
	return SignRS256(k.priv, k.id, o.withDefaults(claims))
}

func (o *OP) withDefaults(claims map[string]any) jwt.MapClaims {
	now := time.Now()
	mc := jwt.MapClaims{"iss": o.URL, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "sub": UserSubject}
	for k, v := range claims {
		if v == nil {
			delete(mc, k)
		} else {
			mc[k] = v
		}
	}
	return mc
}

// SignForeign mints a token with a key the OP never published, under kid.
func (o *OP) SignForeign(claims map[string]any, kid string) string {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	return SignRS256(key, kid, o.withDefaults(claims))
}

// CurrentKID is the kid of the current signing key.
func (o *OP) CurrentKID() string { return o.st.current().id }

// SignRS256 signs claims with key under kid.
func SignRS256(key *rsa.PrivateKey, kid string, claims jwt.MapClaims) string {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = kid
	s, err := t.SignedString(key)
	if err != nil {
		panic(err)
	}
	return s
}

// Browser is a user agent with a cookie jar that does not follow redirects
// to stop, so tests can observe each hop.
func Browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second}
}

// Login plays the user at authURL: it follows the OP's redirects to the
// login page, signs in as the example user, and follows redirects until a
// URL outside the OP answers. It returns the final response (its Request.URL
// is where the browser ended).
func (o *OP) Login(ctx context.Context, c *http.Client, authURL string) (*http.Response, error) {
	var authReqID string
	cc := *c
	cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if id := req.URL.Query().Get("authRequestID"); id != "" {
			authReqID = id
		}
		return nil
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	resp, err := cc.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if authReqID == "" {
		return resp, nil // already consented or an error page
	}
	form := url.Values{"id": {authReqID}, "username": {o.userName}, "password": {UserPassword}}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, o.URL+"/login/username", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return cc.Do(req)
}

// store wraps the example storage with JWT access tokens, scope and custom
// claims, and rotating keys.
type store struct {
	*storage.Storage
	mu     sync.Mutex
	keys   []*sigKey
	claims map[string]map[string]any
}

type sigKey struct {
	id   string
	priv *rsa.PrivateKey
}

func (k *sigKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *sigKey) Key() any                                    { return k.priv }
func (k *sigKey) ID() string                                  { return k.id }

type pubKey struct{ k *sigKey }

func (p pubKey) ID() string                         { return p.k.id }
func (p pubKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (p pubKey) Use() string                        { return "sig" }
func (p pubKey) Key() any                           { return &p.k.priv.PublicKey }

func (s *store) rotate() {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, &sigKey{id: uuid.NewString(), priv: key})
}

func (s *store) current() *sigKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[len(s.keys)-1]
}

func (s *store) SigningKey(context.Context) (op.SigningKey, error) { return s.current(), nil }

func (s *store) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *store) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]op.Key, len(s.keys))
	for i, k := range s.keys {
		out[i] = pubKey{k}
	}
	return out, nil
}

// jwtClient makes a client receive JWT access tokens.
type jwtClient struct{ op.Client }

func (jwtClient) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }

func (s *store) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return jwtClient{c}, nil
}

func (s *store) ClientCredentials(ctx context.Context, id, secret string) (op.Client, error) {
	c, err := s.Storage.ClientCredentials(ctx, id, secret)
	if err != nil {
		return nil, err
	}
	return jwtClient{c}, nil
}

// GetPrivateClaimsFromScopes puts the granted scopes and the client's
// custom claims into access tokens.
func (s *store) GetPrivateClaimsFromScopes(ctx context.Context, userID, clientID string, scopes []string) (map[string]any, error) {
	out := map[string]any{}
	if len(scopes) > 0 {
		out["scope"] = strings.Join(scopes, " ")
	}
	s.mu.Lock()
	for k, v := range s.claims[clientID] {
		out[k] = v
	}
	s.mu.Unlock()
	return out, nil
}

// Close stops the OP (tests of an unreachable authorization server).
func (o *OP) Close() { o.srv.Close() }
