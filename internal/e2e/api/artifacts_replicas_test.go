package api_test

import (
	"io"
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

// TestArtifactsTwoReplicas: two servers on one PostgreSQL with the default
// artifact store (postgres). A runtime created and uploaded through A starts
// sessions on B (B unpacks its own copy of the bundle from the shared
// store), and a new version made through A from a zip uploaded through B
// runs on B too. The control: with --artifact-store dir the same
// invocation on B fails, as it did before the store was shared.
func TestArtifactsTwoReplicas(t *testing.T) {
	pg := testenv.Postgres(t, "e2e_artrep")
	replica := func(store string) *testenv.Env {
		cfg := testenv.Fast()
		cfg.Database, cfg.ArtifactStore = pg.DSN, store
		return testenv.Start(t, cfg)
	}
	a, b := replica(""), replica("")
	rt := a.Deploy(t, "sharedart", nil)
	arn := *rt.AgentRuntimeArn
	invoke := func(e *testenv.Env, session, payload string) (map[string]any, error) {
		out, err := e.Data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: aws.String(arn),
			RuntimeSessionId: aws.String(session), Payload: []byte(payload), ContentType: aws.String("application/json")})
		if err != nil {
			return nil, err
		}
		defer out.Response.Close()
		body, err := io.ReadAll(out.Response)
		if err != nil {
			return nil, err
		}
		return decode(t, body), nil
	}
	s1 := strings.Repeat("b", 40)
	m, err := invoke(b, s1, `{"n":1}`)
	if err != nil {
		t.Fatalf("invoking through B a runtime uploaded and created through A: %v", err)
	}
	if m["sessionId"] != s1 {
		t.Fatalf("agent answered %v", m)
	}
	bundle := filepath.Join(b.DataDir, "bundles", "123456789012", *rt.AgentRuntimeId, "1", "bootstrap")
	if _, err := os.Stat(bundle); err != nil {
		t.Fatalf("B hosts the session from its own bundle: %v", err)
	}

	// Version 2: the zip uploaded through B, the update made through A.
	bin, err := os.ReadFile(testenv.BuildGo(t, "internal/testagent"))
	if err != nil {
		t.Fatal(err)
	}
	b.Upload(t, "agents", "v2/agent.zip", testenv.Zip(t, map[string][]byte{"bootstrap": bin}, "bootstrap"))
	got, err := a.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: rt.AgentRuntimeId})
	if err != nil {
		t.Fatal(err)
	}
	loc := &ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String("v2/agent.zip")}
	if _, err := a.Control.UpdateAgentRuntime(bg, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: rt.AgentRuntimeId, RoleArn: got.RoleArn,
		AgentRuntimeArtifact: testenv.CodeArtifact(loc, ctltypes.AgentManagedRuntimeTypePython312, "bootstrap"),
		NetworkConfiguration: got.NetworkConfiguration, EnvironmentVariables: map[string]string{"MARK": "two"}}); err != nil {
		t.Fatal(err)
	}
	a.WaitReady(t, *rt.AgentRuntimeId, time.Minute)
	m, err = invoke(b, strings.Repeat("c", 40), `{"envKeys":["MARK"]}`)
	if err != nil {
		t.Fatalf("version 2 through B: %v", err)
	}
	if env, _ := m["env"].(map[string]any); env["MARK"] != "two" {
		t.Fatalf("version 2 through B runs %v", m["env"])
	}

	// The control: replicas keeping artifacts in their own directories.
	c, d := replica("dir"), replica("dir")
	rt2 := c.Deploy(t, "localart", nil)
	arn = *rt2.AgentRuntimeArn
	if _, err := invoke(d, strings.Repeat("d", 40), `{}`); err == nil {
		t.Fatal("a replica without the uploader's --data-dir started the runtime: the control does not show the problem")
	}
}
