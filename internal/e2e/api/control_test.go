// Package api_test drives every Runtime control-plane and data-plane
// operation through the AWS SDK for Go v2 against a real server.
package api_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

var bg = context.Background()

func TestRuntimeCRUD(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	created := e.Deploy(t, "crud_agent", func(in *ctl.CreateAgentRuntimeInput) {
		in.Description = aws.String("first")
		in.EnvironmentVariables = map[string]string{"MODE": "one"}
		in.Tags = map[string]string{"team": "core"}
		in.LifecycleConfiguration = &ctltypes.LifecycleConfiguration{IdleRuntimeSessionTimeout: aws.Int32(120), MaxLifetime: aws.Int32(3600)}
		in.ProtocolConfiguration = &ctltypes.ProtocolConfiguration{ServerProtocol: ctltypes.ServerProtocolHttp}
		in.RequestHeaderConfiguration = &ctltypes.RequestHeaderConfigurationMemberRequestHeaderAllowlist{Value: []string{"X-Custom-Thing"}}
	})
	id, arn := *created.AgentRuntimeId, *created.AgentRuntimeArn
	if want := fmt.Sprintf("arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/%s", id); arn != want {
		t.Fatalf("arn = %s, want %s", arn, want)
	}
	if *created.AgentRuntimeVersion != "1" || created.WorkloadIdentityDetails == nil {
		t.Fatalf("create output: %+v", created)
	}

	got, err := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if *got.AgentRuntimeName != "crud_agent" || *got.Description != "first" || got.EnvironmentVariables["MODE"] != "one" ||
		*got.LifecycleConfiguration.IdleRuntimeSessionTimeout != 120 || got.Status != ctltypes.AgentRuntimeStatusReady ||
		*got.RoleArn != testenv.RoleArn || got.ProtocolConfiguration.ServerProtocol != ctltypes.ServerProtocolHttp {
		t.Fatalf("get: %+v", got)
	}
	code, ok := got.AgentRuntimeArtifact.(*ctltypes.AgentRuntimeArtifactMemberCodeConfiguration)
	if !ok || code.Value.EntryPoint[0] != "bootstrap" || code.Value.Runtime != ctltypes.AgentManagedRuntimeTypePython312 {
		t.Fatalf("artifact: %#v", got.AgentRuntimeArtifact)
	}
	if got.CreatedAt == nil || got.LastUpdatedAt == nil || time.Since(*got.CreatedAt) > time.Minute {
		t.Fatalf("timestamps: %v %v", got.CreatedAt, got.LastUpdatedAt)
	}
	hdr, ok := got.RequestHeaderConfiguration.(*ctltypes.RequestHeaderConfigurationMemberRequestHeaderAllowlist)
	if !ok || hdr.Value[0] != "X-Custom-Thing" {
		t.Fatalf("header config: %#v", got.RequestHeaderConfiguration)
	}

	// Update makes version 2; version 1 stays readable and unchanged.
	up, err := e.Control.UpdateAgentRuntime(bg, &ctl.UpdateAgentRuntimeInput{
		AgentRuntimeId: aws.String(id), AgentRuntimeArtifact: got.AgentRuntimeArtifact, RoleArn: got.RoleArn,
		Description: aws.String("second"), NetworkConfiguration: got.NetworkConfiguration,
		EnvironmentVariables: map[string]string{"MODE": "two"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if *up.AgentRuntimeVersion != "2" || up.Status != ctltypes.AgentRuntimeStatusUpdating {
		t.Fatalf("update: version %s status %s", *up.AgentRuntimeVersion, up.Status)
	}
	e.WaitReady(t, id, time.Minute)
	v1, err := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id), AgentRuntimeVersion: aws.String("1")})
	if err != nil || *v1.Description != "first" || v1.EnvironmentVariables["MODE"] != "one" || *v1.AgentRuntimeVersion != "1" {
		t.Fatalf("get version 1: %+v %v", v1, err)
	}
	latest, _ := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
	if *latest.AgentRuntimeVersion != "2" || *latest.Description != "second" {
		t.Fatalf("latest: %+v", latest)
	}
	vers, err := e.Control.ListAgentRuntimeVersions(bg, &ctl.ListAgentRuntimeVersionsInput{AgentRuntimeId: aws.String(id)})
	if err != nil || len(vers.AgentRuntimes) != 2 || *vers.AgentRuntimes[0].AgentRuntimeVersion != "1" || *vers.AgentRuntimes[1].AgentRuntimeVersion != "2" {
		t.Fatalf("versions: %+v %v", vers, err)
	}

	// Tags given at create, then Tag/Untag/List.
	tags, err := e.Control.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || tags.Tags["team"] != "core" {
		t.Fatalf("tags after create: %v %v", tags, err)
	}
	if _, err := e.Control.TagResource(bg, &ctl.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"env": "dev", "owner": "me"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Control.UntagResource(bg, &ctl.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team", "owner"}}); err != nil {
		t.Fatal(err)
	}
	tags, _ = e.Control.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if len(tags.Tags) != 1 || tags.Tags["env"] != "dev" {
		t.Fatalf("tags: %v", tags.Tags)
	}

	del, err := e.Control.DeleteAgentRuntime(bg, &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
	if err != nil || del.Status != ctltypes.AgentRuntimeStatusDeleting {
		t.Fatalf("delete: %+v %v", del, err)
	}
	var nf *ctltypes.ResourceNotFoundException
	if _, err := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)}); !errors.As(err, &nf) {
		t.Fatalf("get after delete: %v", err)
	}
	if _, err := e.Control.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: aws.String(arn)}); !errors.As(err, &nf) {
		t.Fatalf("tags after delete: %v", err)
	}
	// The name is free again.
	e.Deploy(t, "crud_agent", nil)
}

