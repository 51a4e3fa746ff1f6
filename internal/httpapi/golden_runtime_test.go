package httpapi_test

import (
	"io"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

func goldenRuntime(t *testing.T, g *golden) {
	g.t = t
	c := g.Control
	loc := g.e.TestAgentZip(t)
	g.name(*loc.Prefix, "<zip>")
	var id string
	var created *ctl.CreateAgentRuntimeOutput
	g.check("Runtime", "CreateAgentRuntime", "ok", func() error {
		var err error
		created, err = c.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{
			AgentRuntimeName:     aws.String("golden_agent"),
			AgentRuntimeArtifact: testenv.CodeArtifact(loc, ctltypes.AgentManagedRuntimeTypePython312, "bootstrap"),
			RoleArn:              aws.String(testenv.RoleArn),
			NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
			Description:          aws.String("golden"),
			EnvironmentVariables: map[string]string{"MODE": "one"},
			Tags:                 map[string]string{"team": "core"},
		})
		must(t, "CreateAgentRuntime", err)
		id = *created.AgentRuntimeId
		g.name(id, "<runtimeId>")
		g.name(*created.WorkloadIdentityDetails.WorkloadIdentityArn, "<workloadArn>")
		return err
	})
	g.e.WaitReady(t, id, 3*time.Minute)
	g.check("Runtime", "GetAgentRuntime", "ok", func() error {
		_, err := c.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: &id})
		must(t, "GetAgentRuntime", err)
		return nil
	})
	g.check("Runtime", "GetAgentRuntime", "not_found", func() error {
		_, err := c.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String("nope-0123456789")})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("Runtime", "UpdateAgentRuntime", "ok", func() error {
		_, err := c.UpdateAgentRuntime(bg, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: &id,
			AgentRuntimeArtifact: testenv.CodeArtifact(loc, ctltypes.AgentManagedRuntimeTypePython312, "bootstrap"),
			RoleArn:              aws.String(testenv.RoleArn),
			NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
		})
		must(t, "UpdateAgentRuntime", err)
		return nil
	})
	g.e.WaitReady(t, id, 3*time.Minute)
	g.check("Runtime", "ListAgentRuntimeVersions", "page1", func() error {
		out, err := c.ListAgentRuntimeVersions(bg, &ctl.ListAgentRuntimeVersionsInput{AgentRuntimeId: &id, MaxResults: aws.Int32(1)})
		must(t, "ListAgentRuntimeVersions", err)
		if out.NextToken == nil {
			t.Fatal("no nextToken with two versions and maxResults 1")
		}
		g.name(*out.NextToken, "<nextToken>")
		return nil
	})
	g.check("Runtime", "ListAgentRuntimes", "ok", func() error {
		_, err := c.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{})
		must(t, "ListAgentRuntimes", err)
		return nil
	})
	g.check("Runtime", "ListAgentRuntimes", "bad_max_results", func() error {
		_, err := c.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{MaxResults: aws.Int32(1000)})
		wantCode(t, err, "ValidationException")
		return nil
	})
	arn := *created.AgentRuntimeArn
	session := "golden-session-0123456789-0123456789-0123456789"
	invoke := func(payload string) (*dp.InvokeAgentRuntimeOutput, error) {
		out, err := g.Data.InvokeAgentRuntime(bg, &dp.InvokeAgentRuntimeInput{AgentRuntimeArn: &arn, RuntimeSessionId: &session,
			Payload: []byte(payload), ContentType: aws.String("application/json")})
		if err == nil {
			_, err = io.ReadAll(out.Response)
			out.Response.Close()
		}
		return out, err
	}
	// Streaming and plain answers of the data plane (served by the runtime
	// side, pinned here so the edge keeps them).
	g.check("Runtime", "InvokeAgentRuntime", "json", func() error {
		_, err := invoke(`{"action":"sleep","ms":1}`)
		must(t, "InvokeAgentRuntime", err)
		return nil
	})
	g.scrubbing(`\\?"t\\?":\d+`, `"t":"<nanos>"`)
	g.check("Runtime", "InvokeAgentRuntime", "stream", func() error {
		_, err := invoke(`{"action":"stream","n":3,"delayMs":0}`)
		must(t, "InvokeAgentRuntime stream", err)
		return nil
	})
	g.check("Runtime", "InvokeAgentRuntime", "agent_error", func() error {
		_, err := invoke(`{"action":"error","status":400}`)
		if err == nil {
			t.Fatal("agent error answered as success")
		}
		return nil
	})
	// InvokeAgentRuntimeCommand: the AWS event stream (chunk events:
	// contentStart, contentDelta, contentStop with the exit code).
	cmdSession := "golden-command-0123456789-0123456789-0123456789"
	command := func(cmd string) error {
		out, err := g.Data.InvokeAgentRuntimeCommand(bg, &dp.InvokeAgentRuntimeCommandInput{AgentRuntimeArn: &arn,
			RuntimeSessionId: &cmdSession, Body: &dptypes.InvokeAgentRuntimeCommandRequestBody{Command: aws.String(cmd), Timeout: aws.Int32(30)}})
		if err != nil {
			return err
		}
		defer out.GetStream().Close()
		for range out.GetStream().Events() {
		}
		return out.GetStream().Err()
	}
	g.check("Runtime", "InvokeAgentRuntimeCommand", "stream", func() error {
		must(t, "InvokeAgentRuntimeCommand", command(`printf 'hello\n'; exit 3`))
		return nil
	})
	g.check("Runtime", "InvokeAgentRuntimeCommand", "empty_command", func() error {
		wantCode(t, command(""), "ValidationException")
		return nil
	})
	g.check("Runtime", "StopRuntimeSession", "ok", func() error {
		_, err := g.Data.StopRuntimeSession(bg, &dp.StopRuntimeSessionInput{AgentRuntimeArn: &arn, RuntimeSessionId: &session})
		must(t, "StopRuntimeSession", err)
		return nil
	})
	g.check("Runtime", "CreateAgentRuntimeEndpoint", "ok", func() error {
		out, err := c.CreateAgentRuntimeEndpoint(bg, &ctl.CreateAgentRuntimeEndpointInput{AgentRuntimeId: &id, Name: aws.String("prod"),
			AgentRuntimeVersion: aws.String("1"), Description: aws.String("pinned"), Tags: map[string]string{"env": "prod"}})
		must(t, "CreateAgentRuntimeEndpoint", err)
		g.name(*out.AgentRuntimeEndpointArn, "<endpointArn>")
		return nil
	})
	g.check("Runtime", "GetAgentRuntimeEndpoint", "ok", func() error {
		out, err := c.GetAgentRuntimeEndpoint(bg, &ctl.GetAgentRuntimeEndpointInput{AgentRuntimeId: &id, EndpointName: aws.String("prod")})
		must(t, "GetAgentRuntimeEndpoint", err)
		g.name(*out.Id, "<endpointId>")
		return nil
	})
	g.check("Runtime", "UpdateAgentRuntimeEndpoint", "ok", func() error {
		_, err := c.UpdateAgentRuntimeEndpoint(bg, &ctl.UpdateAgentRuntimeEndpointInput{AgentRuntimeId: &id, EndpointName: aws.String("prod"),
			AgentRuntimeVersion: aws.String("2")})
		must(t, "UpdateAgentRuntimeEndpoint", err)
		return nil
	})
	g.check("Runtime", "ListAgentRuntimeEndpoints", "ok", func() error {
		_, err := c.ListAgentRuntimeEndpoints(bg, &ctl.ListAgentRuntimeEndpointsInput{AgentRuntimeId: &id})
		must(t, "ListAgentRuntimeEndpoints", err)
		return nil
	})
	g.check("Tagging", "TagResource", "ok", func() error {
		_, err := c.TagResource(bg, &ctl.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"owner": "me"}})
		must(t, "TagResource", err)
		return nil
	})
	g.check("Tagging", "UntagResource", "ok", func() error {
		_, err := c.UntagResource(bg, &ctl.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"team"}})
		must(t, "UntagResource", err)
		return nil
	})
	g.check("Tagging", "ListTagsForResource", "ok", func() error {
		_, err := c.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: &arn})
		must(t, "ListTagsForResource", err)
		return nil
	})
	g.check("Runtime", "DeleteAgentRuntimeEndpoint", "ok", func() error {
		_, err := c.DeleteAgentRuntimeEndpoint(bg, &ctl.DeleteAgentRuntimeEndpointInput{AgentRuntimeId: &id, EndpointName: aws.String("prod")})
		must(t, "DeleteAgentRuntimeEndpoint", err)
		return nil
	})
	g.check("Runtime", "DeleteAgentRuntime", "ok", func() error {
		_, err := c.DeleteAgentRuntime(bg, &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: &id})
		must(t, "DeleteAgentRuntime", err)
		return nil
	})
}
