package api_test

import (
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/google/uuid"
)

// TestCodeInterpreterControlPlane: custom interpreters through the AWS SDK
// for Go v2: create with tags and kept members, get, list (type filter,
// pagination), idempotent create, typed errors, delete; the built-in is
// always there and cannot be deleted.
func TestCodeInterpreterControlPlane(t *testing.T) {
	e := ciServer(t, 0)
	c := e.Control

	b, err := c.GetCodeInterpreter(bg, &ctl.GetCodeInterpreterInput{CodeInterpreterId: aws.String(builtinCI)})
	if err != nil || aws.ToString(b.CodeInterpreterArn) != "arn:aws:bedrock-agentcore:us-east-1:aws:code-interpreter/aws.codeinterpreter.v1" ||
		b.Status != ctltypes.CodeInterpreterStatusReady || b.NetworkConfiguration.NetworkMode != ctltypes.CodeInterpreterNetworkModeSandbox {
		t.Fatalf("built-in: %+v %v", b, err)
	}
	if _, err := c.DeleteCodeInterpreter(bg, &ctl.DeleteCodeInterpreterInput{CodeInterpreterId: aws.String(builtinCI)}); apiCode(err) != "ValidationException" {
		t.Fatalf("deleting the built-in: %v", err)
	}

	token := strings.ReplaceAll(uuid.NewString(), "-", "") + "x"
	create := func(name string, mode ctltypes.CodeInterpreterNetworkMode) (*ctl.CreateCodeInterpreterOutput, error) {
		return c.CreateCodeInterpreter(bg, &ctl.CreateCodeInterpreterInput{Name: aws.String(name), Description: aws.String("data analysis"),
			ExecutionRoleArn:     aws.String("arn:aws:iam::123456789012:role/ci-role"),
			NetworkConfiguration: &ctltypes.CodeInterpreterNetworkConfiguration{NetworkMode: mode},
			Certificates: []ctltypes.Certificate{{Location: &ctltypes.CertificateLocationMemberSecretsManager{
				Value: ctltypes.SecretsManagerLocation{SecretArn: aws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:ca-AbCdEf")}}}},
			Tags: map[string]string{"team": "data"}, ClientToken: aws.String(token)})
	}
	out, err := create("analysis", ctltypes.CodeInterpreterNetworkModePublic)
	if err != nil {
		t.Fatal(err)
	}
	id, arn := aws.ToString(out.CodeInterpreterId), aws.ToString(out.CodeInterpreterArn)
	if !strings.HasPrefix(id, "analysis-") || len(id) != len("analysis-")+10 ||
		arn != "arn:aws:bedrock-agentcore:us-east-1:123456789012:code-interpreter-custom/"+id || out.Status != ctltypes.CodeInterpreterStatusReady {
		t.Fatalf("create: %+v", out)
	}
	if again, err := create("analysis", ctltypes.CodeInterpreterNetworkModePublic); err != nil || aws.ToString(again.CodeInterpreterId) != id {
		t.Fatalf("same clientToken: %v %v", again, err)
	}
	token = strings.ReplaceAll(uuid.NewString(), "-", "") + "y"
	if _, err := create("analysis", ctltypes.CodeInterpreterNetworkModeSandbox); apiCode(err) != "ConflictException" {
		t.Fatalf("duplicate name: %v", err)
	}
	got, err := c.GetCodeInterpreter(bg, &ctl.GetCodeInterpreterInput{CodeInterpreterId: aws.String(id)})
	if err != nil || aws.ToString(got.Name) != "analysis" || aws.ToString(got.Description) != "data analysis" ||
		aws.ToString(got.ExecutionRoleArn) != "arn:aws:iam::123456789012:role/ci-role" ||
		got.NetworkConfiguration.NetworkMode != ctltypes.CodeInterpreterNetworkModePublic || len(got.Certificates) != 1 {
		t.Fatalf("get: %+v %v", got, err)
	}
	sm, ok := got.Certificates[0].Location.(*ctltypes.CertificateLocationMemberSecretsManager)
	if !ok || !strings.HasSuffix(aws.ToString(sm.Value.SecretArn), ":secret:ca-AbCdEf") {
		t.Fatalf("certificates kept: %+v", got.Certificates[0])
	}
	tags, err := c.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || tags.Tags["team"] != "data" {
		t.Fatalf("tags: %v %v", tags, err)
	}
	if _, err := c.TagResource(bg, &ctl.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"env": "dev"}}); err != nil {
		t.Fatal(err)
	}

	// Bad input: typed ValidationExceptions.
	for name, in := range map[string]*ctl.CreateCodeInterpreterInput{
		"vpc": {Name: aws.String("v"), NetworkConfiguration: &ctltypes.CodeInterpreterNetworkConfiguration{NetworkMode: ctltypes.CodeInterpreterNetworkModeVpc,
			VpcConfig: &ctltypes.VpcConfig{SecurityGroups: []string{"sg-1"}, Subnets: []string{"subnet-1"}}}},
		"bad name":  {Name: aws.String("9lives"), NetworkConfiguration: &ctltypes.CodeInterpreterNetworkConfiguration{NetworkMode: ctltypes.CodeInterpreterNetworkModeSandbox}},
		"long name": {Name: aws.String(strings.Repeat("a", 49)), NetworkConfiguration: &ctltypes.CodeInterpreterNetworkConfiguration{NetworkMode: ctltypes.CodeInterpreterNetworkModeSandbox}},
		"bad mode":  {Name: aws.String("m"), NetworkConfiguration: &ctltypes.CodeInterpreterNetworkConfiguration{NetworkMode: "OPEN"}},
		"bad role": {Name: aws.String("r"), ExecutionRoleArn: aws.String("role"),
			NetworkConfiguration: &ctltypes.CodeInterpreterNetworkConfiguration{NetworkMode: ctltypes.CodeInterpreterNetworkModeSandbox}},
	} {
		if _, err := c.CreateCodeInterpreter(bg, in); apiCode(err) != "ValidationException" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := c.GetCodeInterpreter(bg, &ctl.GetCodeInterpreterInput{CodeInterpreterId: aws.String("nope-0123456789")}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("unknown: %v", err)
	}

	// List: SYSTEM first, then CUSTOM, one a page.
	second := ciCreate(t, c, "second", ctltypes.CodeInterpreterNetworkModeSandbox)
	var ids []string
	p := ctl.NewListCodeInterpretersPaginator(c, &ctl.ListCodeInterpretersInput{MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(bg)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.CodeInterpreterSummaries) > 1 {
			t.Fatalf("page of %d", len(page.CodeInterpreterSummaries))
		}
		for _, s := range page.CodeInterpreterSummaries {
			ids = append(ids, aws.ToString(s.CodeInterpreterId))
		}
	}
	if len(ids) != 3 || ids[0] != builtinCI {
		t.Fatalf("paged list: %v", ids)
	}
	for typ, want := range map[ctltypes.ResourceType]int{ctltypes.ResourceTypeSystem: 1, ctltypes.ResourceTypeCustom: 2} {
		l, err := c.ListCodeInterpreters(bg, &ctl.ListCodeInterpretersInput{Type: typ})
		if err != nil || len(l.CodeInterpreterSummaries) != want {
			t.Fatalf("type %s: %+v %v", typ, l, err)
		}
	}

	// Another account sees its own built-in and none of these.
	other := otherAccount(t, e)
	if l, err := other.ListCodeInterpreters(bg, &ctl.ListCodeInterpretersInput{}); err != nil || len(l.CodeInterpreterSummaries) != 1 {
		t.Fatalf("other account's list: %+v %v", l, err)
	}
	if _, err := other.GetCodeInterpreter(bg, &ctl.GetCodeInterpreterInput{CodeInterpreterId: aws.String(id)}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("other account's get: %v", err)
	}

	del, err := c.DeleteCodeInterpreter(bg, &ctl.DeleteCodeInterpreterInput{CodeInterpreterId: aws.String(id)})
	if err != nil || del.Status != ctltypes.CodeInterpreterStatusDeleting || aws.ToString(del.CodeInterpreterId) != id {
		t.Fatalf("delete: %+v %v", del, err)
	}
	if _, err := c.GetCodeInterpreter(bg, &ctl.GetCodeInterpreterInput{CodeInterpreterId: aws.String(id)}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("get after delete: %v", err)
	}
	if _, err := c.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: aws.String(arn)}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("tags after delete: %v", err)
	}
	if _, err := c.DeleteCodeInterpreter(bg, &ctl.DeleteCodeInterpreterInput{CodeInterpreterId: aws.String(id)}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("second delete: %v", err)
	}
	// The name is free again.
	if again := ciCreate(t, c, "analysis", ctltypes.CodeInterpreterNetworkModeSandbox); again == id || again == second {
		t.Fatalf("recreated with the same id %s", again)
	}
}

// otherAccount returns a control client of account 210987654321 (ciServer
// accepts its key).
func otherAccount(t *testing.T, e *testenv.Env) *ctl.Client {
	t.Helper()
	c, _ := testenv.ClientsWith(e.URL, otherKeyID, otherSecret)
	return c
}
