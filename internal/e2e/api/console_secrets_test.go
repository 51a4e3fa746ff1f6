package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestConsoleSecretsNeverShown: an OAuth2 client secret, an API key and
// the account's secret access key never appear in anything the console
// reads or serves: every console page, asset and data call (identity
// providers, gateways with a target that uses the API key, a tool call
// through that target, memories, runtimes, the session API).
func TestConsoleSecretsNeverShown(t *testing.T) {
	const oauthSecret, apiKey = "oauth-client-secret-Q7XK2", "api-key-value-P9ZM4"
	e := startConsoleEnv(t)
	pets := startPetstore(t)
	a := e.seed(t, consoleAcctA, "ay", pets.URL)
	op, err := e.CtlA.CreateOauth2CredentialProvider(bg, &ctl.CreateOauth2CredentialProviderInput{Name: aws.String("corp-idp"),
		CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
			ClientId: aws.String("console-client"), ClientSecret: aws.String(oauthSecret),
			OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberAuthorizationServerMetadata{Value: ctltypes.Oauth2AuthorizationServerMetadata{
				Issuer: aws.String(pets.URL), AuthorizationEndpoint: aws.String(pets.URL + "/authorize"), TokenEndpoint: aws.String(pets.URL + "/token")}},
		}}})
	if err != nil {
		t.Fatal(err)
	}
	kp, err := e.CtlA.CreateApiKeyCredentialProvider(bg, &ctl.CreateApiKeyCredentialProviderInput{Name: aws.String("pets-key"), ApiKey: aws.String(apiKey)})
	if err != nil {
		t.Fatal(err)
	}
	openAPITarget(t, e.as(consoleAcctA), a.Gateway, "keyed", petstoreSpec(pets.URL), ctltypes.CredentialProviderConfiguration{
		CredentialProviderType: ctltypes.CredentialProviderTypeApiKey,
		CredentialProvider: &ctltypes.CredentialProviderMemberApiKeyCredentialProvider{Value: ctltypes.GatewayApiKeyCredentialProvider{
			ProviderArn: kp.CredentialProviderArn, CredentialLocation: ctltypes.ApiKeyCredentialLocationHeader, CredentialParameterName: aws.String("X-Api-Key")}}})

	c := newConsoleClient(t, e.URL)
	resp := c.signIn(consoleKeyA, consoleSecretA)
	secrets := []string{oauthSecret, apiKey, consoleSecretA, consoleSecretB}
	seen := 0
	look := func(what string, status int, body []byte) {
		t.Helper()
		seen++
		if s := containsAny(body, secrets...); s != "" {
			t.Errorf("%s (%d) shows the secret %q: %s", what, status, s, body)
		}
	}
	look("sign-in", resp.StatusCode, []byte(resp.Header.Get("Set-Cookie")))

	// The tool call sends the API key to the target: the console sees the
	// answer, not the key.
	st, body := c.do("POST", "/_agentcore/gateways/"+a.Gateway+"/calls", map[string]any{"name": "keyed___listPets", "arguments": map[string]any{}})
	if st != 200 || pets.LastHeader("X-Api-Key") != apiKey {
		t.Fatalf("tool call through the keyed target: %d %s (backend saw %q)", st, body, pets.LastHeader("X-Api-Key"))
	}
	look("tool call", st, body)

	reads := append(consoleReads(a, ""),
		[3]any{"POST", "/identities/GetOauth2CredentialProvider", map[string]any{"name": "corp-idp"}},
		[3]any{"POST", "/identities/GetApiKeyCredentialProvider", map[string]any{"name": "pets-key"}},
		[3]any{"POST", "/identities/get-token-vault", map[string]any{}},
		[3]any{"GET", "/console/api/session", nil},
	)
	targets := struct {
		Items []struct {
			TargetID string `json:"targetId"`
		} `json:"items"`
	}{}
	_, body = c.do("GET", "/gateways/"+a.Gateway+"/targets/", nil)
	if err := json.Unmarshal(body, &targets); err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets.Items {
		reads = append(reads, [3]any{"GET", "/gateways/" + a.Gateway + "/targets/" + tg.TargetID + "/", nil})
	}
	for _, r := range reads {
		st, body := c.do(r[0].(string), r[1].(string), r[2])
		if st != 200 {
			t.Errorf("%s %s: %d %s", r[0], r[1], st, body)
		}
		look(r[0].(string)+" "+r[1].(string), st, body)
	}
	// Positive control: the provider itself is shown (its ARN, client id).
	if st, body := c.do("POST", "/identities/GetOauth2CredentialProvider", map[string]any{"name": "corp-idp"}); st != 200 ||
		!strings.Contains(string(body), *op.CredentialProviderArn) || !strings.Contains(string(body), "console-client") {
		t.Errorf("GetOauth2CredentialProvider: %d %s", st, body)
	}
	pages := []string{"/console/", "/console/signin", "/console/memories", "/console/memories/" + a.Memory, "/console/gateways",
		"/console/gateways/" + a.Gateway, "/console/policies", "/console/policies/" + a.Engine, "/console/identity",
		"/console/assets/app.js", "/console/assets/lib.js", "/console/assets/style.css"}
	mods, err := os.ReadDir(filepath.Join(testenv.RepoRoot(), "internal/console/assets/pages"))
	if err != nil || len(mods) < 4 {
		t.Fatalf("page modules: %v %v", mods, err)
	}
	for _, m := range mods {
		pages = append(pages, "/console/assets/pages/"+m.Name())
	}
	for _, p := range pages {
		resp, body := c.raw("GET", p, nil, "")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
		look("GET "+p, resp.StatusCode, body)
	}
	if seen < 40 || len(targets.Items) != 2 {
		t.Fatalf("crawled %d answers, %d targets", seen, len(targets.Items))
	}
}
