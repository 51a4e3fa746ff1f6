package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/embed"
	"github.com/agentcore-dev/agentcore/internal/embed/static"
	kvlease "github.com/agentcore-dev/agentcore/internal/lease"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// countingEmbedder counts the texts it embeds and calls after (when set)
// after each batch.
type countingEmbedder struct {
	embed.Embedder
	texts atomic.Int64
	after func(batches int)
	calls atomic.Int64
}

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.texts.Add(int64(len(texts)))
	v, err := c.Embedder.Embed(ctx, texts)
	if c.after != nil {
		c.after(int(c.calls.Add(1)))
	}
	return v, err
}

// TestBackgroundReembed: records written with the hashing embedder are
// embedded again by a background pass when replicas with the static
// embedder start (SQLite shared by two replicas): the pass runs on the
// lease holder only, writes its progress after every batch (visible in
// GetMemory's agentcoreReembedding), and a pass stopped half-way is
// resumed by the other replica where it stopped, not from the start.
func TestBackgroundReembed(t *testing.T) {
	ctx := tenant.With(context.Background(), tenant.Tenant{Account: "123456789012", Region: "us-east-1"})
	kv, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	old := New(Options{KV: kv, Embedder: embed.NewHashing(256)})
	days := 30
	m, err := old.CreateMemory(ctx, CreateMemoryInput{Name: "bgreembed", EventExpiryDuration: &days})
	if err != nil {
		t.Fatal(err)
	}
	set := loadParaphrases(t)
	ts := Epoch(time.Now())
	const total = 300
	for i := 0; i < total; i += 100 {
		var in []RecordCreate
		for j := i; j < i+100; j++ {
			in = append(in, RecordCreate{RequestIdentifier: fmt.Sprint(j), Content: &Content{Text: fmt.Sprintf("%s (%d)", set.Facts[j%len(set.Facts)].Fact, j)},
				Timestamp: &ts, Namespaces: []string{"/u"}})
		}
		if _, bad, err := old.BatchCreateMemoryRecords(ctx, m.ID, in, nil); err != nil || len(bad) > 0 {
			t.Fatalf("create: %v %v", err, bad)
		}
	}
	st, _ := static.Default()

	// Replica 1 takes the lease and is stopped in its third batch.
	e1 := &countingEmbedder{Embedder: st}
	r1 := New(Options{KV: kv, Embedder: e1, Leader: kvlease.New(kv, "replica-1").Leader()})
	if p, _ := r1.GetMemory(ctx, m.ID); p.Reembedding == nil || p.Reembedding.Status != "PENDING" || p.Reembedding.Embedder != st.Name() {
		t.Fatalf("before the pass: %+v", p.Reembedding)
	}
	stop, cancel := context.WithCancel(ctx)
	e1.after = func(n int) {
		if n == 3 {
			cancel()
		}
	}
	if err := r1.reembedAll(stop); err == nil {
		t.Fatal("the stopped pass reported no error")
	}
	p, _ := r1.GetMemory(ctx, m.ID)
	if r := p.Reembedding; r.Status != "RUNNING" || r.RecordsTotal != total || r.RecordsChecked != 2*reembedBatch || r.RecordsReembedded != 2*reembedBatch {
		t.Fatalf("after two batches: %+v", r)
	}
	done := countEmbedder(t, kv, st.Name()) // the third batch's writes may have gone in before the stop
	if done < 2*reembedBatch || done > 3*reembedBatch {
		t.Fatalf("%d records carry the static vector after two batches", done)
	}

	// Replica 2 cannot run while replica 1 holds the lease.
	e2 := &countingEmbedder{Embedder: st}
	l2 := kvlease.New(kv, "replica-2")
	r2 := New(Options{KV: kv, Embedder: e2, Leader: l2.Leader(), ReembedInterval: 50 * time.Millisecond})
	if err := r2.reembedAll(ctx); err != errLeaseLost || e2.texts.Load() != 0 {
		t.Fatalf("replica 2 ran the pass while replica 1 held the lease: %v, %d texts", err, e2.texts.Load())
	}
	// Replica 1 stops (releases its leases): replica 2's background pass
	// resumes after the last finished batch.
	if err := kvlease.New(kv, "replica-1").Release(ctx, "memory-reembed"); err != nil {
		t.Fatal(err)
	}
	r2.Start()
	defer r2.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		p, err := r2.GetMemory(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Reembedding.Status == "COMPLETED" {
			if r := p.Reembedding; r.RecordsChecked != total || r.RecordsReembedded != total-(done-2*reembedBatch) || r.RecordsTotal != total {
				t.Fatalf("completed: %+v", r)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pass did not complete: %+v", p.Reembedding)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := e2.texts.Load(); got != int64(total-done) {
		t.Fatalf("replica 2 embedded %d texts, want %d (the rest after replica 1's batches)", got, total-done)
	}
	if n := countEmbedder(t, kv, st.Name()); n != total {
		t.Fatalf("%d of %d records carry the static vector", n, total)
	}
	// Loading the index now embeds nothing: every vector is current.
	before := e2.texts.Load()
	q := RecordQuery{Namespace: "/u", MaxResults: 3}
	q.SearchCriteria = &struct {
		SearchQuery     string           `json:"searchQuery"`
		StrategyID      string           `json:"memoryStrategyId"`
		TopK            int              `json:"topK"`
		MetadataFilters []MetadataFilter `json:"metadataFilters"`
	}{SearchQuery: set.Facts[3].Query, TopK: 3}
	if _, _, err := r2.RetrieveMemoryRecords(ctx, m.ID, q); err != nil {
		t.Fatal(err)
	}
	if got := e2.texts.Load() - before; got != 1 {
		t.Fatalf("the first retrieval embedded %d texts, want 1 (the query)", got)
	}
}

// countEmbedder counts the stored records whose vector name is name.
func countEmbedder(t *testing.T, kv store.KV, name string) int {
	n, after := 0, ""
	for {
		items, err := kv.List(context.Background(), tblRecord, "", after, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			var sr storedRecord
			if err := json.Unmarshal(it.Value, &sr); err != nil {
				t.Fatal(err)
			}
			if sr.Embedder == name {
				n++
			}
			after = it.Key
		}
		if len(items) < 500 {
			return n
		}
	}
}
