package api_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not JSON: %q", body)
	}
	return m
}

func isNotFound(err error) bool {
	var nf *types.ResourceNotFoundException
	return errors.As(err, &nf)
}

func isValidation(err error) bool {
	var ve *types.ValidationException
	return errors.As(err, &ve)
}

func isRuntimeClientError(err error) bool {
	var rc *types.RuntimeClientError
	return errors.As(err, &rc)
}

// deployZip creates a PYTHON_3_11 runtime from an uploaded zip and waits for READY.
func deployZip(t *testing.T, e *testenv.Env, name, key string, entry ...string) string {
	t.Helper()
	out, err := e.Control.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String(name), RoleArn: aws.String(testenv.RoleArn),
		AgentRuntimeArtifact: testenv.CodeArtifact(&ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)}, testenv.PythonRuntime(), entry...),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitReady(t, *out.AgentRuntimeId, 2*time.Minute)
	return *out.AgentRuntimeArn
}
