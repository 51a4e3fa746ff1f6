package api_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func init() { testenv.RegisterHostImageDriver() }

func containerArt(uri string) ctltypes.AgentRuntimeArtifact {
	return &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String(uri)}}
}

// waitSettled polls until the runtime leaves CREATING/UPDATING.
func waitSettled(t *testing.T, e *testenv.Env, id string) *ctl.GetAgentRuntimeOutput {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		out, err := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if s := out.Status; s != ctltypes.AgentRuntimeStatusCreating && s != ctltypes.AgentRuntimeStatusUpdating {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("runtime %s still %s", id, out.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestContainerImageNeedsIsolatingDriver(t *testing.T) {
	e := testenv.Start(t, testenv.Fast()) // process driver
	reg := testenv.StartRegistry(t)
	ref := reg.PushTestAgent(t, "agents/testagent:v1")
	cases := []struct{ uri, want string }{
		{ref, "isolating sandbox"},
		{"Not A Valid/Reference", "containerUri"},
		{reg.Host + "/agents/testagent:bad tag", "containerUri"},
	}
	for _, c := range cases {
		_, err := e.Control.CreateAgentRuntime(bg, createIn("img", containerArt(c.uri)))
		var ve *ctltypes.ValidationException
		if !errors.As(err, &ve) || !strings.Contains(aws.ToString(ve.Message), c.want) {
			t.Errorf("%q: want ValidationException mentioning %q, got %v", c.uri, c.want, err)
		}
	}
	if list, err := e.Control.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{}); err != nil || len(list.AgentRuntimes) != 0 {
		t.Fatalf("runtimes after rejected creates: %+v %v", list, err)
	}
}

// TestContainerImage runs the Go test agent from an image served by an
// in-test registry under each image-capable driver: the isolating ones
// when this build and host have them, and the test-only host driver that
// checks the runtime's plumbing everywhere.
func TestContainerImage(t *testing.T) {
	for _, driver := range []string{"linuxns", "gvisor", testenv.HostImageDriver} {
		t.Run(driver, func(t *testing.T) {
			testenv.RequireImageDriver(t, driver)
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			testImages(t, testenv.Start(t, cfg))
		})
	}
}

func testImages(t *testing.T, e *testenv.Env) {
	reg := testenv.StartRegistry(t)
	ref := reg.PushTestAgent(t, "agents/testagent:v1")
	in := createIn("imgagent", containerArt(ref))
	in.EnvironmentVariables = map[string]string{"OVERRIDDEN": "runtime", "FROM_RUNTIME": "1"}
	out, err := e.Control.CreateAgentRuntime(bg, in)
	if err != nil {
		t.Fatalf("CreateAgentRuntime: %v", err)
	}
	got := e.WaitReady(t, *out.AgentRuntimeId, 2*time.Minute)
	if c, ok := got.AgentRuntimeArtifact.(*ctltypes.AgentRuntimeArtifactMemberContainerConfiguration); !ok || aws.ToString(c.Value.ContainerUri) != ref {
		t.Fatalf("artifact %#v", got.AgentRuntimeArtifact)
	}
	arn, sess := *out.AgentRuntimeArn, testenv.SessionID("image")
	m := e.InvokeJSON(t, arn, sess, map[string]any{"envKeys": []string{"TESTAGENT_IMAGE", "OVERRIDDEN", "FROM_RUNTIME", "PATH"}})
	env, _ := m["env"].(map[string]any)
	if m["count"] != 1.0 || env["TESTAGENT_IMAGE"] != "yes" || env["OVERRIDDEN"] != "runtime" || env["FROM_RUNTIME"] != "1" ||
		env["PATH"] != "/app:/usr/bin:/bin" || env["DOCKER_CONTAINER"] != "1" {
		t.Fatalf("first invocation: %v", m)
	}
	if m := e.InvokeJSON(t, arn, sess, map[string]any{"action": "count"}); m["count"] != 2.0 {
		t.Fatalf("second invocation: %v", m)
	}

	// Bad images fail the deployment with the reason, never hang.
	noEntry := reg.Push(t, "agents/noentry:v1", testenv.NewImage(t, v1.Config{Env: []string{"A=1"}},
		testenv.Layer(t, testenv.TarEntry{Name: "app/data", Body: "x"})))
	bad := []struct{ name, uri, want string }{
		{"imgunknown", reg.Host + "/agents/nosuch:v1", "cannot pull image " + reg.Host + "/agents/nosuch:v1: "},
		{"imgnotag", reg.Host + "/agents/testagent:v9", "MANIFEST_UNKNOWN"},
		{"imgnoentry", noEntry, "image " + noEntry + " has no entrypoint or cmd"},
		{"imgunreachable", "127.0.0.1:1/agents/testagent:v1", "cannot pull image 127.0.0.1:1/agents/testagent:v1: "},
	}
	for _, c := range bad {
		out, err := e.Control.CreateAgentRuntime(bg, createIn(c.name, containerArt(c.uri)))
		if err != nil {
			t.Fatalf("%s: CreateAgentRuntime: %v", c.name, err)
		}
		got := waitSettled(t, e, *out.AgentRuntimeId)
		t.Logf("%s: %s: %s", c.name, got.Status, aws.ToString(got.FailureReason))
		if got.Status != ctltypes.AgentRuntimeStatusCreateFailed || !strings.Contains(aws.ToString(got.FailureReason), c.want) {
			t.Errorf("%s: status %s reason %q, want CREATE_FAILED with %q", c.name, got.Status, aws.ToString(got.FailureReason), c.want)
		}
		if _, _, err := e.Invoke(bg, *out.AgentRuntimeArn, testenv.SessionID("bad"), map[string]any{}, ""); err == nil ||
			!strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: invoking a failed runtime: %v, want the failure reason", c.name, err)
		}
	}

	// A failed update keeps the DEFAULT endpoint on the working version.
	_, err = e.Control.UpdateAgentRuntime(bg, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: out.AgentRuntimeId,
		AgentRuntimeArtifact: containerArt(reg.Host + "/agents/nosuch:v2"), RoleArn: aws.String(testenv.RoleArn),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic}})
	if err != nil {
		t.Fatal(err)
	}
	if got := waitSettled(t, e, *out.AgentRuntimeId); got.Status != ctltypes.AgentRuntimeStatusUpdateFailed ||
		!strings.Contains(aws.ToString(got.FailureReason), "cannot pull image") {
		t.Fatalf("update to a missing image: %s %q", got.Status, aws.ToString(got.FailureReason))
	}
	if m := e.InvokeJSON(t, arn, sess, map[string]any{"action": "count"}); m["count"] != 3.0 {
		t.Fatalf("invocation after failed update: %v", m)
	}
}
