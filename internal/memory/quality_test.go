package memory

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/embed"
)

type recallSet struct {
	Facts []struct {
		ID      int    `json:"id"`
		Session string `json:"session"`
		Fact    string `json:"fact"`
	} `json:"facts"`
	Questions []struct {
		Question string `json:"question"`
		Answer   int    `json:"answer"`
	} `json:"questions"`
}

// bm25 is the keyword baseline: Okapi BM25 (k1=1.2, b=0.75) over the same
// tokenizer the hashing embedder uses.
type bm25 struct {
	docs  [][]string
	df    map[string]int
	avgdl float64
}

func newBM25(texts []string) *bm25 {
	b := &bm25{df: map[string]int{}}
	total := 0
	for _, t := range texts {
		toks := embed.Tokenize(t)
		b.docs = append(b.docs, toks)
		total += len(toks)
		seen := map[string]bool{}
		for _, w := range toks {
			if !seen[w] {
				b.df[w]++
				seen[w] = true
			}
		}
	}
	b.avgdl = float64(total) / float64(len(texts))
	return b
}

func (b *bm25) score(q string, d int) float64 {
	tf := map[string]int{}
	for _, w := range b.docs[d] {
		tf[w]++
	}
	n := float64(len(b.docs))
	s := 0.0
	for _, w := range embed.Tokenize(q) {
		f := float64(tf[w])
		if f == 0 {
			continue
		}
		idf := math.Log(1 + (n-float64(b.df[w])+0.5)/(float64(b.df[w])+0.5))
		s += idf * f * 2.2 / (f + 1.2*(0.25+0.75*float64(len(b.docs[d]))/b.avgdl))
	}
	return s
}

func topK(scores []float64, k int) []int {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	return idx[:k]
}

// TestRetrievalQuality reports recall@5 of the built-in embedder and of a
// BM25 keyword baseline on testdata/recall.json (50 facts over 10 sessions,
// one question per fact, worded differently from the fact). It fails only
// when the embedder is clearly broken.
func TestRetrievalQuality(t *testing.T) {
	raw, err := os.ReadFile("testdata/recall.json")
	if err != nil {
		t.Fatal(err)
	}
	var set recallSet
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	texts := make([]string, len(set.Facts))
	for i, f := range set.Facts {
		texts[i] = f.Fact
	}
	h := embed.NewHashing(256)
	fv, _ := h.Embed(context.Background(), texts)
	x := &index{dim: 256, pos: map[string]int{}}
	for i, v := range fv {
		x.put(&Record{MemoryRecordID: set.Facts[i].Session + "-" + texts[i]}, v)
	}
	kw := newBM25(texts)
	var hitE, hitK, hitE1 int
	for _, q := range set.Questions {
		qv, _ := h.Embed(context.Background(), []string{q.Question})
		for rank, hh := range x.search(qv[0], 5, nil) {
			if hh.i == q.Answer {
				hitE++
				if rank == 0 {
					hitE1++
				}
			}
		}
		scores := make([]float64, len(texts))
		for d := range texts {
			scores[d] = kw.score(q.Question, d)
		}
		for _, d := range topK(scores, 5) {
			if d == q.Answer {
				hitK++
			}
		}
	}
	n := float64(len(set.Questions))
	rE, rK := float64(hitE)/n, float64(hitK)/n
	t.Logf("recall@5 over %d questions: built-in hashing embedder %.2f (recall@1 %.2f), BM25 keyword baseline %.2f", len(set.Questions), rE, float64(hitE1)/n, rK)
	if rE < 0.3 {
		t.Fatalf("built-in embedder recall@5 %.2f is far below any useful level", rE)
	}
}
