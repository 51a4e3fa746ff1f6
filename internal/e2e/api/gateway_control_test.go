package api_test

import (
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestGatewayControlPlane drives every gateway and target operation through
// the AWS SDK for Go v2, including the typed errors.
func TestGatewayControlPlane(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	ps := startPetstore(t)
	c := e.Control

	gw := createGateway(t, e, "Orders-GW", func(in *ctl.CreateGatewayInput) {
		in.Description = aws.String("orders gateway")
		in.ProtocolConfiguration = &ctltypes.GatewayProtocolConfigurationMemberMcp{Value: ctltypes.MCPGatewayConfiguration{SearchType: ctltypes.SearchTypeSemantic}}
		in.Tags = map[string]string{"team": "orders"}
	})
	if gw.Status != ctltypes.GatewayStatusReady || !strings.HasPrefix(*gw.GatewayId, "orders-gw-") || *gw.GatewayUrl != e.URL+"/gateways/"+*gw.GatewayId+"/mcp" {
		t.Fatalf("create: %+v url=%s", gw, aws.ToString(gw.GatewayUrl))
	}
	if !strings.HasSuffix(*gw.GatewayArn, ":gateway/"+*gw.GatewayId) || gw.WorkloadIdentityDetails == nil {
		t.Fatalf("arn %s", *gw.GatewayArn)
	}
	got, err := c.GetGateway(bg, &ctl.GetGatewayInput{GatewayIdentifier: gw.GatewayId})
	if err != nil || *got.Name != "Orders-GW" || *got.Description != "orders gateway" || got.AuthorizerType != ctltypes.AuthorizerTypeNone {
		t.Fatalf("get: %+v %v", got, err)
	}
	if pc, ok := got.ProtocolConfiguration.(*ctltypes.GatewayProtocolConfigurationMemberMcp); !ok || pc.Value.SearchType != ctltypes.SearchTypeSemantic {
		t.Fatalf("protocol configuration: %#v", got.ProtocolConfiguration)
	}
	tags, err := c.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: gw.GatewayArn})
	if err != nil || tags.Tags["team"] != "orders" {
		t.Fatalf("tags %v %v", tags, err)
	}
	up, err := c.UpdateGateway(bg, &ctl.UpdateGatewayInput{GatewayIdentifier: gw.GatewayId, Name: aws.String("Orders-GW"),
		RoleArn: aws.String(testenv.RoleArn), AuthorizerType: ctltypes.AuthorizerTypeNone, Description: aws.String("v2")})
	if err != nil || *up.Description != "v2" || !up.UpdatedAt.After(*gw.UpdatedAt) && !up.UpdatedAt.Equal(*gw.UpdatedAt) {
		t.Fatalf("update: %+v %v", up, err)
	}
	// A second gateway, then list with paging.
	createGateway(t, e, "second", nil)
	var names []string
	p := ctl.NewListGatewaysPaginator(c, &ctl.ListGatewaysInput{MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		out, err := p.NextPage(bg)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			names = append(names, *it.Name)
		}
	}
	if len(names) != 2 {
		t.Fatalf("list: %v", names)
	}

	// Targets.
	tg := openAPITarget(t, e, *gw.GatewayId, "pets", petstoreSpec(ps.URL))
	if tg.Status != ctltypes.TargetStatusReady || len(*tg.TargetId) != 10 || *tg.GatewayArn != *gw.GatewayArn || tg.LastSynchronizedAt == nil {
		t.Fatalf("target: %+v", tg)
	}
	gt, err := c.GetGatewayTarget(bg, &ctl.GetGatewayTargetInput{GatewayIdentifier: gw.GatewayId, TargetId: tg.TargetId})
	if err != nil || *gt.Name != "pets" {
		t.Fatalf("get target: %+v %v", gt, err)
	}
	if m, ok := gt.TargetConfiguration.(*ctltypes.TargetConfigurationMemberMcp); !ok {
		t.Fatalf("target configuration %#v", gt.TargetConfiguration)
	} else if _, ok := m.Value.(*ctltypes.McpTargetConfigurationMemberOpenApiSchema); !ok {
		t.Fatalf("mcp target configuration %#v", m.Value)
	}
	ut, err := c.UpdateGatewayTarget(bg, &ctl.UpdateGatewayTargetInput{GatewayIdentifier: gw.GatewayId, TargetId: tg.TargetId,
		Name: aws.String("pets"), Description: aws.String("the pet store"),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberOpenApiSchema{
			Value: &ctltypes.ApiSchemaConfigurationMemberInlinePayload{Value: petstoreSpec(ps.URL)}}}})
	if err != nil || *ut.Description != "the pet store" {
		t.Fatalf("update target: %+v %v", ut, err)
	}
	lt, err := c.ListGatewayTargets(bg, &ctl.ListGatewayTargetsInput{GatewayIdentifier: gw.GatewayId})
	if err != nil || len(lt.Items) != 1 || *lt.Items[0].Name != "pets" {
		t.Fatalf("list targets: %+v %v", lt, err)
	}
	sy, err := c.SynchronizeGatewayTargets(bg, &ctl.SynchronizeGatewayTargetsInput{GatewayIdentifier: gw.GatewayId, TargetIdList: []string{*tg.TargetId}})
	if err != nil || len(sy.Targets) != 1 || sy.Targets[0].Status != ctltypes.TargetStatusReady {
		t.Fatalf("synchronize: %+v %v", sy, err)
	}

	// Typed errors.
	_, err = c.GetGateway(bg, &ctl.GetGatewayInput{GatewayIdentifier: aws.String("nope-0123456789")})
	if !errorIs[*ctltypes.ResourceNotFoundException](err) {
		t.Fatalf("missing gateway: %v", err)
	}
	_, err = c.CreateGateway(bg, &ctl.CreateGatewayInput{Name: aws.String("Orders-GW"), RoleArn: aws.String(testenv.RoleArn), AuthorizerType: ctltypes.AuthorizerTypeNone})
	if !errorIs[*ctltypes.ConflictException](err) {
		t.Fatalf("duplicate name: %v", err)
	}
	_, err = c.CreateGateway(bg, &ctl.CreateGatewayInput{Name: aws.String("jwt"), RoleArn: aws.String(testenv.RoleArn), AuthorizerType: ctltypes.AuthorizerTypeCustomJwt})
	if !errorIs[*ctltypes.ValidationException](err) || !strings.Contains(err.Error(), "customJWTAuthorizer") {
		t.Fatalf("jwt without config: %v", err)
	}
	_, err = c.GetGatewayTarget(bg, &ctl.GetGatewayTargetInput{GatewayIdentifier: gw.GatewayId, TargetId: aws.String("ABCDEFGHIJ")})
	if !errorIs[*ctltypes.ResourceNotFoundException](err) {
		t.Fatalf("missing target: %v", err)
	}
	_, err = c.DeleteGateway(bg, &ctl.DeleteGatewayInput{GatewayIdentifier: gw.GatewayId})
	if !errorIs[*ctltypes.ConflictException](err) {
		t.Fatalf("delete with targets: %v", err)
	}
	// Same target name twice.
	_, err = c.CreateGatewayTarget(bg, &ctl.CreateGatewayTargetInput{GatewayIdentifier: gw.GatewayId, Name: aws.String("pets"),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberOpenApiSchema{
			Value: &ctltypes.ApiSchemaConfigurationMemberInlinePayload{Value: petstoreSpec(ps.URL)}}}})
	if !errorIs[*ctltypes.ConflictException](err) {
		t.Fatalf("duplicate target: %v", err)
	}

	dt, err := c.DeleteGatewayTarget(bg, &ctl.DeleteGatewayTargetInput{GatewayIdentifier: gw.GatewayId, TargetId: tg.TargetId})
	if err != nil || dt.Status != ctltypes.TargetStatusDeleting {
		t.Fatalf("delete target: %+v %v", dt, err)
	}
	dg, err := c.DeleteGateway(bg, &ctl.DeleteGatewayInput{GatewayIdentifier: gw.GatewayId})
	if err != nil || dg.Status != ctltypes.GatewayStatusDeleting {
		t.Fatalf("delete: %+v %v", dg, err)
	}
	if _, err := c.GetGateway(bg, &ctl.GetGatewayInput{GatewayIdentifier: gw.GatewayId}); !errorIs[*ctltypes.ResourceNotFoundException](err) {
		t.Fatalf("after delete: %v", err)
	}
}

