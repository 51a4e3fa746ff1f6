package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/golang-jwt/jwt/v5"
)

func jwtGateway(o *testOP, clients, audience []string) func(*ctl.CreateGatewayInput) {
	return func(in *ctl.CreateGatewayInput) {
		in.AuthorizerType = ctltypes.AuthorizerTypeCustomJwt
		in.AuthorizerConfiguration = &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
			DiscoveryUrl: aws.String(o.Discovery()), AllowedClients: clients, AllowedAudience: audience}}
	}
}

// TestGatewayInboundJWT: a CUSTOM_JWT gateway accepts tokens from its
// OpenID provider for allowed clients and rejects everything else.
func TestGatewayInboundJWT(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	o := startOP(t)
	mcpSrv, _, _ := startMCPBackend(t)
	gw := createGateway(t, e, "secure", jwtGateway(o, []string{"sid1"}, nil))
	mcpServerTarget(t, e, *gw.GatewayId, "calc", mcpSrv.URL)
	other := createGateway(t, e, "otheraud", jwtGateway(o, nil, []string{"someone-else"}))
	mcpServerTarget(t, e, *other.GatewayId, "calc", mcpSrv.URL)

	tok := o.Token(t)
	cs := mcpConnect(t, *gw.GatewayUrl, tok)
	if res := callTool(t, cs, "calc___add", map[string]any{"a": 20, "b": 22}); res.IsError || !strings.Contains(resultText(res), "42") {
		t.Fatalf("authorized call: %s", resultText(res))
	}
	// No token, a garbage token, a token signed by someone else, and a
	// token whose audience is not allowed: all rejected with 401.
	forged := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": o.Issuer, "sub": "sid1", "client_id": "sid1", "exp": 9999999999})
	forgedTok, _ := forged.SignedString([]byte("not the key"))
	for name, c := range map[string]struct{ url, token string }{
		"none": {*gw.GatewayUrl, ""}, "garbage": {*gw.GatewayUrl, "abc.def.ghi"}, "forged": {*gw.GatewayUrl, forgedTok},
		"audience": {*other.GatewayUrl, tok},
	} {
		if _, err := mcpConnectErr(c.url, c.token); err == nil {
			t.Errorf("%s: connected", name)
		}
		status, hdr := postMCP(t, c.url, c.token)
		if status != http.StatusUnauthorized {
			t.Errorf("%s: HTTP %d", name, status)
		}
		if name != "audience" && !strings.HasPrefix(hdr, "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q", name, hdr)
		}
	}

	// Custom claims: only tokens whose role claim equals admin.
	adm := createGateway(t, e, "admins", func(in *ctl.CreateGatewayInput) {
		in.AuthorizerType = ctltypes.AuthorizerTypeCustomJwt
		in.AuthorizerConfiguration = &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
			DiscoveryUrl: aws.String(o.Discovery()), AllowedClients: []string{"sid1"},
			CustomClaims: []ctltypes.CustomClaimValidationType{{InboundTokenClaimName: aws.String("role"), InboundTokenClaimValueType: ctltypes.InboundTokenClaimValueTypeString,
				AuthorizingClaimMatchValue: &ctltypes.AuthorizingClaimMatchValueType{ClaimMatchOperator: ctltypes.ClaimMatchOperatorTypeEquals,
					ClaimMatchValue: &ctltypes.ClaimMatchValueTypeMemberMatchValueString{Value: "admin"}}}}}}
	})
	mcpServerTarget(t, e, *adm.GatewayId, "calc", mcpSrv.URL)
	if status, _ := postMCP(t, *adm.GatewayUrl, tok); status != http.StatusUnauthorized {
		t.Errorf("viewer on admins gateway: HTTP %d", status)
	}
	if status, _ := postMCP(t, *adm.GatewayUrl, o.Token(t, "admin")); status != http.StatusOK {
		t.Errorf("admin on admins gateway: HTTP %d", status)
	}

	// RFC 9728 metadata for OAuth-capable MCP clients.
	resp, err := http.Get(strings.TrimSuffix(*gw.GatewayUrl, "/mcp") + "/.well-known/oauth-protected-resource")
	if err != nil {
		t.Fatal(err)
	}
	var prm struct {
		Resource             string   `json:"resource"`
		AuthorizationServers []string `json:"authorization_servers"`
	}
	json.NewDecoder(resp.Body).Decode(&prm)
	resp.Body.Close()
	if prm.Resource != *gw.GatewayUrl || len(prm.AuthorizationServers) != 1 || prm.AuthorizationServers[0] != o.Issuer {
		t.Fatalf("protected resource metadata: %+v", prm)
	}
	if _, hdr := postMCP(t, *gw.GatewayUrl, ""); !strings.Contains(hdr, `resource_metadata="`) {
		t.Fatalf("WWW-Authenticate %q", hdr)
	}

	// Allowed scopes: the token must carry one of them.
	scoped := createGateway(t, e, "scoped", func(in *ctl.CreateGatewayInput) {
		in.AuthorizerType = ctltypes.AuthorizerTypeCustomJwt
		in.AuthorizerConfiguration = &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
			DiscoveryUrl: aws.String(o.Discovery()), AllowedScopes: []string{"tools:invoke"}}}
	})
	mcpServerTarget(t, e, *scoped.GatewayId, "calc", mcpSrv.URL)
	if status, _ := postMCP(t, *scoped.GatewayUrl, tok); status != http.StatusUnauthorized {
		t.Errorf("token without the scope: HTTP %d", status)
	}
	if status, _ := postMCP(t, *scoped.GatewayUrl, o.Token(t, "tools:invoke")); status != http.StatusOK {
		t.Errorf("token with the scope: HTTP %d", status)
	}

	// AWS_IAM gateways refuse unsigned requests.
	iam := createGateway(t, e, "iamgw", func(in *ctl.CreateGatewayInput) { in.AuthorizerType = ctltypes.AuthorizerTypeAwsIam })
	if status, _ := postMCP(t, *iam.GatewayUrl, ""); status != http.StatusUnauthorized {
		t.Errorf("iam unsigned: HTTP %d", status)
	}
}

