package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/embed"
	"github.com/agentcore-dev/agentcore/internal/embed/static"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// TestEmbedderChangeReembeds writes records with the hashing embedder and
// reads them with the static one: the stored vectors carry the name of the
// embedder that made them, so the second service embeds every record again
// (in one batch) instead of comparing its queries with foreign vectors.
func TestEmbedderChangeReembeds(t *testing.T) {
	ctx := tenant.With(context.Background(), tenant.Tenant{Account: "123456789012", Region: "us-east-1"})
	kv := &memKV{m: map[string]store.Item{}}
	first := New(Options{KV: kv, Embedder: embed.NewHashing(256)})
	days := 30
	m, err := first.CreateMemory(ctx, CreateMemoryInput{Name: "reembed", EventExpiryDuration: &days})
	if err != nil {
		t.Fatal(err)
	}
	set := loadParaphrases(t)
	ts := Epoch(time.Now())
	var in []RecordCreate
	for _, f := range set.Facts[:40] {
		in = append(in, RecordCreate{RequestIdentifier: fmt.Sprint(f.ID), Content: &Content{Text: f.Fact}, Timestamp: &ts, Namespaces: []string{"/u"}})
	}
	if _, bad, err := first.BatchCreateMemoryRecords(ctx, m.ID, in, nil); err != nil || len(bad) > 0 {
		t.Fatalf("create: %v %v", err, bad)
	}
	for _, it := range sortedItems(kv.m, tblRecord) {
		var st storedRecord
		json.Unmarshal(it.Value, &st)
		if st.Embedder != "builtin-hashing-256" {
			t.Fatalf("stored embedder %q", st.Embedder)
		}
	}
	st, _ := static.Default()
	second := New(Options{KV: kv, Embedder: st})
	q := RecordQuery{Namespace: "/u", MaxResults: 3}
	q.SearchCriteria = &struct {
		SearchQuery     string           `json:"searchQuery"`
		StrategyID      string           `json:"memoryStrategyId"`
		TopK            int              `json:"topK"`
		MetadataFilters []MetadataFilter `json:"metadataFilters"`
	}{SearchQuery: set.Facts[3].Query, TopK: 3}
	recs, _, err := second.RetrieveMemoryRecords(ctx, m.ID, q)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := st.Embed(ctx, []string{set.Facts[3].Query})
	top, _ := st.Embed(ctx, []string{recs[0].Content.Text})
	if len(recs) == 0 || recs[0].Score == nil || abs(*recs[0].Score-float64(embed.Dot(want[0], top[0]))) > 0.01 {
		t.Fatalf("the scores are not the static embedder's: %+v", recs)
	}
	// The new vectors were written back: the next start embeds nothing again.
	for _, it := range sortedItems(kv.m, tblRecord) {
		var sr storedRecord
		json.Unmarshal(it.Value, &sr)
		if sr.Embedder != st.Name() || len(sr.Vec) != 4*st.Dimensions() {
			t.Fatalf("record %s still has the vector of %q", it.Key, sr.Embedder)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
