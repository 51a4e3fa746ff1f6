package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/embed"
	"github.com/agentcore-dev/agentcore/internal/embed/minilm"
	"github.com/agentcore-dev/agentcore/internal/embed/static"
)

type paraphraseSet struct {
	Facts []struct {
		ID       int    `json:"id"`
		Category string `json:"category"`
		Fact     string `json:"fact"`
		Query    string `json:"query"`
	} `json:"facts"`
}

func loadParaphrases(t testing.TB) *paraphraseSet {
	raw, err := os.ReadFile("testdata/paraphrase.json")
	if err != nil {
		t.Fatal(err)
	}
	var set paraphraseSet
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	return &set
}

// minilmFromEnv loads the transformer from $AGENTCORE_MINILM_DIR, or
// returns the reason it cannot.
func minilmFromEnv() (*minilm.Model, string) {
	d := os.Getenv("AGENTCORE_MINILM_DIR")
	if d == "" {
		return nil, "AGENTCORE_MINILM_DIR is not set (agentcore memory fetch-model --dir DIR places the weights)"
	}
	if !minilm.Present(d) {
		return nil, fmt.Sprintf("no model.safetensors and tokenizer.json in %s", filepath.Clean(d))
	}
	m, err := minilm.Load(d)
	if err != nil {
		return nil, err.Error()
	}
	return m, ""
}

var paraphraseVecs = map[string][2][][]float32{}

// recallEmbedder stores every fact in a vector index (the int16 index
// Memory searches) and returns recall@1 and @3 of the queries, ranked by
// the vectors alone or (hybrid) as RetrieveMemoryRecords ranks: the
// vector shortlist re-ordered with BM25 (hybrid.go).
func recallEmbedder(t *testing.T, e embed.Embedder, set *paraphraseSet, hybrid bool) (r1, r3 float64, misses []string) {
	ctx := context.Background()
	texts := make([]string, len(set.Facts))
	queries := make([]string, len(set.Facts))
	for i, f := range set.Facts {
		texts[i], queries[i] = f.Fact, f.Query
	}
	vecs, ok := paraphraseVecs[e.Name()] // the vector and hybrid rows share one embedding pass
	if !ok {
		fv, err := e.Embed(ctx, texts)
		if err != nil {
			t.Fatal(err)
		}
		qv, err := e.Embed(ctx, queries)
		if err != nil {
			t.Fatal(err)
		}
		vecs = [2][][]float32{fv, qv}
		paraphraseVecs[e.Name()] = vecs
	}
	fv, qv := vecs[0], vecs[1]
	x := &index{dim: e.Dimensions(), pos: map[string]int{}, exactOnly: true}
	for i, v := range fv {
		x.put(&Record{MemoryRecordID: fmt.Sprintf("r%03d", i), Content: Content{Text: texts[i]}}, v)
	}
	var h1, h3 int
	for i := range queries {
		hits := x.search(qv[i], 3, nil)
		if hybrid {
			hits = x.rerank(queries[i], x.search(qv[i], hybridShortlist, nil), 3)
		}
		for rank, h := range hits {
			if x.recs[h.i].MemoryRecordID == fmt.Sprintf("r%03d", i) {
				h3++
				if rank == 0 {
					h1++
				}
				break
			}
			if rank == len(hits)-1 {
				misses = append(misses, fmt.Sprintf("%q -> %q", queries[i], texts[x.pos[x.recs[hits[0].i].MemoryRecordID]]))
			}
		}
	}
	n := float64(len(queries))
	return float64(h1) / n, float64(h3) / n, misses
}

func recallBM25(set *paraphraseSet) (r1, r3 float64) {
	texts := make([]string, len(set.Facts))
	for i, f := range set.Facts {
		texts[i] = f.Fact
	}
	kw := newBM25(texts)
	var h1, h3 int
	for i, f := range set.Facts {
		scores := make([]float64, len(texts))
		for d := range texts {
			scores[d] = kw.score(f.Query, d)
		}
		for rank, d := range topK(scores, 3) {
			if d == i {
				h3++
				if rank == 0 {
					h1++
				}
			}
		}
	}
	n := float64(len(set.Facts))
	return float64(h1) / n, float64(h3) / n
}

// TestParaphraseRecall measures recall@1 and recall@3 on
// testdata/paraphrase.json (120 facts: preferences, events, numbers and
// names, each found by a reworded query) for BM25, the hashing embedder,
// the built-in static embedder and the MiniLM transformer (skipped with the
// reason when its weights are absent; .ci/run places them), each ranked by
// its vectors alone and as RetrieveMemoryRecords ranks (hybrid with BM25),
// in one run. The transformer's hybrid row is held to issue 19's 0.95; the
// static floor is a regression guard under its 0.600 (issue 19's 0.85 for
// the default is met by the transformer, the default once the README's
// first command has placed its weights).
func TestParaphraseRecall(t *testing.T) {
	set := loadParaphrases(t)
	if len(set.Facts) < 100 {
		t.Fatalf("%d facts, want at least 100", len(set.Facts))
	}
	var report strings.Builder
	fmt.Fprintf(&report, "paraphrase recall over %d facts:\n", len(set.Facts))
	b1, b3 := recallBM25(set)
	fmt.Fprintf(&report, "  %-45s recall@1 %.3f  recall@3 %.3f\n", "BM25", b1, b3)
	row := func(e embed.Embedder, min3, minHybrid3 float64) {
		for _, hybrid := range []bool{false, true} {
			name, floor := e.Name(), min3
			if hybrid {
				name, floor = e.Name()+" + BM25", minHybrid3
			}
			r1, r3, misses := recallEmbedder(t, e, set, hybrid)
			fmt.Fprintf(&report, "  %-45s recall@1 %.3f  recall@3 %.3f\n", name, r1, r3)
			if r3 < floor {
				t.Errorf("%s: recall@3 %.3f below %.2f; misses:\n  %s", name, r3, floor, strings.Join(misses, "\n  "))
			}
		}
	}
	row(embed.NewHashing(256), 0, 0)
	st, err := static.Default()
	if err != nil {
		t.Fatal(err)
	}
	row(st, 0.55, 0.55)
	if m, why := minilmFromEnv(); m != nil {
		row(m, 0.90, 0.95) // issue 19's transformer target is met by the hybrid ranking Memory uses
	} else {
		fmt.Fprintf(&report, "  %-45s skipped: %s\n", minilm.Name, why)
	}
	t.Log(report.String())
}