func TestListPagination(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	loc := e.TestAgentZip(t)
	want := map[string]bool{}
	for i := 0; i < 7; i++ {
		name := fmt.Sprintf("page_agent_%d", i)
		_, err := e.Control.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{
			AgentRuntimeName: aws.String(name), RoleArn: aws.String(testenv.RoleArn),
			AgentRuntimeArtifact: testenv.CodeArtifact(loc, ctltypes.AgentManagedRuntimeTypePython312, "bootstrap"),
			NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
		})
		if err != nil {
			t.Fatal(err)
		}
		want[name] = true
	}
	pages := 0
	seen := map[string]bool{}
	p := ctl.NewListAgentRuntimesPaginator(e.Control, &ctl.ListAgentRuntimesInput{MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		out, err := p.NextPage(bg)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(out.AgentRuntimes) > 3 {
			t.Fatalf("page of %d > maxResults 3", len(out.AgentRuntimes))
		}
		for _, rt := range out.AgentRuntimes {
			if seen[*rt.AgentRuntimeName] {
				t.Fatalf("%s listed twice", *rt.AgentRuntimeName)
			}
			seen[*rt.AgentRuntimeName] = true
		}
	}
	if pages != 3 || len(seen) != 7 {
		t.Fatalf("pages=%d seen=%v", pages, seen)
	}
	var ve *ctltypes.ValidationException
	if _, err := e.Control.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{NextToken: aws.String("garbage!!")}); !errors.As(err, &ve) {
		t.Fatalf("bad nextToken: %v", err)
	}
	if _, err := e.Control.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{MaxResults: aws.Int32(1000)}); !errors.As(err, &ve) {
		t.Fatalf("maxResults 1000: %v", err)
	}
}

func TestIdempotency(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	loc := e.TestAgentZip(t)
	in := func(name string) *ctl.CreateAgentRuntimeInput {
		return &ctl.CreateAgentRuntimeInput{
			AgentRuntimeName: aws.String(name), RoleArn: aws.String(testenv.RoleArn),
			AgentRuntimeArtifact: testenv.CodeArtifact(loc, ctltypes.AgentManagedRuntimeTypePython312, "bootstrap"),
			NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
			ClientToken:          aws.String("token-0123456789-0123456789-0123456789"),
		}
	}
	a, err := e.Control.CreateAgentRuntime(bg, in("idem_agent"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.Control.CreateAgentRuntime(bg, in("idem_agent"))
	if err != nil {
		t.Fatalf("retry with same token: %v", err)
	}
	if *a.AgentRuntimeArn != *b.AgentRuntimeArn {
		t.Fatalf("retry made a second runtime: %s vs %s", *a.AgentRuntimeArn, *b.AgentRuntimeArn)
	}
	var ce *ctltypes.ConflictException
	if _, err := e.Control.CreateAgentRuntime(bg, in("other_agent")); !errors.As(err, &ce) {
		t.Fatalf("same token, different request: want ConflictException, got %v", err)
	}
	list, _ := e.Control.ListAgentRuntimes(bg, &ctl.ListAgentRuntimesInput{})
	if len(list.AgentRuntimes) != 1 {
		t.Fatalf("runtimes = %d, want 1", len(list.AgentRuntimes))
	}
	// Without a token the SDK fills a fresh one: a second create of the same name conflicts.
	plain := in("idem_agent")
	plain.ClientToken = nil
	if _, err := e.Control.CreateAgentRuntime(bg, plain); !errors.As(err, &ce) {
		t.Fatalf("duplicate name: want ConflictException, got %v", err)
	}
	e.WaitReady(t, *a.AgentRuntimeId, time.Minute)
	// Idempotent delete via the query-string token.
	tok := aws.String("delete-token-0123456789-0123456789-01")
	d1, err := e.Control.DeleteAgentRuntime(bg, &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: a.AgentRuntimeId, ClientToken: tok})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := e.Control.DeleteAgentRuntime(bg, &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: a.AgentRuntimeId, ClientToken: tok})
	if err != nil || d1.Status != d2.Status {
		t.Fatalf("repeat delete with token: %v", err)
	}
}
