package api_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestIsolatedAgents runs, under each isolating driver, a container-image Go
// agent and a Python code-zip agent built on the real bedrock-agentcore SDK
// (plain app.run() on 8080), shows networkMode PUBLIC egress to a server the
// test runs outside the sandbox, and that /tmp does not survive
// StopRuntimeSession.
func TestIsolatedAgents(t *testing.T) {
	for _, driver := range []string{"linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) {
			testenv.RequireImageDriver(t, driver)
			outside := testenv.OutsideHost(t)
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			e := testenv.Start(t, cfg)
			t.Run("ContainerGoAgent", func(t *testing.T) { isolatedGoImage(t, e, outside) })
			t.Run("PythonSDKCodeZip", func(t *testing.T) {
				if testing.Short() {
					t.Skip("-short: skipping the pip install of bedrock-agentcore")
				}
				isolatedPython(t, e, outside)
			})
		})
	}
}

func isolatedGoImage(t *testing.T, e *testenv.Env, outside string) {
	reg := testenv.StartRegistry(t)
	ref := reg.PushTestAgent(t, "agents/testagent:v1")
	out, err := e.Control.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String("iso_image"), RoleArn: aws.String(testenv.RoleArn),
		AgentRuntimeArtifact: &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String(ref)}},
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitReady(t, *out.AgentRuntimeId, 2*time.Minute)
	arn, s := *out.AgentRuntimeArn, testenv.SessionID("iso-go")
	m := e.InvokeJSON(t, arn, s, map[string]any{"action": "fetch", "url": outside})
	if body, _ := m["body"].(string); !strings.HasPrefix(body, "outside-ok") {
		t.Fatalf("PUBLIC egress from the container agent failed: %v", m)
	}
	e.InvokeJSON(t, arn, s, map[string]any{"action": "writefile", "path": "/tmp/marker", "data": "left"})
	if m := e.InvokeJSON(t, arn, s, map[string]any{"action": "readfile", "path": "/tmp/marker"}); m["data"] != "left" {
		t.Fatalf("the session lost its own /tmp file: %v", m)
	}
	stop(t, e, arn, s)
	if m := e.InvokeJSON(t, arn, s, map[string]any{"action": "readfile", "path": "/tmp/marker"}); m["data"] == "left" {
		t.Fatalf("/tmp survived StopRuntimeSession: %v", m)
	}
}

func stop(t *testing.T, e *testenv.Env, arn, s string) {
	t.Helper()
	if _, err := e.Data.StopRuntimeSession(bg, &bedrockagentcore.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s)}); err != nil {
		t.Fatal(err)
	}
}

func isolatedPython(t *testing.T, e *testenv.Env, outside string) {
	files := map[string][]byte{}
	for _, name := range []string{"agent.py", "requirements.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "pyfetch", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	key := "pyfetch-" + e.Config.Sandbox + ".zip"
	e.Upload(t, "agents", key, testenv.Zip(t, files))
	out, err := e.Control.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String("iso_python"), RoleArn: aws.String(testenv.RoleArn),
		AgentRuntimeArtifact: testenv.CodeArtifact(&ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)}, testenv.PythonRuntime(), "agent.py"),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitReady(t, *out.AgentRuntimeId, 5*time.Minute)
	arn, s := *out.AgentRuntimeArn, testenv.SessionID("iso-py")
	m := e.InvokeJSON(t, arn, s, map[string]any{})
	// Root of its own user namespace is fine (linuxns), the host's root not.
	if uid, _ := m["hostUid"].(float64); uid == 0 || m["sessionId"] != s {
		t.Fatalf("python agent: %v (it must not run as the host's root)", m)
	}
	m = e.InvokeJSON(t, arn, s, map[string]any{"url": outside})
	if body, _ := m["body"].(string); !strings.HasPrefix(body, "outside-ok") {
		t.Fatalf("PUBLIC egress from the Python agent failed: %v", m)
	}
	e.InvokeJSON(t, arn, s, map[string]any{"write": "left"})
	stop(t, e, arn, s)
	if m := e.InvokeJSON(t, arn, s, map[string]any{"read": true}); m["data"] != nil {
		t.Fatalf("/tmp survived StopRuntimeSession: %v", m)
	}
}
