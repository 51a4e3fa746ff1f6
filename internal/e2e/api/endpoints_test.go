package api_test

import (
	"errors"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// modeOf invokes and returns the agent's MODE environment variable, which
// differs per runtime version.
func modeOf(t *testing.T, e *testenv.Env, arn, qualifier, session string) string {
	t.Helper()
	_, body, err := e.Invoke(bg, arn, session, map[string]any{"envKeys": []string{"MODE"}}, qualifier)
	if err != nil {
		t.Fatalf("invoke %s: %v", qualifier, err)
	}
	m := decode(t, body)
	env, _ := m["env"].(map[string]any)
	mode, _ := env["MODE"].(string)
	return mode
}

func TestEndpointsFollowAndPin(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	rt := e.Deploy(t, "ep_agent", func(in *ctl.CreateAgentRuntimeInput) { in.EnvironmentVariables = map[string]string{"MODE": "v1"} })
	id, arn := rt.AgentRuntimeId, *rt.AgentRuntimeArn

	def, err := e.Control.GetAgentRuntimeEndpoint(bg, &ctl.GetAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("DEFAULT")})
	if err != nil || *def.LiveVersion != "1" || def.Status != ctltypes.AgentRuntimeEndpointStatusReady {
		t.Fatalf("DEFAULT: %+v %v", def, err)
	}
	if *def.AgentRuntimeEndpointArn != arn+"/runtime-endpoint/DEFAULT" || *def.AgentRuntimeArn != arn {
		t.Fatalf("DEFAULT arns: %s %s", *def.AgentRuntimeEndpointArn, *def.AgentRuntimeArn)
	}
	pin, err := e.Control.CreateAgentRuntimeEndpoint(bg, &ctl.CreateAgentRuntimeEndpointInput{
		AgentRuntimeId: id, Name: aws.String("stable"), AgentRuntimeVersion: aws.String("1"), Description: aws.String("pinned"),
	})
	if err != nil || *pin.TargetVersion != "1" || *pin.EndpointName != "stable" {
		t.Fatalf("create endpoint: %+v %v", pin, err)
	}
	var ce *ctltypes.ConflictException
	if _, err := e.Control.CreateAgentRuntimeEndpoint(bg, &ctl.CreateAgentRuntimeEndpointInput{AgentRuntimeId: id, Name: aws.String("stable")}); !errors.As(err, &ce) {
		t.Fatalf("duplicate endpoint: %v", err)
	}

	// Update to version 2: DEFAULT follows, "stable" keeps serving version 1.
	cur, _ := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: id})
	if _, err := e.Control.UpdateAgentRuntime(bg, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: id, AgentRuntimeArtifact: cur.AgentRuntimeArtifact,
		RoleArn: cur.RoleArn, NetworkConfiguration: cur.NetworkConfiguration, EnvironmentVariables: map[string]string{"MODE": "v2"}}); err != nil {
		t.Fatal(err)
	}
	e.WaitReady(t, *id, time.Minute)
	def, _ = e.Control.GetAgentRuntimeEndpoint(bg, &ctl.GetAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("DEFAULT")})
	if *def.LiveVersion != "2" || *def.TargetVersion != "2" {
		t.Fatalf("DEFAULT after update: live %s target %s", *def.LiveVersion, *def.TargetVersion)
	}
	if got := modeOf(t, e, arn, "", testenv.SessionID("def")); got != "v2" {
		t.Fatalf("DEFAULT serves %q, want v2", got)
	}
	if got := modeOf(t, e, arn, "stable", testenv.SessionID("stable")); got != "v1" {
		t.Fatalf("pinned endpoint serves %q, want v1", got)
	}
	if got := modeOf(t, e, arn+"/runtime-endpoint/stable", "", testenv.SessionID("eparn")); got != "v1" {
		t.Fatalf("endpoint ARN serves %q, want v1", got)
	}
	if got := modeOf(t, e, arn, "1", testenv.SessionID("numq")); got != "v1" {
		t.Fatalf("version qualifier serves %q, want v1", got)
	}

	// Repoint the pinned endpoint to version 2.
	upd, err := e.Control.UpdateAgentRuntimeEndpoint(bg, &ctl.UpdateAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("stable"), AgentRuntimeVersion: aws.String("2")})
	if err != nil || *upd.LiveVersion != "2" {
		t.Fatalf("update endpoint: %+v %v", upd, err)
	}
	if got := modeOf(t, e, arn, "stable", testenv.SessionID("stable2")); got != "v2" {
		t.Fatalf("repointed endpoint serves %q, want v2", got)
	}
	var ve *ctltypes.ValidationException
	if _, err := e.Control.UpdateAgentRuntimeEndpoint(bg, &ctl.UpdateAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("DEFAULT"), AgentRuntimeVersion: aws.String("1")}); !errors.As(err, &ve) {
		t.Fatalf("repoint DEFAULT: %v", err)
	}
	var nf *ctltypes.ResourceNotFoundException
	if _, err := e.Control.UpdateAgentRuntimeEndpoint(bg, &ctl.UpdateAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("stable"), AgentRuntimeVersion: aws.String("9")}); !errors.As(err, &nf) {
		t.Fatalf("repoint to missing version: %v", err)
	}

	list, err := e.Control.ListAgentRuntimeEndpoints(bg, &ctl.ListAgentRuntimeEndpointsInput{AgentRuntimeId: id})
	if err != nil || len(list.RuntimeEndpoints) != 2 {
		t.Fatalf("list endpoints: %+v %v", list, err)
	}
	pages := 0
	p := ctl.NewListAgentRuntimeEndpointsPaginator(e.Control, &ctl.ListAgentRuntimeEndpointsInput{AgentRuntimeId: id, MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		if _, err := p.NextPage(bg); err != nil {
			t.Fatal(err)
		}
		pages++
	}
	if pages != 2 {
		t.Fatalf("endpoint pages = %d", pages)
	}
	if _, err := e.Control.DeleteAgentRuntimeEndpoint(bg, &ctl.DeleteAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("DEFAULT")}); !errors.As(err, &ve) {
		t.Fatalf("delete DEFAULT: %v", err)
	}
	d, err := e.Control.DeleteAgentRuntimeEndpoint(bg, &ctl.DeleteAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("stable")})
	if err != nil || d.Status != ctltypes.AgentRuntimeEndpointStatusDeleting {
		t.Fatalf("delete endpoint: %+v %v", d, err)
	}
	if _, err := e.Control.GetAgentRuntimeEndpoint(bg, &ctl.GetAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("stable")}); !errors.As(err, &nf) {
		t.Fatalf("get deleted endpoint: %v", err)
	}
	if _, _, err := e.Invoke(bg, arn, testenv.SessionID("gone"), map[string]any{}, "stable"); !isNotFound(err) {
		t.Fatalf("invoke deleted endpoint: %v", err)
	}
}
