package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// iamCreds are the server's configured test keys: AWS_IAM gateways verify
// SigV4 with the platform's own verifier.
var iamCreds = aws.Credentials{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey}

// sigv4RT signs every request like an IAM-authenticated MCP client.
type sigv4RT struct{ creds aws.Credentials }

func (s sigv4RT) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(r.Context(), s.creds, r, hex.EncodeToString(sum[:]), "bedrock-agentcore", "us-east-1", time.Now()); err != nil {
		return nil, err
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestGatewayIAMAuthorizer: an AWS_IAM gateway accepts SigV4-signed MCP
// requests, rejects unsigned and badly signed ones, and Cedar sees the
// caller as an AgentCore::IamEntity.
func TestGatewayIAMAuthorizer(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	ps := startPetstore(t)
	eng := createEngine(t, e, "iam")
	gw := createGateway(t, e, "iam", func(in *ctl.CreateGatewayInput) {
		in.AuthorizerType = ctltypes.AuthorizerTypeAwsIam
		in.PolicyEngineConfiguration = &ctltypes.GatewayPolicyEngineConfiguration{Arn: eng.PolicyEngineArn, Mode: ctltypes.GatewayPolicyEngineModeEnforce}
	})
	openAPITarget(t, e, *gw.GatewayId, "pets", petstoreSpec(ps.URL))
	createPolicy(t, e, *eng.PolicyEngineId, "account_users",
		`permit(principal is AgentCore::IamEntity, action == AgentCore::Action::"pets___getPet", resource) when { principal.id like "arn:aws:iam::123456789012:*" };`)

	c := mcp.NewClient(&mcp.Implementation{Name: "iam-client", Version: "1"}, nil)
	cs, err := c.Connect(bg, &mcp.StreamableClientTransport{Endpoint: *gw.GatewayUrl, MaxRetries: -1, DisableStandaloneSSE: true,
		HTTPClient: &http.Client{Transport: sigv4RT{iamCreds}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	if res := callTool(t, cs, "pets___getPet", map[string]any{"id": "1"}); res.IsError {
		t.Fatal(resultText(res))
	}
	if _, err := callRaw(cs, "pets___listPets", map[string]any{}); err == nil || !strings.Contains(err.Error(), "denied by policy") {
		t.Fatalf("not permitted tool: %v", err)
	}
	if status, _ := postMCP(t, *gw.GatewayUrl, ""); status != http.StatusUnauthorized {
		t.Fatalf("unsigned: HTTP %d", status)
	}
	bad := aws.Credentials{AccessKeyID: iamCreds.AccessKeyID, SecretAccessKey: "wrong"}
	if _, err := mcp.NewClient(&mcp.Implementation{Name: "x", Version: "1"}, nil).Connect(bg, &mcp.StreamableClientTransport{Endpoint: *gw.GatewayUrl,
		MaxRetries: -1, DisableStandaloneSSE: true, HTTPClient: &http.Client{Transport: sigv4RT{bad}}}, nil); err == nil {
		t.Fatal("wrong secret accepted")
	}
	calls := gatewayCalls(t, e, *gw.GatewayId)
	if calls[0]["principal"] != "arn:aws:iam::123456789012:user/"+testenv.AccessKeyID {
		t.Fatalf("principal: %v", calls[0])
	}
}