func postMCP(t testing.TB, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
}

// TestGatewayOutboundCredentials: OAuth client credentials and API keys
// (header and query) from credential providers created with the Identity
// API (the token vault) reach the backend.
func TestGatewayOutboundCredentials(t *testing.T) {
	o := startOP(t)
	e := testenv.Start(t, testenv.Fast())
	op, err := e.Control.CreateOauth2CredentialProvider(bg, &ctl.CreateOauth2CredentialProviderInput{Name: aws.String("petstore-oauth"),
		CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
			ClientId: aws.String("sid1"), ClientSecret: aws.String("verysecret"),
			OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: o.Discovery()}}}})
	if err != nil {
		t.Fatal(err)
	}
	kp, err := e.Control.CreateApiKeyCredentialProvider(bg, &ctl.CreateApiKeyCredentialProviderInput{Name: aws.String("petstore-key"), ApiKey: aws.String("s3cr3t-key")})
	if err != nil {
		t.Fatal(err)
	}
	oauthArn, keyArn := aws.ToString(op.CredentialProviderArn), aws.ToString(kp.CredentialProviderArn)
	ps := startPetstore(t)
	gw := createGateway(t, e, "outbound", nil)
	openAPITarget(t, e, *gw.GatewayId, "oauth", petstoreSpec(ps.URL), ctltypes.CredentialProviderConfiguration{
		CredentialProviderType: ctltypes.CredentialProviderTypeOauth,
		CredentialProvider: &ctltypes.CredentialProviderMemberOauthCredentialProvider{Value: ctltypes.OAuthCredentialProvider{
			ProviderArn: aws.String(oauthArn), Scopes: []string{"admin"}}}})
	openAPITarget(t, e, *gw.GatewayId, "hdrkey", petstoreSpec(ps.URL), ctltypes.CredentialProviderConfiguration{
		CredentialProviderType: ctltypes.CredentialProviderTypeApiKey,
		CredentialProvider: &ctltypes.CredentialProviderMemberApiKeyCredentialProvider{Value: ctltypes.GatewayApiKeyCredentialProvider{
			ProviderArn: aws.String(keyArn), CredentialLocation: ctltypes.ApiKeyCredentialLocationHeader, CredentialParameterName: aws.String("X-Api-Key")}}})
	openAPITarget(t, e, *gw.GatewayId, "qkey", petstoreSpec(ps.URL), ctltypes.CredentialProviderConfiguration{
		CredentialProviderType: ctltypes.CredentialProviderTypeApiKey,
		CredentialProvider: &ctltypes.CredentialProviderMemberApiKeyCredentialProvider{Value: ctltypes.GatewayApiKeyCredentialProvider{
			ProviderArn: aws.String(keyArn), CredentialLocation: ctltypes.ApiKeyCredentialLocationQueryParameter, CredentialParameterName: aws.String("api_key")}}})
	cs := mcpConnect(t, *gw.GatewayUrl, "")

	callTool(t, cs, "oauth___getPet", map[string]any{"id": "1"})
	authz := ps.LastHeader("Authorization")
	if !strings.HasPrefix(authz, "Bearer ") {
		t.Fatalf("oauth: backend saw %q", authz)
	}
	// The token is a real one from the OP: its signature checks out against the OP's JWKS.
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(strings.TrimPrefix(authz, "Bearer "), claims); err != nil || claims["client_id"] != "sid1" || claims["role"] != "admin" {
		t.Fatalf("oauth token claims %v %v", claims, err)
	}
	callTool(t, cs, "hdrkey___getPet", map[string]any{"id": "1"})
	if got := ps.LastHeader("X-Api-Key"); got != "s3cr3t-key" {
		t.Fatalf("header key: %q", got)
	}
	callTool(t, cs, "qkey___listPets", map[string]any{"limit": 2})
	if q := ps.LastQuery(); !strings.Contains(q, "api_key=s3cr3t-key") || !strings.Contains(q, "limit=2") {
		t.Fatalf("query key: %q", q)
	}
	// An unknown provider is a clear call-time error; other tools keep working.
	openAPITarget(t, e, *gw.GatewayId, "nokey", petstoreSpec(ps.URL), ctltypes.CredentialProviderConfiguration{
		CredentialProviderType: ctltypes.CredentialProviderTypeApiKey,
		CredentialProvider: &ctltypes.CredentialProviderMemberApiKeyCredentialProvider{Value: ctltypes.GatewayApiKeyCredentialProvider{
			ProviderArn: aws.String(keyArn + "-missing")}}})
	cs2 := mcpConnect(t, *gw.GatewayUrl, "")
	if _, err := cs2.CallTool(bg, mcpParams("nokey___getPet", map[string]any{"id": "1"})); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("missing provider: %v", err)
	}
	if res := callTool(t, cs2, "hdrkey___getPet", map[string]any{"id": "1"}); res.IsError {
		t.Fatal(resultText(res))
	}
}
