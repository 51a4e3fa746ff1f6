package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/identity/oidctest"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// recorder captures every token the platform receives from authorization
// servers, so the test can look for them where they must not be.
type recorder struct {
	mu     sync.Mutex
	tokens []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, "/token") {
		return resp, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	var m map[string]any
	if json.Unmarshal(b, &m) == nil {
		r.mu.Lock()
		for _, k := range []string{"access_token", "refresh_token", "id_token"} {
			if s, ok := m[k].(string); ok && s != "" {
				r.tokens = append(r.tokens, s)
			}
		}
		r.mu.Unlock()
	}
	return resp, nil
}

func (r *recorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.tokens...)
}

// identityEnv starts a server (cfg.Database as given) with a recording OAuth
// client and a captured debug log, and the in-process OP.
func identityEnv(t *testing.T, cfg server.Config) (*testenv.Env, *oidctest.OP, *recorder, *sandboxtest.SyncBuffer) {
	rec := &recorder{}
	logs := &sandboxtest.SyncBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.OAuthHTTPClient = &http.Client{Transport: rec, Timeout: time.Second}
	o := oidctest.Start(t)
	e := testenv.Start(t, cfg)
	o.AddWebClient("web", "web-client-secret-XYZ", e.URL+"/identities/oauth2/callback")
	return e, o, rec, logs
}

