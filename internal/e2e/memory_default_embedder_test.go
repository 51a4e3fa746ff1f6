package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestDefaultEmbedderRecall (issue 19, must show 1 over the wire): a server
// with the default embedder setting whose data directory holds the MiniLM
// weights where the README's first command (`agentcore memory fetch-model`)
// puts them stores the 120 facts of internal/memory/testdata/paraphrase.json
// with BatchCreateMemoryRecords and finds each by its reworded query with
// RetrieveMemoryRecords (top 3), through the AWS SDK: recall@3 must be at
// least 0.85.
func TestDefaultEmbedderRecall(t *testing.T) {
	src := os.Getenv("AGENTCORE_MINILM_DIR")
	if src == "" {
		t.Skip("AGENTCORE_MINILM_DIR is not set: no MiniLM weights to place (agentcore memory fetch-model --dir DIR; .ci/run sets it)")
	}
	raw, err := os.ReadFile(filepath.Join("..", "memory", "testdata", "paraphrase.json"))
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Facts []struct {
			ID    int    `json:"id"`
			Fact  string `json:"fact"`
			Query string `json:"query"`
		} `json:"facts"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	cfg := testenv.Fast()
	cfg.DataDir = t.TempDir()
	dst := filepath.Join(cfg.DataDir, config.MiniLMDir)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(src, dst); err != nil {
		t.Fatal(err)
	}
	e := testenv.Start(t, cfg)
	ctx := t.Context()
	mo, err := e.Control.CreateMemory(ctx, &ctl.CreateMemoryInput{Name: aws.String("default_embedder"), EventExpiryDuration: aws.Int32(30)})
	if err != nil {
		t.Fatal(err)
	}
	mem := mo.Memory.Id
	const ns = "/facts/user1/"
	idOf := map[string]int{} // memory record id → fact id
	for i := 0; i < len(set.Facts); i += 50 {
		var in []dptypes.MemoryRecordCreateInput
		for _, f := range set.Facts[i:min(i+50, len(set.Facts))] {
			in = append(in, dptypes.MemoryRecordCreateInput{RequestIdentifier: aws.String(fmt.Sprint(f.ID)),
				Content: &dptypes.MemoryContentMemberText{Value: f.Fact}, Namespaces: []string{ns}, Timestamp: aws.Time(time.Now())})
		}
		out, err := e.Data.BatchCreateMemoryRecords(ctx, &dp.BatchCreateMemoryRecordsInput{MemoryId: mem, Records: in})
		if err != nil || len(out.FailedRecords) > 0 {
			t.Fatalf("BatchCreateMemoryRecords: %v %+v", err, out)
		}
		for _, r := range out.SuccessfulRecords {
			var id int
			fmt.Sscan(aws.ToString(r.RequestIdentifier), &id) //nolint:errcheck // ours: a number
			idOf[aws.ToString(r.MemoryRecordId)] = id
		}
	}
	hits := 0
	var misses []string
	for _, f := range set.Facts {
		out, err := e.Data.RetrieveMemoryRecords(ctx, &dp.RetrieveMemoryRecordsInput{MemoryId: mem, Namespace: aws.String(ns),
			SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String(f.Query), TopK: aws.Int32(3)}})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, s := range out.MemoryRecordSummaries {
			if id, ok := idOf[aws.ToString(s.MemoryRecordId)]; ok && id == f.ID {
				found = true
			}
		}
		if found {
			hits++
		} else {
			misses = append(misses, f.Query)
		}
	}
	recall := float64(hits) / float64(len(set.Facts))
	t.Logf("default embedder with the README's weights in place: recall@3 %.3f over %d facts through RetrieveMemoryRecords", recall, len(set.Facts))
	if recall < 0.85 {
		t.Errorf("recall@3 %.3f below 0.85; missed queries: %q", recall, misses)
	}
}
