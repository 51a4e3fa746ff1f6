package api_test

import (
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestGatewaySchemasFromArtifactStore: OpenAPI documents and Lambda tool
// schemas are read from the artifact store's s3 locations; tool names that
// collide inside one target are a ValidationException.
func TestGatewaySchemasFromArtifactStore(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	ps := startPetstore(t)
	e.Upload(t, "specs", "petstore.json", []byte(petstoreSpec(ps.URL)))
	e.Upload(t, "specs", "tools.json", []byte(`[{"name":"ping","description":"Ping","inputSchema":{"type":"object"}}]`))
	e.Upload(t, "specs", "dup.json", []byte(`[{"name":"ping","description":"a","inputSchema":{"type":"object"}},{"name":"ping","description":"b","inputSchema":{"type":"object"}}]`))
	gw := createGateway(t, e, "s3specs", nil)
	_, err := e.Control.CreateGatewayTarget(bg, &ctl.CreateGatewayTargetInput{GatewayIdentifier: gw.GatewayId, Name: aws.String("pets"),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberOpenApiSchema{
			Value: &ctltypes.ApiSchemaConfigurationMemberS3{Value: ctltypes.S3Configuration{Uri: aws.String("s3://specs/petstore.json")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	lambda := func(name, uri string) error {
		_, err := e.Control.CreateGatewayTarget(bg, &ctl.CreateGatewayTargetInput{GatewayIdentifier: gw.GatewayId, Name: aws.String(name),
			TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberLambda{Value: ctltypes.McpLambdaTargetConfiguration{
				LambdaArn: aws.String(lambdaArn("fn")), ToolSchema: &ctltypes.ToolSchemaMemberS3{Value: ctltypes.S3Configuration{Uri: aws.String(uri)}}}}}})
		return err
	}
	if err := lambda("fn", "s3://specs/tools.json"); err != nil {
		t.Fatal(err)
	}
	if err := lambda("dup", "s3://specs/dup.json"); !errorIs[*ctltypes.ValidationException](err) || !strings.Contains(err.Error(), "more than once") {
		t.Fatalf("duplicate tool names: %v", err)
	}
	cs := mcpConnect(t, *gw.GatewayUrl, "")
	tools := listAllTools(t, cs)
	if tools["pets___getPet"] == nil || tools["fn___ping"] == nil {
		t.Fatalf("tools: %v", keys(tools))
	}
	if res := callTool(t, cs, "pets___getPet", map[string]any{"id": "1"}); res.IsError {
		t.Fatal(resultText(res))
	}
}

// TestGatewayListPagination: tools/list pages through a large catalogue.
func TestGatewayListPagination(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	gw := createGateway(t, e, "many", nil)
	var defs []ctltypes.ToolDefinition
	for i := range 250 {
		defs = append(defs, ctltypes.ToolDefinition{Name: aws.String("tool" + strings.Repeat("x", i%3) + itoa3(i)), Description: aws.String("t"),
			InputSchema: &ctltypes.SchemaDefinition{Type: ctltypes.SchemaTypeObject}})
	}
	_, err := e.Control.CreateGatewayTarget(bg, &ctl.CreateGatewayTargetInput{GatewayIdentifier: gw.GatewayId, Name: aws.String("big"),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberLambda{Value: ctltypes.McpLambdaTargetConfiguration{
			LambdaArn: aws.String(lambdaArn("fn")), ToolSchema: &ctltypes.ToolSchemaMemberInlinePayload{Value: defs}}}}})
	if err != nil {
		t.Fatal(err)
	}
	cs := mcpConnect(t, *gw.GatewayUrl, "")
	first, err := cs.ListTools(bg, nil)
	if err != nil || len(first.Tools) != 100 || first.NextCursor == "" {
		t.Fatalf("first page: %d tools, cursor %q, %v", len(first.Tools), first.NextCursor, err)
	}
	if n := len(listAllTools(t, cs)); n != 250 {
		t.Fatalf("all pages: %d", n)
	}
}

func itoa3(i int) string {
	return string([]byte{byte('0' + i/100), byte('0' + i/10%10), byte('0' + i%10)})
}