// runIdentityFlows exercises the token vault: API keys, M2M, and the full
// three-legged flow with session binding, refresh and forced
// re-authentication. It returns every secret that went through.
func runIdentityFlows(t *testing.T, e *testenv.Env, o *oidctest.OP) []string {
	ctx := context.Background()
	returned := make(chan url.Values, 4)
	ret := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		returned <- r.URL.Query()
		io.WriteString(w, "back at the app")
	}))
	t.Cleanup(ret.Close)
	returnURL := ret.URL + "/done"
	if _, err := e.Control.CreateWorkloadIdentity(ctx, &ctl.CreateWorkloadIdentityInput{Name: aws.String("vault-wl"),
		AllowedResourceOauth2ReturnUrls: []string{returnURL}}); err != nil {
		t.Fatal(err)
	}
	watFor := func(user string) *string {
		out, err := e.Data.GetWorkloadAccessTokenForUserId(ctx, &bedrockagentcore.GetWorkloadAccessTokenForUserIdInput{WorkloadName: aws.String("vault-wl"), UserId: aws.String(user)})
		if err != nil {
			t.Fatal(err)
		}
		return out.WorkloadAccessToken
	}

	// API key provider.
	if _, err := e.Control.CreateApiKeyCredentialProvider(ctx, &ctl.CreateApiKeyCredentialProviderInput{Name: aws.String("search-key"), ApiKey: aws.String("sk-live-APIKEY-111")}); err != nil {
		t.Fatal(err)
	}
	plainWAT, err := e.Data.GetWorkloadAccessToken(ctx, &bedrockagentcore.GetWorkloadAccessTokenInput{WorkloadName: aws.String("vault-wl")})
	if err != nil {
		t.Fatal(err)
	}
	k, err := e.Data.GetResourceApiKey(ctx, &bedrockagentcore.GetResourceApiKeyInput{ResourceCredentialProviderName: aws.String("search-key"), WorkloadIdentityToken: plainWAT.WorkloadAccessToken})
	if err != nil || *k.ApiKey != "sk-live-APIKEY-111" {
		t.Fatalf("GetResourceApiKey: %v %v", k, err)
	}
	if _, err := e.Data.GetResourceApiKey(ctx, &bedrockagentcore.GetResourceApiKeyInput{ResourceCredentialProviderName: aws.String("search-key"), WorkloadIdentityToken: aws.String("wat1.forged.sig")}); apiCode(err) != "AccessDeniedException" {
		t.Fatalf("forged WAT: %v", err)
	}
	if _, err := e.Control.UpdateApiKeyCredentialProvider(ctx, &ctl.UpdateApiKeyCredentialProviderInput{Name: aws.String("search-key"), ApiKey: aws.String("sk-live-APIKEY-222")}); err != nil {
		t.Fatal(err)
	}

	// M2M with explicit endpoints.
	if _, err := e.Control.CreateOauth2CredentialProvider(ctx, &ctl.CreateOauth2CredentialProviderInput{Name: aws.String("m2m"),
		CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
			ClientId: aws.String(oidctest.M2MClientID), ClientSecret: aws.String(oidctest.M2MClientSecret),
			OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberAuthorizationServerMetadata{Value: ctltypes.Oauth2AuthorizationServerMetadata{
				Issuer: aws.String(o.URL), AuthorizationEndpoint: aws.String(o.URL + "/authorize"), TokenEndpoint: aws.String(o.URL + "/oauth/token")}},
		}}}); err != nil {
		t.Fatal(err)
	}
	m2m := func() string {
		out, err := e.Data.GetResourceOauth2Token(ctx, &bedrockagentcore.GetResourceOauth2TokenInput{ResourceCredentialProviderName: aws.String("m2m"),
			Oauth2Flow: dptypes.Oauth2FlowTypeM2m, Scopes: []string{"read"}, WorkloadIdentityToken: plainWAT.WorkloadAccessToken})
		if err != nil || aws.ToString(out.AccessToken) == "" {
			t.Fatalf("M2M: %v %v", out, err)
		}
		return *out.AccessToken
	}
	if a, b := m2m(), m2m(); a != b {
		t.Fatalf("M2M token not cached")
	}

	// Three-legged flow against the OP's real login.
	if _, err := e.Control.CreateOauth2CredentialProvider(ctx, &ctl.CreateOauth2CredentialProviderInput{Name: aws.String("op"),
		CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
			ClientId: aws.String("web"), ClientSecret: aws.String("web-client-secret-XYZ"),
			OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: o.DiscoveryURL}}}}); err != nil {
		t.Fatal(err)
	}
	gp, err := e.Control.GetOauth2CredentialProvider(ctx, &ctl.GetOauth2CredentialProviderInput{Name: aws.String("op")})
	if err != nil || aws.ToString(gp.CallbackUrl) != e.URL+"/identities/oauth2/callback" || gp.ClientSecretArn == nil {
		t.Fatalf("GetOauth2CredentialProvider: %+v %v", gp, err)
	}
	alice := watFor("alice")
	customState := "csrf-check-123"
	ask := func(wat *string, session *string, force bool, ret string) *bedrockagentcore.GetResourceOauth2TokenOutput {
		in := &bedrockagentcore.GetResourceOauth2TokenInput{ResourceCredentialProviderName: aws.String("op"), Oauth2Flow: dptypes.Oauth2FlowTypeUserFederation,
			Scopes: []string{"openid", "offline_access"}, WorkloadIdentityToken: wat, SessionUri: session, ForceAuthentication: aws.Bool(force)}
		if ret != "" {
			in.ResourceOauth2ReturnUrl = aws.String(ret)
		}
		if customState != "" {
			in.CustomState = aws.String(customState)
		}
		out, err := e.Data.GetResourceOauth2Token(ctx, in)
		if err != nil {
			t.Fatalf("GetResourceOauth2Token: %v", err)
		}
		return out
	}
	first := ask(alice, nil, false, returnURL)
	customState = ""
	if first.AuthorizationUrl == nil || first.SessionUri == nil || first.AccessToken != nil || first.SessionStatus != dptypes.SessionStatusInProgress {
		t.Fatalf("first USER_FEDERATION call: %+v", first)
	}
	if p := ask(alice, first.SessionUri, false, returnURL); p.AccessToken != nil || p.SessionStatus != dptypes.SessionStatusInProgress {
		t.Fatalf("poll before consent: %+v", p)
	}
	// A forged state changes nothing.
	resp, err := http.Get(e.URL + "/identities/oauth2/callback?state=forged-state&code=stolen")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("forged state: %d", resp.StatusCode)
	}
	// The user consents in a browser; the OP redirects to the platform's
	// callback, which redirects to the app's return URL with session_id.
	fin, err := o.Login(ctx, oidctest.Browser(), *first.AuthorizationUrl)
	if err != nil {
		t.Fatal(err)
	}
	fin.Body.Close()
	if fin.Request.URL.Path != "/done" {
		t.Fatalf("browser ended at %s (%d)", fin.Request.URL, fin.StatusCode)
	}
	if got := <-returned; got.Get("session_id") != *first.SessionUri || got.Get("state") != "csrf-check-123" {
		t.Fatalf("return URL got %v, want session_id %q and state (customState)", got, *first.SessionUri)
	}
	// Replaying the callback (same state) is refused.
	if p := ask(alice, first.SessionUri, false, returnURL); p.AccessToken != nil {
		t.Fatalf("token issued before CompleteResourceTokenAuth: %+v", p)
	}
	if _, err := e.Data.CompleteResourceTokenAuth(ctx, &bedrockagentcore.CompleteResourceTokenAuthInput{SessionUri: first.SessionUri,
		UserIdentifier: &dptypes.UserIdentifierMemberUserId{Value: "mallory"}}); apiCode(err) != "AccessDeniedException" {
		t.Fatalf("binding to another user: %v", err)
	}
	if _, err := e.Data.CompleteResourceTokenAuth(ctx, &bedrockagentcore.CompleteResourceTokenAuthInput{SessionUri: first.SessionUri,
		UserIdentifier: &dptypes.UserIdentifierMemberUserId{Value: "alice"}}); err != nil {
		t.Fatalf("CompleteResourceTokenAuth: %v", err)
	}
	done := ask(alice, first.SessionUri, false, returnURL)
	if done.AccessToken == nil || strings.Count(*done.AccessToken, ".") != 2 {
		t.Fatalf("token after binding: %+v", done)
	}
	if again := ask(alice, nil, false, returnURL); aws.ToString(again.AccessToken) != *done.AccessToken {
		t.Fatalf("cached token: %+v", again)
	}
	// Another user of the same workload gets their own consent.
	if bob := ask(watFor("bob"), nil, false, returnURL); bob.AccessToken != nil || bob.AuthorizationUrl == nil {
		t.Fatalf("bob got alice's token: %+v", bob)
	}
	// Refresh: past the access token's expiry the refresh token is used.
	idsvc := e.Server.Identity()
	idsvc.SetClock(func() time.Time { return time.Now().Add(10 * time.Minute) })
	refreshed := ask(watFor("alice"), nil, false, returnURL)
	idsvc.SetClock(time.Now)
	if refreshed.AccessToken == nil || *refreshed.AccessToken == *done.AccessToken {
		t.Fatalf("refresh: %+v", refreshed)
	}
	// forceAuthentication restarts the consent.
	if f := ask(alice, nil, true, returnURL); f.AuthorizationUrl == nil || f.AccessToken != nil {
		t.Fatalf("forceAuthentication: %+v", f)
	}
	// A return URL not on the allow list is refused; nothing is started.
	_, err = e.Data.GetResourceOauth2Token(ctx, &bedrockagentcore.GetResourceOauth2TokenInput{ResourceCredentialProviderName: aws.String("op"),
		Oauth2Flow: dptypes.Oauth2FlowTypeUserFederation, Scopes: []string{"openid"}, WorkloadIdentityToken: watFor("carol"),
		ResourceOauth2ReturnUrl: aws.String("https://evil.example/steal")})
	if !isValidation(err) {
		t.Fatalf("return URL off the allow list: %v", err)
	}

	// Token vault key rotation: secrets stay readable.
	if _, err := e.Control.SetTokenVaultCMK(ctx, &ctl.SetTokenVaultCMKInput{KmsConfiguration: &ctltypes.KmsConfiguration{
		KeyType: ctltypes.KeyTypeCustomerManagedKey, KmsKeyArn: aws.String("arn:aws:kms:us-east-1:123456789012:key/local")}}); err != nil {
		t.Fatal(err)
	}
	tv, err := e.Control.GetTokenVault(ctx, &ctl.GetTokenVaultInput{})
	if err != nil || tv.KmsConfiguration.KeyType != ctltypes.KeyTypeCustomerManagedKey {
		t.Fatalf("GetTokenVault: %+v %v", tv, err)
	}
	k, err = e.Data.GetResourceApiKey(ctx, &bedrockagentcore.GetResourceApiKeyInput{ResourceCredentialProviderName: aws.String("search-key"), WorkloadIdentityToken: plainWAT.WorkloadAccessToken})
	if err != nil || *k.ApiKey != "sk-live-APIKEY-222" {
		t.Fatalf("API key after key rotation: %v %v", k, err)
	}
	if again := ask(watFor("alice"), nil, false, returnURL); aws.ToString(again.AccessToken) != *refreshed.AccessToken {
		t.Fatalf("user token after key rotation: %+v", again)
	}
	return []string{"sk-live-APIKEY-111", "sk-live-APIKEY-222", oidctest.M2MClientSecret, "web-client-secret-XYZ"}
}

