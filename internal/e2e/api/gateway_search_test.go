package api_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

type searchTool struct{ Target, Name, Description string }

// TestGatewayToolSearch: over the shipped 300 tools (30 targets), the
// built-in search tool puts the expected tool in the top 3 for at least 90%
// of the shipped 50 queries.
func TestGatewayToolSearch(t *testing.T) {
	var tools []searchTool
	var queries []struct{ Query, Expect string }
	for f, v := range map[string]any{"testdata/gateway/search_tools.json": &tools, "testdata/gateway/search_queries.json": &queries} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	e := testenv.Start(t, testenv.Fast())
	gw := createGateway(t, e, "search", func(in *ctl.CreateGatewayInput) {
		in.ProtocolConfiguration = &ctltypes.GatewayProtocolConfigurationMemberMcp{Value: ctltypes.MCPGatewayConfiguration{SearchType: ctltypes.SearchTypeSemantic}}
	})
	byTarget := map[string][]ctltypes.ToolDefinition{}
	var order []string
	for _, tl := range tools {
		if byTarget[tl.Target] == nil {
			order = append(order, tl.Target)
		}
		byTarget[tl.Target] = append(byTarget[tl.Target], ctltypes.ToolDefinition{Name: aws.String(tl.Name), Description: aws.String(tl.Description),
			InputSchema: &ctltypes.SchemaDefinition{Type: ctltypes.SchemaTypeObject}})
	}
	for _, target := range order {
		_, err := e.Control.CreateGatewayTarget(bg, &ctl.CreateGatewayTargetInput{GatewayIdentifier: gw.GatewayId, Name: aws.String(target),
			TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberLambda{Value: ctltypes.McpLambdaTargetConfiguration{
				LambdaArn: aws.String(lambdaArn(target)), ToolSchema: &ctltypes.ToolSchemaMemberInlinePayload{Value: byTarget[target]}}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	cs := mcpConnect(t, *gw.GatewayUrl, "")
	if n := len(listAllTools(t, cs)); n != 301 {
		t.Fatalf("listed %d tools, want 300 + search", n)
	}
	hits := 0
	for _, q := range queries {
		res := callTool(t, cs, "x_amz_bedrock_agentcore_search", map[string]any{"query": q.Query})
		var out struct {
			Tools []struct{ Name string } `json:"tools"`
		}
		if err := json.Unmarshal([]byte(resultText(res)), &out); err != nil || len(out.Tools) == 0 {
			t.Fatalf("search %q: %s", q.Query, resultText(res))
		}
		found := false
		for _, tl := range out.Tools[:min(3, len(out.Tools))] {
			found = found || tl.Name == q.Expect
		}
		if found {
			hits++
		} else {
			t.Logf("miss: %q want %s, top 3: %v", q.Query, q.Expect, out.Tools[:3])
		}
	}
	t.Logf("top-3 hits: %d/%d", hits, len(queries))
	if hits*10 < len(queries)*9 {
		t.Fatalf("top-3 hit rate %d/%d is below 90%%", hits, len(queries))
	}
}
