package api_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

func createIn(name string, art ctltypes.AgentRuntimeArtifact) *ctl.CreateAgentRuntimeInput {
	return &ctl.CreateAgentRuntimeInput{AgentRuntimeName: aws.String(name), RoleArn: aws.String(testenv.RoleArn), AgentRuntimeArtifact: art,
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic}}
}

func TestCreateBadInput(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	good := e.TestAgentZip(t)
	e.Upload(t, "agents", "notazip.zip", []byte("this is not a zip file"))
	e.Upload(t, "agents", "noentry.zip", testenv.Zip(t, map[string][]byte{"other.py": []byte("print(1)")}))
	art := func(loc *ctltypes.S3Location, rt ctltypes.AgentManagedRuntimeType, entry ...string) ctltypes.AgentRuntimeArtifact {
		return testenv.CodeArtifact(loc, rt, entry...)
	}
	loc := func(key string) *ctltypes.S3Location {
		return &ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)}
	}
	py := ctltypes.AgentManagedRuntimeTypePython312
	cases := []struct {
		name string
		in   *ctl.CreateAgentRuntimeInput
		want string // substring of the message
	}{
		{"name starts with digit", createIn("1bad", art(good, py, "bootstrap")), "agentRuntimeName"},
		{"name with dash", createIn("bad-name", art(good, py, "bootstrap")), "agentRuntimeName"},
		{"name too long", createIn(strings.Repeat("a", 49), art(good, py, "bootstrap")), "agentRuntimeName"},
		{"not a zip", createIn("notzip", art(loc("notazip.zip"), py, "agent.py")), "not a valid zip"},
		{"missing entry point", createIn("noentry", art(loc("noentry.zip"), py, "agent.py")), "entry point"},
		{"missing artifact", createIn("missing", art(loc("nothing.zip"), py, "agent.py")), "does not exist"},
		{"bad runtime", createIn("badrt", art(good, "COBOL_85", "bootstrap")), "runtime"},
		{"bad role", func() *ctl.CreateAgentRuntimeInput {
			in := createIn("badrole", art(good, py, "bootstrap"))
			in.RoleArn = aws.String("not-a-role")
			return in
		}(), "roleArn"},
		{"idle timeout too small", func() *ctl.CreateAgentRuntimeInput {
			in := createIn("badidle", art(good, py, "bootstrap"))
			in.LifecycleConfiguration = &ctltypes.LifecycleConfiguration{IdleRuntimeSessionTimeout: aws.Int32(5)}
			return in
		}(), "idleRuntimeSessionTimeout"},
		{"restricted header", func() *ctl.CreateAgentRuntimeInput {
			in := createIn("badhdr", art(good, py, "bootstrap"))
			in.RequestHeaderConfiguration = &ctltypes.RequestHeaderConfigurationMemberRequestHeaderAllowlist{Value: []string{"Host"}}
			return in
		}(), "may not be allow-listed"},
		{"container on process driver", createIn("container", &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{
			Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/agent:latest")}}), "isolating sandbox"},
	}
	for _, c := range cases {
		_, err := e.Control.CreateAgentRuntime(bg, c.in)
		var ve *ctltypes.ValidationException
		if !errors.As(err, &ve) || !strings.Contains(aws.ToString(ve.Message), c.want) {
			t.Errorf("%s: want ValidationException mentioning %q, got %v", c.name, c.want, err)
		}
	}
	// Nothing half-created is left behind.
	list, err := e.Control.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{})
	if err != nil || len(list.AgentRuntimes) != 0 {
		t.Fatalf("runtimes after failed creates: %+v %v", list, err)
	}
	var nf *ctltypes.ResourceNotFoundException
	for _, id := range []string{"nosuch-0123456789"} {
		if _, err := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)}); !errors.As(err, &nf) {
			t.Errorf("get %s: %v", id, err)
		}
		if _, err := e.Control.DeleteAgentRuntime(bg, &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: aws.String(id)}); !errors.As(err, &nf) {
			t.Errorf("delete %s: %v", id, err)
		}
		if _, err := e.Control.ListAgentRuntimeEndpoints(bg, &ctl.ListAgentRuntimeEndpointsInput{AgentRuntimeId: aws.String(id)}); !errors.As(err, &nf) {
			t.Errorf("list endpoints %s: %v", id, err)
		}
	}
	var ve *ctltypes.ValidationException
	if _, err := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String("bad id!")}); !errors.As(err, &ve) {
		t.Errorf("get malformed id: %v", err)
	}
	if _, err := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String("nosuch-0123456789"), AgentRuntimeVersion: aws.String("0")}); !errors.As(err, &ve) {
		t.Errorf("get version 0: %v", err)
	}
	if _, err := e.Control.TagResource(bg, &ctl.TagResourceInput{ResourceArn: aws.String("arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/nosuch-0123456789"), Tags: map[string]string{"a": "b"}}); !errors.As(err, &nf) {
		t.Errorf("tag unknown resource: %v", err)
	}
	if _, err := e.Control.TagResource(bg, &ctl.TagResourceInput{ResourceArn: aws.String("not an arn at all, really"), Tags: map[string]string{"a": "b"}}); !errors.As(err, &ve) {
		t.Errorf("tag bad arn: %v", err)
	}
}

// rawCall sends a hand-made request for cases no SDK can produce (broken
// JSON, wrong member types, unknown operations).
func rawCall(t *testing.T, e *testenv.Env, method, path, body string) (int, string, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	testenv.Sign(req, []byte(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	return resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), m
}

func TestMalformedRequests(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	cases := []struct {
		method, path, body string
		status             int
		typ, reason        string
	}{
		{"PUT", "/runtimes/", `{"agentRuntimeName": "x",`, 400, "ValidationException", "CannotParse"},
		{"PUT", "/runtimes/", `{"agentRuntimeName": 42, "roleArn": "arn:aws:iam::123456789012:role/r"}`, 400, "ValidationException", "CannotParse"},
		{"PUT", "/runtimes/", `{"agentRuntimeName": "ok", "roleArn": "arn:aws:iam::123456789012:role/r", "environmentVariables": ["a"]}`, 400, "ValidationException", "CannotParse"},
		{"PUT", "/runtimes/", `{"roleArn": "arn:aws:iam::123456789012:role/r"}`, 400, "ValidationException", "FieldValidationFailed"},
		{"GET", "/no/such/operation", ``, 404, "UnknownOperationException", ""},
		{"PATCH", "/runtimes/", ``, 404, "UnknownOperationException", ""},
		{"POST", "/runtimes/?maxResults=abc", ``, 400, "ValidationException", "FieldValidationFailed"},
	}
	for _, c := range cases {
		status, typ, body := rawCall(t, e, c.method, c.path, c.body)
		if status != c.status || typ != c.typ || body["__type"] != c.typ || body["message"] == "" {
			t.Errorf("%s %s %s: got %d %s %v", c.method, c.path, c.body, status, typ, body)
		}
		if c.reason != "" && body["reason"] != c.reason {
			t.Errorf("%s %s: reason %v, want %s", c.method, c.path, body["reason"], c.reason)
		}
	}
	list, _ := e.Control.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{})
	if len(list.AgentRuntimes) != 0 {
		t.Fatalf("malformed requests created runtimes: %+v", list.AgentRuntimes)
	}
}