// TestTokenVault runs the flows on SQLite, then reads the raw database
// files and the server log: no secret or token appears in either.
func TestTokenVault(t *testing.T) {
	cfg := testenv.Fast()
	cfg.VaultKey = testenv.OwnVaultKey // rotated by SetTokenVaultCMK
	e, o, rec, logs := identityEnv(t, cfg)
	secrets := append(runIdentityFlows(t, e, o), rec.all()...)
	if len(rec.all()) < 4 {
		t.Fatalf("recorded only %d tokens", len(rec.all()))
	}
	e.Stop()
	files, _ := filepath.Glob(filepath.Join(e.DataDir, "agentcore.db*"))
	if len(files) == 0 {
		t.Fatal("no database file")
	}
	var raw []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	if !bytes.Contains(raw, []byte("search-key")) {
		t.Fatal("the raw database does not even hold the provider name; the scan reads the wrong file")
	}
	assertNoSecrets(t, "SQLite database", raw, secrets)
	assertNoSecrets(t, "server log", []byte(logs.String()), secrets)
}

// TestTokenVaultPostgres is TestTokenVault on PostgreSQL.
func TestTokenVaultPostgres(t *testing.T) {
	pg := testenv.Postgres(t, "vault")
	cfg := testenv.Fast()
	cfg.Database = pg.DSN
	cfg.VaultKey = testenv.OwnVaultKey // rotated by SetTokenVaultCMK
	e, o, rec, logs := identityEnv(t, cfg)
	secrets := append(runIdentityFlows(t, e, o), rec.all()...)
	rows, err := pg.DB.Query("SELECT tbl, k, value FROM " + pg.Schema + ".kv")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var raw []byte
	for rows.Next() {
		var tbl, k string
		var v []byte
		if err := rows.Scan(&tbl, &k, &v); err != nil {
			t.Fatal(err)
		}
		raw = append(append(append(raw, tbl...), k...), v...)
	}
	if !bytes.Contains(raw, []byte("search-key")) {
		t.Fatal("the kv table does not hold the provider")
	}
	assertNoSecrets(t, "PostgreSQL kv table", raw, secrets)
	assertNoSecrets(t, "server log", []byte(logs.String()), secrets)
}

