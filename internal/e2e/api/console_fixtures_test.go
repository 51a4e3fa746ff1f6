package api_test

import (
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// consoleData is what one account owns in the console tests.
type consoleData struct {
	Runtime, RuntimeArn string
	Memory, MemoryArn   string
	Gateway, GatewayArn string
	Engine, EngineArn   string
	Record              string // a memory record's text
}

// as is the environment with SDK clients of one account (so the shared
// helpers create resources in that account).
func (e *consoleEnv) as(acct string) *testenv.Env {
	env := *e.Env
	env.Control, env.Data = e.CtlB, e.DataB
	if acct == consoleAcctA {
		env.Control, env.Data = e.CtlA, e.DataA
	}
	return &env
}

// seed creates, through the AWS SDK in account acct, a runtime, a memory
// with an event and a record, a gateway with an OpenAPI target on the
// petstore, and a policy engine. Names carry tag.
func (e *consoleEnv) seed(t *testing.T, acct, tag, petstoreBase string) consoleData {
	t.Helper()
	env := e.as(acct)
	var d consoleData
	env.Upload(t, "agents", tag+".zip", testenv.Zip(t, map[string][]byte{"main.py": []byte("print('hi')\n")}))
	rt, err := env.Control.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String(tag + "_agent"), RoleArn: aws.String(testenv.RoleArn),
		AgentRuntimeArtifact: testenv.CodeArtifact(&ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(tag + ".zip")}, testenv.PythonRuntime(), "main.py"),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
	})
	if err != nil {
		t.Fatalf("CreateAgentRuntime in %s: %v", acct, err)
	}
	d.Runtime, d.RuntimeArn = *rt.AgentRuntimeId, *rt.AgentRuntimeArn

	m := createMemory(t, env, tag+"_memory", semantic("facts"))
	d.Memory, d.MemoryArn = *m.Id, *m.Arn
	putEvent(t, env, d.Memory, tag+"-actor", tag+"-session", time.Now(), turn(dptypes.RoleUser, "hello from "+tag))
	d.Record = tag + " prefers green tea in the morning"
	if _, err := env.Data.BatchCreateMemoryRecords(bg, &dp.BatchCreateMemoryRecordsInput{MemoryId: m.Id,
		Records: []dptypes.MemoryRecordCreateInput{recordIn("r1", d.Record, "/facts/"+tag+"/")}}); err != nil {
		t.Fatal(err)
	}

	gw := createGateway(t, env, tag+"-gateway", nil)
	d.Gateway, d.GatewayArn = *gw.GatewayId, *gw.GatewayArn
	openAPITarget(t, env, d.Gateway, "pets", petstoreSpec(petstoreBase))

	pe := createEngine(t, env, tag+"_engine")
	d.Engine, d.EngineArn = *pe.PolicyEngineId, *pe.PolicyEngineArn
	return d
}
