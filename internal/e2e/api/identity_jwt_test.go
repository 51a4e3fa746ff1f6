package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/identity/oidctest"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"golang.org/x/oauth2/clientcredentials"
)

func escARN(arn string) string { return strings.ReplaceAll(url.QueryEscape(arn), "+", "%20") }

// bearerInvoke calls InvokeAgentRuntime over raw HTTP with a bearer token
// (the AWS SDKs cannot send one, per the API documentation).
func bearerInvoke(t *testing.T, e *testenv.Env, arn, token string, payload any) (int, http.Header, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(payload)
	req, _ := http.NewRequest("POST", e.URL+"/runtimes/"+escARN(arn)+"/invocations", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id", testenv.SessionID("jwt"))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(body, &m)
	return resp.StatusCode, resp.Header, m
}

func str(s string) *string { return &s }

// watClaims decodes a workload access token's claims (test only: the
// signature is the platform's business).
func watClaims(t *testing.T, wat string) map[string]any {
	t.Helper()
	parts := strings.Split(wat, ".")
	if len(parts) != 3 || parts[0] != "wat1" {
		t.Fatalf("not a workload access token: %q", wat)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

// TestJWTAuthorizerOnInvoke: a runtime with a customJWTAuthorizer accepts
// bearer tokens from the real OP (client credentials) and rejects every
// other token with 401 + WWW-Authenticate; SigV4 callers get 403. The agent
// receives the workload access token bound to the token's sub and, being
// allow-listed, the Authorization header.
func TestJWTAuthorizerOnInvoke(t *testing.T) {
	o := oidctest.Start(t)
	o.SetClaims(oidctest.M2MClientID, map[string]any{"groups": []string{"agents"}})
	e := testenv.Start(t, testenv.Fast())
	rt := e.Deploy(t, "jwt_agent", func(in *ctl.CreateAgentRuntimeInput) {
		in.AuthorizerConfiguration = &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
			DiscoveryUrl: aws.String(o.DiscoveryURL), AllowedClients: []string{oidctest.M2MClientID}, AllowedAudience: []string{oidctest.M2MClientID},
			AllowedScopes: []string{"invoke"},
			CustomClaims: []ctltypes.CustomClaimValidationType{{InboundTokenClaimName: aws.String("groups"), InboundTokenClaimValueType: ctltypes.InboundTokenClaimValueTypeStringArray,
				AuthorizingClaimMatchValue: &ctltypes.AuthorizingClaimMatchValueType{ClaimMatchOperator: ctltypes.ClaimMatchOperatorTypeContains,
					ClaimMatchValue: &ctltypes.ClaimMatchValueTypeMemberMatchValueString{Value: "agents"}}}},
		}}
		in.RequestHeaderConfiguration = &ctltypes.RequestHeaderConfigurationMemberRequestHeaderAllowlist{Value: []string{"Authorization"}}
	})
	arn := *rt.AgentRuntimeArn
	if rt.WorkloadIdentityDetails == nil || !strings.HasSuffix(*rt.WorkloadIdentityDetails.WorkloadIdentityArn, "/workload-identity/jwt_agent") {
		t.Fatalf("workloadIdentityDetails: %+v", rt.WorkloadIdentityDetails)
	}
	if _, err := e.Control.GetWorkloadIdentity(bg, &ctl.GetWorkloadIdentityInput{Name: aws.String("jwt_agent")}); err != nil {
		t.Fatalf("runtime's workload identity: %v", err)
	}
	cc := clientcredentials.Config{ClientID: oidctest.M2MClientID, ClientSecret: oidctest.M2MClientSecret, TokenURL: o.URL + "/oauth/token", Scopes: []string{"invoke"}}
	tok, err := cc.Token(bg)
	if err != nil {
		t.Fatal(err)
	}
	st, _, m := bearerInvoke(t, e, arn, tok.AccessToken, map[string]any{"hello": "jwt"})
	if st != 200 {
		t.Fatalf("valid OP token: %d %v", st, m)
	}
	h, _ := m["headers"].(map[string]any)
	if h["Authorization"] != "Bearer "+tok.AccessToken {
		t.Fatalf("Authorization not forwarded to the agent: %v", h)
	}
	wat, _ := h["x-amz-bedrock-agentcore-identity-wat"].(string)
	if wat == "" || h["workloadaccesstoken"] != wat {
		t.Fatalf("no workload access token reached the agent: %v", h)
	}
	if c := watClaims(t, wat); c["wl"] != "jwt_agent" || c["uid"] != oidctest.M2MClientID || c["acct"] != "123456789012" {
		t.Fatalf("WAT claims %v", c)
	}

	good := map[string]any{"aud": oidctest.M2MClientID, "client_id": oidctest.M2MClientID, "scope": "invoke", "groups": []string{"agents"}}
	with := func(k string, v any) map[string]any {
		out := map[string]any{}
		for kk, vv := range good {
			out[kk] = vv
		}
		out[k] = v
		return out
	}
	if st, _, m := bearerInvoke(t, e, arn, o.Sign(good), nil); st != 200 {
		t.Fatalf("hand-signed good token: %d %v", st, m)
	}
	// JWKS rotation: the OP signs with a new key; the validator refetches.
	o.Rotate()
	if st, _, m := bearerInvoke(t, e, arn, o.Sign(good), nil); st != 200 {
		t.Fatalf("after key rotation: %d %v", st, m)
	}
	for name, token := range map[string]string{
		"missing":        "",
		"wrong audience": o.Sign(with("aud", "someone-else")),
		"wrong client":   o.Sign(with("client_id", "intruder")),
		"wrong scope":    o.Sign(with("scope", "admin")),
		"wrong claim":    o.Sign(with("groups", []string{"humans"})),
		"expired":        o.Sign(with("exp", time.Now().Add(-time.Hour).Unix())),
		"bad signature":  o.SignForeign(good, o.CurrentKID()),
		"unknown kid":    o.SignForeign(good, "rotated-away"),
		"alg none":       "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4IiwiZXhwIjo0MTAyNDQ0ODAwfQ.",
		"malformed":      "not-a-jwt",
		"oversized":      strings.Repeat("a", 20000) + ".b.c",
	} {
		st, hdr, m := bearerInvoke(t, e, arn, token, nil)
		if st != 401 || m["__type"] != "UnauthorizedException" {
			t.Errorf("%s: %d %v", name, st, m)
			continue
		}
		if wa := hdr.Get("WWW-Authenticate"); !strings.HasPrefix(wa, `Bearer resource_metadata="`) || !strings.Contains(wa, escARN(arn)) {
			t.Errorf("%s: WWW-Authenticate %q", name, wa)
		}
	}
	// The challenge's resource metadata names the OP (RFC 9728).
	_, hdr, _ := bearerInvoke(t, e, arn, "", nil)
	wa := hdr.Get("WWW-Authenticate")
	mdURL := wa[strings.Index(wa, `"`)+1 : strings.LastIndex(wa, `"`)]
	resp, err := http.Get(mdURL)
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		Resource string   `json:"resource"`
		Servers  []string `json:"authorization_servers"`
	}
	json.NewDecoder(resp.Body).Decode(&md)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(md.Servers) != 1 || md.Servers[0] != o.URL || !strings.HasSuffix(md.Resource, "/invocations") {
		t.Fatalf("protected resource metadata at %s: %d %+v", mdURL, resp.StatusCode, md)
	}
	// A malformed authorizer is refused at create time.
	bad := &ctl.CreateAgentRuntimeInput{AgentRuntimeName: aws.String("bad_authz"), RoleArn: aws.String(testenv.RoleArn),
		AgentRuntimeArtifact: testenv.CodeArtifact(e.TestAgentZip(t), ctltypes.AgentManagedRuntimeTypePython312, "bootstrap"),
		AuthorizerConfiguration: &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
			DiscoveryUrl: aws.String("ftp://idp.example/x")}}}
	if _, err := e.Control.CreateAgentRuntime(bg, bad); apiCode(err) != "ValidationException" {
		t.Fatalf("bad discoveryUrl: %v", err)
	}
	// SigV4 on a JWT runtime: 403 AccessDeniedException.
	_, err = e.Data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: aws.String(arn), Payload: []byte(`{}`)})
	if apiCode(err) != "AccessDeniedException" {
		t.Fatalf("SigV4 on a JWT runtime: %v", err)
	}
	// GetWorkloadAccessTokenForJWT validates the user token against the
	// runtime's authorizer.
	out, err := e.Data.GetWorkloadAccessTokenForJWT(bg, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{
		WorkloadName: aws.String("jwt_agent"), UserToken: aws.String(o.Sign(with("sub", "user-42")))})
	if err != nil {
		t.Fatal(err)
	}
	if c := watClaims(t, *out.WorkloadAccessToken); c["uid"] != "user-42" {
		t.Fatalf("ForJWT claims %v", c)
	}
	if _, err := e.Data.GetWorkloadAccessTokenForJWT(bg, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{
		WorkloadName: aws.String("jwt_agent"), UserToken: aws.String(o.Sign(with("aud", "nope")))}); apiCode(err) != "UnauthorizedException" {
		t.Fatalf("ForJWT with a bad token: %v", err)
	}
}

