package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/oauth2/clientcredentials"
)

// testOP is a real OpenID provider (zitadel/oidc pkg/op) in-process. Its
// client-credentials client sid1/verysecret gets JWT access tokens; the
// scope "admin" adds the claim role=admin (role=viewer otherwise) and
// "dept:<x>" adds dept=<x>.
type testOP struct {
	*httptest.Server
	Issuer string
}

// jwtStorage makes the example storage issue JWT access tokens with claims.
type jwtStorage struct{ *storage.Storage }

type jwtClient struct{ op.Client }

func (jwtClient) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }

func (s jwtStorage) ClientCredentials(ctx context.Context, id, secret string) (op.Client, error) {
	c, err := s.Storage.ClientCredentials(ctx, id, secret)
	if err != nil {
		return nil, err
	}
	return jwtClient{c}, nil
}

func (s jwtStorage) GetPrivateClaimsFromScopes(ctx context.Context, userID, clientID string, scopes []string) (map[string]any, error) {
	claims := map[string]any{"role": "viewer", "scope": strings.Join(scopes, " ")}
	if slices.Contains(scopes, "admin") {
		claims["role"] = "admin"
	}
	for _, sc := range scopes {
		if len(sc) > 5 && sc[:5] == "dept:" {
			claims["dept"] = sc[5:]
		}
	}
	return claims, nil
}

func startOP(t testing.TB) *testOP {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	hs.Start()
	issuer := hs.URL
	st := jwtStorage{storage.NewStorage(storage.NewUserStore(issuer))}
	router := exampleop.SetupServer(issuer, st, nil, false, op.WithAllowInsecure())
	hs.Config.Handler = router
	t.Cleanup(hs.Close)
	return &testOP{Server: hs, Issuer: issuer}
}

// Discovery is the OP's discovery URL.
func (o *testOP) Discovery() string { return o.Issuer + "/.well-known/openid-configuration" }

// TokenURL is the OP's token endpoint.
func (o *testOP) TokenURL() string { return o.Issuer + "/oauth/token" }

// Token fetches a client-credentials JWT access token.
func (o *testOP) Token(t testing.TB, scopes ...string) string {
	t.Helper()
	cc := clientcredentials.Config{ClientID: "sid1", ClientSecret: "verysecret", TokenURL: o.TokenURL(), Scopes: scopes}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return tok.AccessToken
}

var _ = http.StatusOK
