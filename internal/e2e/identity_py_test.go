package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
	"github.com/agentcore-dev/agentcore/internal/identity/oidctest"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet/hostnettest"
	"github.com/agentcore-dev/agentcore/internal/sandbox/netns"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestPythonSDKIdentityDecorators deploys a Python code agent using the real
// bedrock-agentcore SDK's @requires_api_key and @requires_access_token (M2M,
// and USER_FEDERATION with on_auth_url), under the process driver and each
// available isolating driver. The agent reaches the platform API with the
// credentials the platform puts in its environment (namespaced sessions
// through the API served on their in-namespace listener) and the WAT it
// injects per invocation; the OAuth2 server is the in-process zitadel OP,
// and the test plays the consenting user.
func TestPythonSDKIdentityDecorators(t *testing.T) {
	if testing.Short() {
		t.Skip("pip-installs bedrock-agentcore from PyPI")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	for _, driver := range []string{"process", "linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) {
			if driver != "process" {
				testenv.RequireImageDriver(t, driver)
			}
			pythonIdentity(t, driver)
		})
	}
}

func pythonIdentity(t *testing.T, driver string) {
	ctx := context.Background()
	o := oidctest.Start(t)
	consented := make(chan error, 1)
	hookH := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		go func() { // the user opens the URL in a browser while the agent polls
			resp, err := o.Login(context.Background(), oidctest.Browser(), string(b))
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(body), "Authorization complete") {
					err = fmt.Errorf("consent ended with %d %s at %s", resp.StatusCode, body, resp.Request.URL)
				}
			}
			consented <- err
		}()
	})
	hook := httptest.NewServer(hookH)
	defer hook.Close()
	hookURL := hook.URL
	if driver != "process" {
		// Namespaced agents cannot reach the host's loopback: the "user's
		// browser" hook listens on a test host they reach through NAT.
		if os.Geteuid() != 0 {
			t.Skip("needs root for a test host network namespace")
		}
		n := time.Now().UnixNano()%200 + 20
		out := hostnettest.Outside(t, fmt.Sprintf("pyid-%d", n), fmt.Sprintf("10.254.%d.0", n))
		ln, err := netns.Listen(t.Context(), out.Path, out.Addr+":8089")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: hookH}
		go srv.Serve(ln)
		defer srv.Close()
		hookURL = "http://" + out.Addr + ":8089/"
	}

	cfg := testenv.Fast()
	cfg.Sandbox = driver
	e := testenv.Start(t, cfg)
	o.AddWebClient("py-web", "py-web-secret", e.URL+"/identities/oauth2/callback")
	if _, err := e.Control.CreateApiKeyCredentialProvider(ctx, &ctl.CreateApiKeyCredentialProviderInput{Name: aws.String("py-search-key"), ApiKey: aws.String("sk-py-777")}); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string][2]string{"py-m2m": {oidctest.M2MClientID, oidctest.M2MClientSecret}, "py-user": {"py-web", "py-web-secret"}} {
		if _, err := e.Control.CreateOauth2CredentialProvider(ctx, &ctl.CreateOauth2CredentialProviderInput{Name: aws.String(name),
			CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
			Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
				ClientId: aws.String(c[0]), ClientSecret: aws.String(c[1]), OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: o.DiscoveryURL}}}}); err != nil {
			t.Fatal(err)
		}
	}
	zip := testenv.ZipDir(t, filepath.Join(testenv.RepoRoot(), "internal", "e2e", "testdata", "pyidentity"))
	key := fmt.Sprintf("pyidentity-%d.zip", time.Now().UnixNano())
	e.Upload(t, "agents", key, zip)
	out, err := e.Control.CreateAgentRuntime(ctx, &ctl.CreateAgentRuntimeInput{
		AgentRuntimeName:     aws.String("pyidentity"),
		AgentRuntimeArtifact: testenv.CodeArtifact(&ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)}, testenv.PythonRuntime(), "agent.py"),
		RoleArn:              aws.String(testenv.RoleArn),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
		EnvironmentVariables: map[string]string{"CONSENT_HOOK": hookURL},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitReady(t, *out.AgentRuntimeId, 5*time.Minute)
	invoke := func(action, user string) map[string]any {
		t.Helper()
		in := &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: out.AgentRuntimeArn, RuntimeSessionId: aws.String(testenv.SessionID("py-" + user)),
			Payload: []byte(`{"action":"` + action + `"}`), ContentType: aws.String("application/json")}
		if user != "" {
			in.RuntimeUserId = aws.String(user)
		}
		res, err := e.Data.InvokeAgentRuntime(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		b, _ := io.ReadAll(res.Response)
		res.Response.Close()
		return decodeJSON(t, b)
	}
	if got := invoke("apikey", "alice"); got["apiKey"] != "sk-py-777" {
		t.Fatalf("@requires_api_key: %v", got)
	}
	v := jwtauth.New(jwtauth.Options{})
	m := invoke("m2m", "alice")
	tok, _ := m["token"].(string)
	if c, err := v.Validate(ctx, tok, jwtauth.CustomJWTAuthorizer{DiscoveryURL: o.DiscoveryURL}); err != nil || c.ClientID != oidctest.M2MClientID {
		t.Fatalf("@requires_access_token M2M: %v %v (%v)", c, err, m)
	}
	start := time.Now()
	u := invoke("user", "alice")
	if err := <-consented; err != nil {
		t.Fatal(err)
	}
	utok, _ := u["token"].(string)
	c, err := v.Validate(ctx, utok, jwtauth.CustomJWTAuthorizer{DiscoveryURL: o.DiscoveryURL})
	if err != nil || c.Subject != oidctest.UserSubject {
		t.Fatalf("@requires_access_token USER_FEDERATION: %v %v (%v)", c, err, u)
	}
	t.Logf("3LO through on_auth_url and the SDK's 5 s polling took %s", time.Since(start).Round(time.Millisecond))
	// Cached for the user now: no consent needed.
	if again := invoke("user", "alice"); again["token"] != utok {
		t.Fatalf("second USER_FEDERATION call: %v", again)
	}
}

func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not JSON: %q", b)
	}
	return m
}