func assertNoSecrets(t *testing.T, where string, hay []byte, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && bytes.Contains(hay, []byte(s)) {
			n := len(s)
			if n > 12 {
				n = 12
			}
			t.Errorf("%s contains a plaintext secret (%s...)", where, s[:n])
		}
	}
}

// TestCredentialProviderBadInput: unusable providers are refused and not
// stored.
func TestCredentialProviderBadInput(t *testing.T) {
	cfg := testenv.Fast()
	cfg.OAuthHTTPClient = &http.Client{Timeout: 300 * time.Millisecond}
	e := testenv.Start(t, cfg)
	ctx := context.Background()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(time.Second) }))
	defer slow.Close()
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>") }))
	defer garbage.Close()
	for name, u := range map[string]string{"timeout": slow.URL, "garbage": garbage.URL, "refused": "http://127.0.0.1:1"} {
		_, err := e.Control.CreateOauth2CredentialProvider(ctx, &ctl.CreateOauth2CredentialProviderInput{Name: aws.String("bad-" + name),
			CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
			Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
				ClientId: aws.String("c"), ClientSecret: aws.String("s"),
				OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: u + "/.well-known/openid-configuration"}}}})
		if !isValidationCtl(err) {
			t.Errorf("%s discovery: %v", name, err)
		}
		if _, err := e.Control.GetOauth2CredentialProvider(ctx, &ctl.GetOauth2CredentialProviderInput{Name: aws.String("bad-" + name)}); !isNotFoundCtl(err) {
			t.Errorf("%s: provider stored anyway: %v", name, err)
		}
	}
	// Vendor preset with the wrong config member.
	_, err := e.Control.CreateOauth2CredentialProvider(ctx, &ctl.CreateOauth2CredentialProviderInput{Name: aws.String("g"),
		CredentialProviderVendor:  ctltypes.CredentialProviderVendorTypeGoogleOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberGithubOauth2ProviderConfig{Value: ctltypes.GithubOauth2ProviderConfigInput{ClientId: aws.String("c"), ClientSecret: aws.String("s")}}})
	if !isValidationCtl(err) {
		t.Fatalf("vendor/config mismatch: %v", err)
	}
	// A vendor preset resolves its endpoint table.
	out, err := e.Control.CreateOauth2CredentialProvider(ctx, &ctl.CreateOauth2CredentialProviderInput{Name: aws.String("google"),
		CredentialProviderVendor:  ctltypes.CredentialProviderVendorTypeGoogleOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberGoogleOauth2ProviderConfig{Value: ctltypes.GoogleOauth2ProviderConfigInput{ClientId: aws.String("c"), ClientSecret: aws.String("s")}}})
	if err != nil {
		t.Fatal(err)
	}
	g, ok := out.Oauth2ProviderConfigOutput.(*ctltypes.Oauth2ProviderConfigOutputMemberGoogleOauth2ProviderConfig)
	if !ok {
		t.Fatalf("output config %T", out.Oauth2ProviderConfigOutput)
	}
	md, ok := g.Value.OauthDiscovery.(*ctltypes.Oauth2DiscoveryMemberAuthorizationServerMetadata)
	if !ok || aws.ToString(md.Value.TokenEndpoint) != "https://oauth2.googleapis.com/token" {
		t.Fatalf("google endpoints: %+v", g.Value.OauthDiscovery)
	}
	list, err := e.Control.ListOauth2CredentialProviders(ctx, &ctl.ListOauth2CredentialProvidersInput{})
	if err != nil || len(list.CredentialProviders) != 1 {
		t.Fatalf("list: %+v %v", list, err)
	}
	if _, err := e.Control.DeleteOauth2CredentialProvider(ctx, &ctl.DeleteOauth2CredentialProviderInput{Name: aws.String("google")}); err != nil {
		t.Fatal(err)
	}
}

func isValidationCtl(err error) bool { return apiCode(err) == "ValidationException" }
