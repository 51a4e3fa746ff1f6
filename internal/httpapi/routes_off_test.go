package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/httpapi"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	bac "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/aws/smithy-go"
)

// TestDisabledServices: a service that is not enabled has no routes; its
// operations answer with the AWS error they answered before routes were
// conditional (UnknownOperationException, Identity's ServiceException), and
// agentcore's own endpoints of a disabled service answer as unknown paths.
func TestDisabledServices(t *testing.T) {
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Tenant: tenant.Tenant{Account: "123456789012", Region: "us-east-1"}}))
	t.Cleanup(srv.Close)
	c, d := testenv.Clients(srv.URL)
	ctx := context.Background()
	code := func(err error) (string, string) {
		var ae smithy.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("not an AWS error: %v", err)
		}
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	cases := []struct {
		name     string
		call     func() error
		code     string
		contains string
	}{
		{"CreateMemory", func() error {
			_, err := c.CreateMemory(ctx, &ctl.CreateMemoryInput{Name: aws.String("m"), EventExpiryDuration: aws.Int32(7)})
			return err
		},
			"UnknownOperationException", "Memory service is not enabled"},
		{"ListGateways", func() error { _, err := c.ListGateways(ctx, &ctl.ListGatewaysInput{}); return err },
			"UnknownOperationException", "gateway service is not enabled"},
		{"ListPolicyEngines", func() error { _, err := c.ListPolicyEngines(ctx, &ctl.ListPolicyEnginesInput{}); return err },
			"UnknownOperationException", "policy service is not enabled"},
		{"ListWorkloadIdentities", func() error { _, err := c.ListWorkloadIdentities(ctx, &ctl.ListWorkloadIdentitiesInput{}); return err },
			"ServiceException", "Identity service is not enabled"},
		{"ListAgentRuntimes", func() error { _, err := c.ListAgentRuntimes(ctx, &ctl.ListAgentRuntimesInput{}); return err },
			"UnknownOperationException", "Runtime service is not enabled"},
		{"ListCodeInterpreters", func() error { _, err := c.ListCodeInterpreters(ctx, &ctl.ListCodeInterpretersInput{}); return err },
			"UnknownOperationException", "Code Interpreter service is not enabled"},
		{"StartCodeInterpreterSession", func() error {
			_, err := d.StartCodeInterpreterSession(ctx, &bac.StartCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String("aws.codeinterpreter.v1")})
			return err
		}, "UnknownOperationException", "Code Interpreter service is not enabled"},
		{"ListBrowsers", func() error { _, err := c.ListBrowsers(ctx, &ctl.ListBrowsersInput{}); return err },
			"UnknownOperationException", "Browser service is not enabled"},
		{"StartBrowserSession", func() error {
			_, err := d.StartBrowserSession(ctx, &bac.StartBrowserSessionInput{BrowserIdentifier: aws.String("aws.browser.v1")})
			return err
		}, "UnknownOperationException", "Browser service is not enabled"},
		{"ListEvents", func() error {
			_, err := d.ListEvents(ctx, &bac.ListEventsInput{MemoryId: aws.String("m-1234567890"), ActorId: aws.String("a"), SessionId: aws.String("s")})
			return err
		}, "UnknownOperationException", "Memory service is not enabled"},
	}
	for _, tc := range cases {
		got, msg := code(tc.call())
		if got != tc.code || !strings.Contains(msg, tc.contains) {
			t.Errorf("%s: %s %q, want %s %q", tc.name, got, msg, tc.code, tc.contains)
		}
	}
	// Paths of no service, and the right path with the wrong method (no SDK
	// operation sends these).
	for _, rq := range []struct{ method, path, want string }{
		{"GET", "/nope", "no AgentCore operation matches GET /nope"},
		{"GET", "/memories/create", "method GET is not supported on /memories/create"},
		{"GET", "/_agentcore/observability/spans", "observability is not enabled"},
		{"POST", "/v1/traces", "no AgentCore operation matches"},
		{"GET", "/metrics", "no AgentCore operation matches"},
		{"GET", "/browser-streams/aws.browser.v1/sessions/S1/automation", "Browser service is not enabled"},
		{"GET", "/browser-streams/aws.browser.v1/sessions/S1/live-view/app.js", "Browser service is not enabled"},
	} {
		req, _ := http.NewRequest(rq.method, srv.URL+rq.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 404 || resp.Header.Get("X-Amzn-Errortype") != "UnknownOperationException" || !strings.Contains(string(b), rq.want) {
			t.Errorf("%s %s: %d %s %s", rq.method, rq.path, resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), b)
		}
	}
}