// TestGatewayBadSchemas checks that invalid OpenAPI documents are
// ValidationExceptions naming the problem.
func TestGatewayBadSchemas(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	gw := createGateway(t, e, "bad", nil)
	for name, tc := range map[string]struct{ spec, want string }{
		"notjson":   {`{"openapi": `, "cannot be parsed"},
		"swagger2":  {`{"swagger":"2.0","info":{"title":"x","version":"1"},"paths":{}}`, "OpenAPI 3"},
		"noservers": {`{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"operationId":"a","responses":{"200":{"description":"ok"}}}}}}`, "servers"},
		"noopid":    {`{"openapi":"3.0.0","info":{"title":"x","version":"1"},"servers":[{"url":"http://127.0.0.1:1"}],"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"}}}}}}`, "operationId"},
		"dupopid":   {`{"openapi":"3.0.0","info":{"title":"x","version":"1"},"servers":[{"url":"http://127.0.0.1:1"}],"paths":{"/a":{"get":{"operationId":"a","responses":{"200":{"description":"ok"}}}},"/b":{"get":{"operationId":"a","responses":{"200":{"description":"ok"}}}}}}`, "a"},
		"badref":    {`{"openapi":"3.0.0","info":{"title":"x","version":"1"},"servers":[{"url":"http://127.0.0.1:1"}],"paths":{"/a":{"post":{"operationId":"a","requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Nope"}}}},"responses":{"200":{"description":"ok"}}}}}}`, "Nope"},
	} {
		_, err := e.Control.CreateGatewayTarget(bg, &ctl.CreateGatewayTargetInput{GatewayIdentifier: gw.GatewayId, Name: aws.String(name),
			TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberOpenApiSchema{
				Value: &ctltypes.ApiSchemaConfigurationMemberInlinePayload{Value: tc.spec}}}})
		if !errorIs[*ctltypes.ValidationException](err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want ValidationException mentioning %q, got %v", name, tc.want, err)
		}
	}
	// Missing s3 object.
	_, err := e.Control.CreateGatewayTarget(bg, &ctl.CreateGatewayTargetInput{GatewayIdentifier: gw.GatewayId, Name: aws.String("s3missing"),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberOpenApiSchema{
			Value: &ctltypes.ApiSchemaConfigurationMemberS3{Value: ctltypes.S3Configuration{Uri: aws.String("s3://specs/missing.json")}}}}})
	if !errorIs[*ctltypes.ValidationException](err) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing s3 object: %v", err)
	}
}