// TestSigV4RuntimeGetsWAT: a SigV4 runtime's agent receives a WAT bound to
// runtimeUserId, and no Authorization header (the SigV4 one stays here).
func TestSigV4RuntimeGetsWAT(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	rt := e.Deploy(t, "sig_agent", func(in *ctl.CreateAgentRuntimeInput) {
		in.RequestHeaderConfiguration = &ctltypes.RequestHeaderConfigurationMemberRequestHeaderAllowlist{Value: []string{"Authorization"}}
	})
	out, err := e.Data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: rt.AgentRuntimeArn,
		Payload: []byte(`{}`), RuntimeUserId: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(out.Response)
	out.Response.Close()
	h, _ := decode(t, b)["headers"].(map[string]any)
	if h["Authorization"] != nil || h["authorization"] != nil || h["x-amzn-bedrock-agentcore-runtime-user-id"] != nil {
		t.Fatalf("SigV4 Authorization or user id header leaked to the agent: %v", h)
	}
	wat, _ := h["x-amz-bedrock-agentcore-identity-wat"].(string)
	if c := watClaims(t, wat); c["uid"] != "alice" || c["wl"] != "sig_agent" {
		t.Fatalf("WAT claims %v", c)
	}
	// Bearer on a SigV4 runtime: 403 (no WWW-Authenticate).
	st, hdr, m := bearerInvoke(t, e, *rt.AgentRuntimeArn, "x.y.z", nil)
	if st != 403 || m["__type"] != "AccessDeniedException" || hdr.Get("WWW-Authenticate") != "" {
		t.Fatalf("bearer on a SigV4 runtime: %d %v", st, m)
	}
	// Unsigned on a SigV4 runtime: 403.
	if st, _, m := bearerInvoke(t, e, *rt.AgentRuntimeArn, "", nil); st != 403 {
		t.Fatalf("unsigned on a SigV4 runtime: %d %v", st, m)
	}
	// Deleting the runtime deletes its workload identity.
	if _, err := e.Control.DeleteAgentRuntime(context.Background(), &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: rt.AgentRuntimeId}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Control.GetWorkloadIdentity(context.Background(), &ctl.GetWorkloadIdentityInput{Name: aws.String("sig_agent")}); !isNotFoundCtl(err) {
		t.Fatalf("workload identity after runtime deletion: %v", err)
	}
	_ = smithyhttp.AddHeaderValue
}
