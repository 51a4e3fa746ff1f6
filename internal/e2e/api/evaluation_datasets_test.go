package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/document"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// evalConfig is a server with the test key (account 123456789012) and
// otherKeyID (account 210987654321).
func evalConfig() server.Config {
	cfg := testenv.Fast()
	cfg.Credentials = []sigv4.Credential{
		{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey, Account: "123456789012"},
		{AccessKeyID: otherKeyID, SecretAccessKey: otherSecret, Account: "210987654321"},
	}
	return cfg
}

func scenario(id, input, expected string) document.Interface {
	return document.NewLazyDocument(map[string]any{"scenario_id": id,
		"turns": []any{map[string]any{"input": input, "expected_response": expected}}, "assertions": []any{"is polite"}})
}

func inline(docs ...document.Interface) *ctltypes.DataSourceTypeMemberInlineExamples {
	return &ctltypes.DataSourceTypeMemberInlineExamples{Value: ctltypes.InlineExamplesSource{Examples: docs}}
}

func listExamples(t *testing.T, c *ctl.Client, id, version string, page int32) []map[string]any {
	t.Helper()
	in := &ctl.ListDatasetExamplesInput{DatasetId: aws.String(id), MaxResults: aws.Int32(page)}
	if version != "" {
		in.DatasetVersion = aws.String(version)
	}
	var out []map[string]any
	p := ctl.NewListDatasetExamplesPaginator(c, in)
	for p.HasMorePages() {
		pg, err := p.NextPage(bg)
		if err != nil {
			t.Fatalf("ListDatasetExamples: %v", err)
		}
		for _, d := range pg.Examples {
			var m map[string]any
			if err := d.UnmarshalSmithyDocument(&m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
	}
	return out
}

func TestEvaluationDatasetLifecycle(t *testing.T) {
	e := testenv.Start(t, evalConfig())
	c := e.Control
	var first []document.Interface
	for i := range 5 {
		first = append(first, scenario(fmt.Sprintf("TC-%02d", i), fmt.Sprintf("question %d", i), fmt.Sprintf("answer %d", i)))
	}
	cr, err := c.CreateDataset(bg, &ctl.CreateDatasetInput{DatasetName: aws.String("regression"), Description: aws.String("v1 suite"),
		SchemaType: ctltypes.DatasetSchemaTypeAgentcoreEvaluationPredefinedV1, Source: inline(first...), Tags: map[string]string{"team": "qa"}})
	if err != nil {
		t.Fatalf("CreateDataset: %v", err)
	}
	id := aws.ToString(cr.DatasetId)
	if cr.Status != ctltypes.DatasetStatusActive || !strings.HasPrefix(id, "regression-") || !strings.Contains(aws.ToString(cr.DatasetArn), ":dataset/"+id) {
		t.Fatalf("create: %+v", cr)
	}
	g, err := c.GetDataset(bg, &ctl.GetDatasetInput{DatasetId: aws.String(id)})
	if err != nil || aws.ToInt64(g.ExampleCount) != 5 || aws.ToString(g.DatasetVersion) != "DRAFT" || g.DraftStatus != ctltypes.DraftStatusModified ||
		g.Tags["team"] != "qa" || aws.ToString(g.Description) != "v1 suite" {
		t.Fatalf("GetDataset: %+v %v", g, err)
	}
	// Pages of 2 keep the order the examples were added in.
	ex := listExamples(t, c, id, "", 2)
	if len(ex) != 5 || ex[0]["scenario_id"] != "TC-00" || ex[4]["scenario_id"] != "TC-04" || ex[0]["exampleId"] == nil {
		t.Fatalf("examples: %v", ex)
	}
	// Version 1 is a snapshot; the DRAFT goes on changing.
	v1, err := c.CreateDatasetVersion(bg, &ctl.CreateDatasetVersionInput{DatasetId: aws.String(id)})
	if err != nil || aws.ToString(v1.DatasetVersion) != "1" {
		t.Fatalf("CreateDatasetVersion: %+v %v", v1, err)
	}
	if g, _ := c.GetDataset(bg, &ctl.GetDatasetInput{DatasetId: aws.String(id)}); g.DraftStatus != ctltypes.DraftStatusUnmodified {
		t.Fatalf("draft after version: %s", g.DraftStatus)
	}
	add, err := c.AddDatasetExamples(bg, &ctl.AddDatasetExamplesInput{DatasetId: aws.String(id), Source: inline(scenario("TC-05", "new", "newer"))})
	if err != nil || aws.ToInt64(add.AddedCount) != 1 || len(add.ExampleIds) != 1 {
		t.Fatalf("AddDatasetExamples: %+v %v", add, err)
	}
	changed := map[string]any{"exampleId": ex[0]["exampleId"], "scenario_id": "TC-00",
		"turns": []any{map[string]any{"input": "question 0 (reworded)"}}}
	up, err := c.UpdateDatasetExamples(bg, &ctl.UpdateDatasetExamplesInput{DatasetId: aws.String(id), Examples: []document.Interface{document.NewLazyDocument(changed)}})
	if err != nil || aws.ToInt64(up.UpdatedCount) != 1 {
		t.Fatalf("UpdateDatasetExamples: %+v %v", up, err)
	}
	del, err := c.DeleteDatasetExamples(bg, &ctl.DeleteDatasetExamplesInput{DatasetId: aws.String(id), ExampleIds: []string{ex[1]["exampleId"].(string)}})
	if err != nil || aws.ToInt64(del.DeletedCount) != 1 {
		t.Fatalf("DeleteDatasetExamples: %+v %v", del, err)
	}
	draft := listExamples(t, c, id, "DRAFT", 100)
	if len(draft) != 5 || draft[0]["turns"].([]any)[0].(map[string]any)["input"] != "question 0 (reworded)" || draft[4]["scenario_id"] != "TC-05" {
		t.Fatalf("draft: %v", draft)
	}
	old := listExamples(t, c, id, "1", 100)
	if len(old) != 5 || old[0]["turns"].([]any)[0].(map[string]any)["input"] != "question 0" || old[1]["scenario_id"] != "TC-01" {
		t.Fatalf("version 1 changed: %v", old)
	}
	if g, _ := c.GetDataset(bg, &ctl.GetDatasetInput{DatasetId: aws.String(id), DatasetVersion: aws.String("1")}); aws.ToInt64(g.ExampleCount) != 5 || aws.ToString(g.DatasetVersion) != "1" {
		t.Fatalf("GetDataset v1: %+v", g)
	}
	if _, err := c.CreateDatasetVersion(bg, &ctl.CreateDatasetVersionInput{DatasetId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	vs, err := c.ListDatasetVersions(bg, &ctl.ListDatasetVersionsInput{DatasetId: aws.String(id)})
	if err != nil || len(vs.Versions) != 2 || aws.ToString(vs.Versions[1].DatasetVersion) != "2" || aws.ToInt64(vs.Versions[1].ExampleCount) != 5 {
		t.Fatalf("ListDatasetVersions: %+v %v", vs, err)
	}
	// Delete one version, then the dataset.
	if _, err := c.DeleteDataset(bg, &ctl.DeleteDatasetInput{DatasetId: aws.String(id), DatasetVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListDatasetExamples(bg, &ctl.ListDatasetExamplesInput{DatasetId: aws.String(id), DatasetVersion: aws.String("1")}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("deleted version: %v", err)
	}
	if _, err := c.UpdateDataset(bg, &ctl.UpdateDatasetInput{DatasetId: aws.String(id), Description: aws.String("v2 suite")}); err != nil {
		t.Fatal(err)
	}
	ls, err := c.ListDatasets(bg, &ctl.ListDatasetsInput{})
	if err != nil || len(ls.Datasets) != 1 || aws.ToString(ls.Datasets[0].Description) != "v2 suite" || aws.ToInt64(ls.Datasets[0].ExampleCount) != 5 {
		t.Fatalf("ListDatasets: %+v %v", ls, err)
	}
	if d, err := c.DeleteDataset(bg, &ctl.DeleteDatasetInput{DatasetId: aws.String(id)}); err != nil || d.Status != ctltypes.DatasetStatusDeleting {
		t.Fatalf("DeleteDataset: %+v %v", d, err)
	}
	if _, err := c.GetDataset(bg, &ctl.GetDatasetInput{DatasetId: aws.String(id)}); apiCode(err) != "ResourceNotFoundException" {
		t.Fatalf("deleted dataset: %v", err)
	}
	// The name is free again.
	if _, err := c.CreateDataset(bg, &ctl.CreateDatasetInput{DatasetName: aws.String("regression"),
		SchemaType: ctltypes.DatasetSchemaTypeAgentcoreEvaluationPredefinedV1, Source: inline(scenario("A", "b", "c"))}); err != nil {
		t.Fatal(err)
	}
}

func TestEvaluationDatasetBadInput(t *testing.T) {
	cfg := evalConfig()
	cfg.EvalDatasetMaxExamples = 3
	e := testenv.Start(t, cfg)
	c := e.Control
	create := func(name string, src ctltypes.DataSourceType) (*ctl.CreateDatasetOutput, error) {
		return c.CreateDataset(bg, &ctl.CreateDatasetInput{DatasetName: aws.String(name), SchemaType: ctltypes.DatasetSchemaTypeAgentcoreEvaluationPredefinedV1, Source: src})
	}
	ok, err := create("good", inline(scenario("A", "in", "out")))
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(ok.DatasetId)
	bad := map[string]document.Interface{
		"no scenario_id": document.NewLazyDocument(map[string]any{"turns": []any{map[string]any{"input": "x"}}}),
		"empty turns":    document.NewLazyDocument(map[string]any{"scenario_id": "A", "turns": []any{}}),
		"unknown field":  document.NewLazyDocument(map[string]any{"scenario_id": "A", "turns": []any{map[string]any{"input": "x"}}, "colour": "red"}),
		"not an object":  document.NewLazyDocument("just text"),
		"bad trajectory": document.NewLazyDocument(map[string]any{"scenario_id": "A", "turns": []any{map[string]any{"input": "x"}}, "expected_trajectory": "tool"}),
	}
	for what, doc := range bad {
		if _, err := create("malformed", inline(doc)); apiCode(err) != "ValidationException" {
			t.Errorf("%s: want ValidationException, got %v", what, err)
		}
	}
	for _, name := range []string{"1starts_with_digit", "has-dash", strings.Repeat("a", 49)} {
		if _, err := create(name, inline(scenario("A", "b", "c"))); apiCode(err) != "ValidationException" {
			t.Errorf("name %q: want ValidationException, got %v", name, err)
		}
	}
	if _, err := create("good", inline(scenario("A", "b", "c"))); apiCode(err) != "ConflictException" {
		t.Errorf("duplicate name: %v", err)
	}
	// Too many examples: per request (1,000) and per dataset (3 here).
	many := make([]document.Interface, 1001)
	for i := range many {
		many[i] = scenario(fmt.Sprint(i), "q", "a")
	}
	if _, err := c.AddDatasetExamples(bg, &ctl.AddDatasetExamplesInput{DatasetId: aws.String(id), Source: inline(many...)}); apiCode(err) != "ValidationException" || !strings.Contains(err.Error(), "1000") {
		t.Errorf("1001 examples: %v", err)
	}
	if _, err := c.AddDatasetExamples(bg, &ctl.AddDatasetExamplesInput{DatasetId: aws.String(id), Source: inline(many[:3]...)}); apiCode(err) != "ValidationException" || !strings.Contains(err.Error(), "limit of 3") {
		t.Errorf("over the dataset limit: %v", err)
	}
	// All or nothing: one unknown id fails the whole update / delete.
	ex := listExamples(t, c, id, "", 10)
	if _, err := c.DeleteDatasetExamples(bg, &ctl.DeleteDatasetExamplesInput{DatasetId: aws.String(id), ExampleIds: []string{ex[0]["exampleId"].(string), "nosuchexample"}}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("delete unknown example: %v", err)
	}
	if n := len(listExamples(t, c, id, "", 10)); n != 1 {
		t.Errorf("a failed delete removed examples: %d left", n)
	}
	noID := document.NewLazyDocument(map[string]any{"scenario_id": "A", "turns": []any{map[string]any{"input": "x"}}})
	if _, err := c.UpdateDatasetExamples(bg, &ctl.UpdateDatasetExamplesInput{DatasetId: aws.String(id), Examples: []document.Interface{noID}}); apiCode(err) != "ValidationException" {
		t.Errorf("update without exampleId: %v", err)
	}
	// Unknown dataset / version, s3Source outside the artifact store.
	if _, err := c.GetDataset(bg, &ctl.GetDatasetInput{DatasetId: aws.String("nosuch-0123456789")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("unknown dataset: %v", err)
	}
	if _, err := c.GetDataset(bg, &ctl.GetDatasetInput{DatasetId: aws.String(id), DatasetVersion: aws.String("7")}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("unknown version: %v", err)
	}
	if _, err := c.GetDataset(bg, &ctl.GetDatasetInput{DatasetId: aws.String(id), DatasetVersion: aws.String("latest")}); apiCode(err) != "ValidationException" {
		t.Errorf("bad version: %v", err)
	}
	s3 := &ctltypes.DataSourceTypeMemberS3Source{Value: ctltypes.S3Source{S3Uri: aws.String("s3://nobucket/none.jsonl")}}
	if _, err := create("from_s3", s3); apiCode(err) != "ValidationException" {
		t.Errorf("missing s3 object: %v", err)
	}
	// s3Source from the server's artifact store (JSON Lines).
	e.Upload(t, "datasets", "suite.jsonl", []byte(`{"scenario_id":"S1","turns":[{"input":"hi"}]}`+"\n"+`{"scenario_id":"S2","turns":[{"input":"bye"}]}`+"\n"))
	s3.Value.S3Uri = aws.String("s3://datasets/suite.jsonl")
	if out, err := create("from_s3", s3); err != nil {
		t.Errorf("s3Source: %v", err)
	} else if g, _ := c.GetDataset(bg, &ctl.GetDatasetInput{DatasetId: out.DatasetId}); aws.ToInt64(g.ExampleCount) != 2 {
		t.Errorf("s3Source examples: %d", aws.ToInt64(g.ExampleCount))
	}
	// Another account sees nothing.
	other := otherAccount(t, e)
	if _, err := other.GetDataset(bg, &ctl.GetDatasetInput{DatasetId: aws.String(id)}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("other account GetDataset: %v", err)
	}
	if _, err := other.ListDatasetExamples(bg, &ctl.ListDatasetExamplesInput{DatasetId: ok.DatasetArn}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("other account by ARN: %v", err)
	}
	if ls, err := other.ListDatasets(bg, &ctl.ListDatasetsInput{}); err != nil || len(ls.Datasets) != 0 {
		t.Errorf("other account ListDatasets: %+v %v", ls, err)
	}
	// Idempotent create: same token, same answer; different request, conflict.
	tok := strings.Repeat("d", 40)
	a, err := c.CreateDataset(bg, &ctl.CreateDatasetInput{ClientToken: aws.String(tok), DatasetName: aws.String("idem"), SchemaType: ctltypes.DatasetSchemaTypeAgentcoreEvaluationPredefinedV1, Source: inline(scenario("A", "b", "c"))})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.CreateDataset(bg, &ctl.CreateDatasetInput{ClientToken: aws.String(tok), DatasetName: aws.String("idem"), SchemaType: ctltypes.DatasetSchemaTypeAgentcoreEvaluationPredefinedV1, Source: inline(scenario("A", "b", "c"))})
	if err != nil || aws.ToString(a.DatasetId) != aws.ToString(b.DatasetId) {
		t.Errorf("idempotent replay: %v %v", b, err)
	}
}
