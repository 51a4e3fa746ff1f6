package api_test

import (
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestRestart: runtimes, versions, endpoints and tags survive a server
// restart on the same data directory and stay invocable.
func TestRestart(t *testing.T) {
	cfg := testenv.Fast()
	cfg.DataDir = t.TempDir()
	e := testenv.Start(t, cfg)
	a := e.Deploy(t, "survivor_a", func(in *ctl.CreateAgentRuntimeInput) { in.Tags = map[string]string{"keep": "me"} })
	b := e.Deploy(t, "survivor_b", nil)
	if _, err := e.Control.CreateAgentRuntimeEndpoint(bg, &ctl.CreateAgentRuntimeEndpointInput{AgentRuntimeId: b.AgentRuntimeId, Name: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	e.InvokeJSON(t, *a.AgentRuntimeArn, testenv.SessionID("pre"), map[string]any{"action": "count"})
	e.Stop()

	e2 := testenv.Start(t, cfg)
	list, err := e2.Control.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{})
	if err != nil || len(list.AgentRuntimes) != 2 {
		t.Fatalf("after restart: %+v %v", list, err)
	}
	for _, rt := range list.AgentRuntimes {
		if rt.Status != ctltypes.AgentRuntimeStatusReady {
			t.Fatalf("%s is %s after restart", *rt.AgentRuntimeName, rt.Status)
		}
	}
	tags, _ := e2.Control.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: a.AgentRuntimeArn})
	if tags.Tags["keep"] != "me" {
		t.Fatalf("tags lost: %v", tags.Tags)
	}
	ep, err := e2.Control.GetAgentRuntimeEndpoint(bg, &ctl.GetAgentRuntimeEndpointInput{AgentRuntimeId: b.AgentRuntimeId, EndpointName: aws.String("prod")})
	if err != nil || ep.Status != ctltypes.AgentRuntimeEndpointStatusReady {
		t.Fatalf("endpoint after restart: %+v %v", ep, err)
	}
	// Sessions do not survive the process that hosted them: a fresh environment.
	if m := e2.InvokeJSON(t, *a.AgentRuntimeArn, testenv.SessionID("pre"), map[string]any{"action": "count"}); m["count"].(float64) != 1 {
		t.Fatalf("invoke after restart: %v", m)
	}
	_, body, err := e2.Invoke(bg, *b.AgentRuntimeArn, testenv.SessionID("prod"), map[string]any{}, "prod")
	if err != nil || len(body) == 0 {
		t.Fatalf("invoke prod endpoint after restart: %v", err)
	}
	// Updates still work and make version 2.
	cur, _ := e2.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: b.AgentRuntimeId})
	up, err := e2.Control.UpdateAgentRuntime(bg, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: b.AgentRuntimeId, AgentRuntimeArtifact: cur.AgentRuntimeArtifact, RoleArn: cur.RoleArn, NetworkConfiguration: cur.NetworkConfiguration})
	if err != nil || *up.AgentRuntimeVersion != "2" {
		t.Fatalf("update after restart: %v", err)
	}
	e2.WaitReady(t, *b.AgentRuntimeId, time.Minute)
}
