package api_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

var episodeRE = regexp.MustCompile(`USER: EPISODE: ([^\n]+)`)

// episodicModel writes one episode per "EPISODE: ..." line; on reflection
// it ADDs one insight naming how many episodes it saw, or UPDATEs the
// existing one.
func episodicModel(kind, user string) (int, string) {
	switch kind {
	case "extract":
		var mems []map[string]string
		for _, m := range episodeRE.FindAllStringSubmatch(user, -1) {
			mems = append(mems, map[string]string{"content": "Episode: " + m[1]})
		}
		b, _ := json.Marshal(map[string]any{"memories": mems})
		return 200, string(b)
	case "reflect":
		var eps []string
		json.Unmarshal([]byte(user[strings.Index(user, "EPISODES: ")+10:strings.Index(user, "\nEXISTING: ")]), &eps)
		text := fmt.Sprintf("Across %d episodes the user books trains, and asks for window seats", len(eps))
		op := map[string]string{"action": "ADD", "text": text}
		if m := existingRE.FindStringSubmatch(user); m != nil {
			op = map[string]string{"action": "UPDATE", "id": m[1], "text": text}
		}
		b, _ := json.Marshal(map[string]any{"operations": []any{op}})
		return 200, string(b)
	}
	return 200, `{"operations": []}`
}

func TestMemoryEpisodicReflections(t *testing.T) {
	sm := newScriptedModel(t, episodicModel)
	e := modelEnv(t, sm, t.TempDir())
	m := createMemory(t, e, "episodic", &ctltypes.MemoryStrategyInputMemberEpisodicMemoryStrategy{Value: ctltypes.EpisodicMemoryStrategyInput{
		Name: aws.String("journeys"), NamespaceTemplates: []string{"/journeys/{actorId}/{sessionId}/"},
		ReflectionConfiguration: &ctltypes.EpisodicReflectionConfigurationInput{NamespaceTemplates: []string{"/journeys/{actorId}/"}}}})
	mem, sid := *m.Id, *m.Strategies[0].StrategyId
	if m.Strategies[0].Type != ctltypes.MemoryStrategyTypeEpisodic {
		t.Fatalf("strategy type %s", m.Strategies[0].Type)
	}
	rc, ok := m.Strategies[0].Configuration.Reflection.(*ctltypes.ReflectionConfigurationMemberEpisodicReflectionConfiguration)
	if !ok || len(rc.Value.NamespaceTemplates) != 1 || rc.Value.NamespaceTemplates[0] != "/journeys/{actorId}/" {
		t.Fatalf("GetMemory reflection configuration: %#v", m.Strategies[0].Configuration)
	}

	putEvent(t, e, mem, "alice", "s1", time.Now(), turn(dptypes.RoleUser, "EPISODE: booked a train to Porto with a window seat"), turn(dptypes.RoleAssistant, "Done."))
	waitJobs(t, e, mem, 2) // the extraction, then its reflection
	putEvent(t, e, mem, "alice", "s2", time.Now(), turn(dptypes.RoleUser, "EPISODE: booked a train to Madrid, window seat again"))
	js := waitJobs(t, e, mem, 4)
	for _, j := range js {
		if j.Status != "COMPLETED" {
			t.Fatalf("job %s: %s %v", *j.JobID, j.Status, aws.ToString(j.FailureReason))
		}
	}
	if sm.count("reflect") != 2 {
		t.Fatalf("reflection calls: %d", sm.count("reflect"))
	}
	ep := listRecords(t, e, mem, "/journeys/alice/s2/")
	if len(ep) != 1 || textOf(ep[0].Content) != "Episode: booked a train to Madrid, window seat again" || *ep[0].MemoryStrategyId != sid {
		t.Fatalf("episodes of s2: %+v", ep)
	}
	var reflections []dptypes.MemoryRecordSummary
	for _, r := range listRecords(t, e, mem, "/journeys/alice/") {
		if r.Namespaces[0] == "/journeys/alice/" {
			reflections = append(reflections, r)
		}
	}
	// The second reflection saw both episodes and UPDATEd the first one.
	want := "Across 2 episodes the user books trains, and asks for window seats"
	if len(reflections) != 1 || textOf(reflections[0].Content) != want {
		t.Fatalf("reflections: %+v", reflections)
	}
	got, err := e.Data.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: aws.String(mem), Namespace: aws.String("/journeys/alice/"),
		SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("what does the user ask for when booking trains"), TopK: aws.Int32(3)}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range got.MemoryRecordSummaries {
		found = found || textOf(r.Content) == want
	}
	if !found {
		t.Fatalf("retrieve found no reflection: %+v", got.MemoryRecordSummaries)
	}
}

func TestMemoryEpisodicBadInput(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	for name, st := range map[string]ctltypes.EpisodicMemoryStrategyInput{
		"reflection not a prefix": {Name: aws.String("ep"), NamespaceTemplates: []string{"/episodes/{actorId}/{sessionId}/"},
			ReflectionConfiguration: &ctltypes.EpisodicReflectionConfigurationInput{NamespaceTemplates: []string{"/reflections/{actorId}/"}}},
		"reflection without namespaces": {Name: aws.String("ep"), ReflectionConfiguration: &ctltypes.EpisodicReflectionConfigurationInput{}},
		"reflection per session": {Name: aws.String("ep"), NamespaceTemplates: []string{"/e/{actorId}/{sessionId}/"},
			ReflectionConfiguration: &ctltypes.EpisodicReflectionConfigurationInput{NamespaceTemplates: []string{"/e/{actorId}/{sessionId}/"}}},
	} {
		_, err := e.Control.CreateMemory(bg, &ctl.CreateMemoryInput{Name: aws.String("bad"), EventExpiryDuration: aws.Int32(30),
			MemoryStrategies: []ctltypes.MemoryStrategyInput{&ctltypes.MemoryStrategyInputMemberEpisodicMemoryStrategy{Value: st}}})
		if !isCtlValidation(err) {
			t.Errorf("%s: want ValidationException, got %v", name, err)
		}
	}
	// The default episode namespace gets the default actor-level reflection namespace.
	m := createMemory(t, e, "epdefault", &ctltypes.MemoryStrategyInputMemberEpisodicMemoryStrategy{Value: ctltypes.EpisodicMemoryStrategyInput{Name: aws.String("ep")}})
	rc, ok := m.Strategies[0].Configuration.Reflection.(*ctltypes.ReflectionConfigurationMemberEpisodicReflectionConfiguration)
	if !ok || rc.Value.Namespaces[0] != "/strategies/{memoryStrategyId}/actors/{actorId}/" {
		t.Fatalf("default reflection: %#v", m.Strategies[0].Configuration)
	}
}
