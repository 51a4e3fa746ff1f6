package api_test

import (
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

func TestMemoryControlPlane(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	c := e.Control
	out, err := c.CreateMemory(bg, &ctl.CreateMemoryInput{
		Name: aws.String("support_mem"), Description: aws.String("d"), EventExpiryDuration: aws.Int32(7),
		MemoryStrategies: []ctltypes.MemoryStrategyInput{
			semantic("facts", "/facts/{actorId}/"),
			&ctltypes.MemoryStrategyInputMemberSummaryMemoryStrategy{Value: ctltypes.SummaryMemoryStrategyInput{Name: aws.String("summ")}},
			&ctltypes.MemoryStrategyInputMemberUserPreferenceMemoryStrategy{Value: ctltypes.UserPreferenceMemoryStrategyInput{Name: aws.String("prefs")}},
			&ctltypes.MemoryStrategyInputMemberEpisodicMemoryStrategy{Value: ctltypes.EpisodicMemoryStrategyInput{Name: aws.String("epis")}},
			&ctltypes.MemoryStrategyInputMemberCustomMemoryStrategy{Value: ctltypes.CustomMemoryStrategyInput{Name: aws.String("custom"),
				NamespaceTemplates: []string{"/custom/{actorId}/{sessionId}/"},
				Configuration: &ctltypes.CustomConfigurationInputMemberSemanticOverride{Value: ctltypes.SemanticOverrideConfigurationInput{
					Extraction:    &ctltypes.SemanticOverrideExtractionConfigurationInput{AppendToPrompt: aws.String("Only food facts."), ModelId: aws.String("extract-model")},
					Consolidation: &ctltypes.SemanticOverrideConsolidationConfigurationInput{AppendToPrompt: aws.String("Merge."), ModelId: aws.String("merge-model")},
				}}}},
		},
		Tags: map[string]string{"team": "a"},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := out.Memory
	if m.Status != ctltypes.MemoryStatusCreating || *m.EventExpiryDuration != 7 || len(m.Strategies) != 5 {
		t.Fatalf("created: %+v", m)
	}
	for _, st := range m.Strategies {
		if st.Status != ctltypes.MemoryStrategyStatusCreating || len(st.NamespaceTemplates) == 0 {
			t.Fatalf("strategy %+v", st)
		}
	}
	got := waitMemoryActive(t, e, *m.Id)
	byName := map[string]ctltypes.MemoryStrategy{}
	for _, st := range got.Strategies {
		byName[*st.Name] = st
		if st.Status != ctltypes.MemoryStrategyStatusActive {
			t.Fatalf("strategy not active: %s", st.Status)
		}
	}
	if byName["summ"].Type != ctltypes.MemoryStrategyTypeSummarization || byName["summ"].NamespaceTemplates[0] != "/strategies/{memoryStrategyId}/actors/{actorId}/sessions/{sessionId}/" {
		t.Fatalf("summary strategy %+v", byName["summ"])
	}
	cu := byName["custom"]
	if cu.Type != ctltypes.MemoryStrategyTypeCustom || cu.Configuration == nil || cu.Configuration.Type != ctltypes.OverrideTypeSemanticOverride {
		t.Fatalf("custom %+v", cu)
	}
	ex, ok := cu.Configuration.Extraction.(*ctltypes.ExtractionConfigurationMemberCustomExtractionConfiguration)
	if !ok {
		t.Fatalf("extraction config %T", cu.Configuration.Extraction)
	}
	if so, ok := ex.Value.(*ctltypes.CustomExtractionConfigurationMemberSemanticExtractionOverride); !ok || *so.Value.ModelId != "extract-model" {
		t.Fatalf("override %#v", ex.Value)
	}
	tags, err := c.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: m.Arn})
	if err != nil || tags.Tags["team"] != "a" {
		t.Fatalf("tags %v %v", tags, err)
	}

	// Same name: ConflictException.
	if _, err := c.CreateMemory(bg, &ctl.CreateMemoryInput{Name: aws.String("support_mem"), EventExpiryDuration: aws.Int32(7)}); !isConflict(err) {
		t.Fatalf("duplicate name: %v", err)
	}

	// Update: description, expiry, add/modify/delete strategies.
	up, err := c.UpdateMemory(bg, &ctl.UpdateMemoryInput{MemoryId: m.Id, Description: aws.String("new"), EventExpiryDuration: aws.Int32(30),
		MemoryStrategies: &ctltypes.ModifyMemoryStrategies{
			AddMemoryStrategies:    []ctltypes.MemoryStrategyInput{semantic("more")},
			DeleteMemoryStrategies: []ctltypes.DeleteMemoryStrategyInput{{MemoryStrategyId: byName["epis"].StrategyId}},
			ModifyMemoryStrategies: []ctltypes.ModifyMemoryStrategyInput{{MemoryStrategyId: byName["facts"].StrategyId, NamespaceTemplates: []string{"/facts2/{actorId}/"}}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if *up.Memory.Description != "new" || *up.Memory.EventExpiryDuration != 30 || len(up.Memory.Strategies) != 5 {
		t.Fatalf("updated %+v", up.Memory)
	}
	got = waitMemoryActive(t, e, *m.Id)
	for _, st := range got.Strategies {
		if *st.Name == "facts" && st.NamespaceTemplates[0] != "/facts2/{actorId}/" {
			t.Fatalf("modify lost: %v", st.NamespaceTemplates)
		}
		if *st.Name == "epis" {
			t.Fatal("deleted strategy still there")
		}
	}
	// Unknown strategy id in an update: ResourceNotFoundException.
	if _, err := c.UpdateMemory(bg, &ctl.UpdateMemoryInput{MemoryId: m.Id, MemoryStrategies: &ctltypes.ModifyMemoryStrategies{
		DeleteMemoryStrategies: []ctltypes.DeleteMemoryStrategyInput{{MemoryStrategyId: aws.String("nope-0123456789")}}}}); !isCtlNotFound(err) {
		t.Fatalf("unknown strategy: %v", err)
	}

	// List with pagination.
	for i := 0; i < 3; i++ {
		createMemory(t, e, "extra_"+string(rune('a'+i)))
	}
	var ids []string
	p := ctl.NewListMemoriesPaginator(c, &ctl.ListMemoriesInput{MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		pg, err := p.NextPage(bg)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, s := range pg.Memories {
			ids = append(ids, *s.Id)
		}
	}
	if len(ids) != 4 || pages != 2 {
		t.Fatalf("list: %d memories in %d pages", len(ids), pages)
	}

	// Delete.
	d, err := c.DeleteMemory(bg, &ctl.DeleteMemoryInput{MemoryId: m.Id})
	if err != nil || d.Status != ctltypes.MemoryStatusDeleting {
		t.Fatalf("delete: %v %v", d, err)
	}
	if _, err := c.GetMemory(bg, &ctl.GetMemoryInput{MemoryId: m.Id}); !isCtlNotFound(err) {
		t.Fatalf("get deleted: %v", err)
	}
	if _, err := c.DeleteMemory(bg, &ctl.DeleteMemoryInput{MemoryId: m.Id}); !isCtlNotFound(err) {
		t.Fatalf("delete twice: %v", err)
	}
}

func TestMemoryControlBadInput(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	c := e.Control
	cases := map[string]*ctl.CreateMemoryInput{
		"bad name":           {Name: aws.String("1bad-name"), EventExpiryDuration: aws.Int32(7)},
		"expiry too short":   {Name: aws.String("ok"), EventExpiryDuration: aws.Int32(1)},
		"expiry too long":    {Name: aws.String("ok"), EventExpiryDuration: aws.Int32(366)},
		"bad namespace var":  {Name: aws.String("ok"), EventExpiryDuration: aws.Int32(7), MemoryStrategies: []ctltypes.MemoryStrategyInput{semantic("s", "/x/{userId}/")}},
		"bad namespace":      {Name: aws.String("ok"), EventExpiryDuration: aws.Int32(7), MemoryStrategies: []ctltypes.MemoryStrategyInput{semantic("s", "/x/ spaces /")}},
		"duplicate strategy": {Name: aws.String("ok"), EventExpiryDuration: aws.Int32(7), MemoryStrategies: []ctltypes.MemoryStrategyInput{semantic("s"), semantic("s")}},
		"override without model": {Name: aws.String("ok"), EventExpiryDuration: aws.Int32(7), MemoryStrategies: []ctltypes.MemoryStrategyInput{
			&ctltypes.MemoryStrategyInputMemberCustomMemoryStrategy{Value: ctltypes.CustomMemoryStrategyInput{Name: aws.String("c"),
				Configuration: &ctltypes.CustomConfigurationInputMemberSemanticOverride{Value: ctltypes.SemanticOverrideConfigurationInput{
					Extraction: &ctltypes.SemanticOverrideExtractionConfigurationInput{AppendToPrompt: aws.String("x"), ModelId: aws.String("")}}}}}}},
	}
	for name, in := range cases {
		if _, err := c.CreateMemory(bg, in); !isCtlValidation(err) {
			t.Errorf("%s: want ValidationException, got %v", name, err)
		}
	}
	if _, err := c.GetMemory(bg, &ctl.GetMemoryInput{MemoryId: aws.String("missing-0123456789")}); !isCtlNotFound(err) {
		t.Fatalf("unknown memory: %v", err)
	}
	if _, err := c.GetMemory(bg, &ctl.GetMemoryInput{MemoryId: aws.String("bad id")}); !isCtlValidation(err) {
		t.Fatalf("malformed id: %v", err)
	}
}
