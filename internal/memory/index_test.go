package memory

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/embed"
)

func randomIndex(n, dim int) *index {
	r := rand.New(rand.NewPCG(1, 2))
	x := &index{dim: dim, pos: map[string]int{}}
	for i := 0; i < n; i++ {
		v := make([]float32, dim)
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		embed.Normalize(v)
		x.put(&Record{MemoryRecordID: fmt.Sprint(i), Namespaces: []string{fmt.Sprintf("/facts/actor%d/", i%1000)}}, v)
	}
	return x
}

func TestIndexSearchMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := &index{dim: 64, pos: map[string]int{}}
	var all [][]float32
	for i := 0; i < 3000; i++ {
		v := make([]float32, 64)
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		embed.Normalize(v)
		all = append(all, v)
		x.put(&Record{MemoryRecordID: fmt.Sprint(i), Namespaces: []string{fmt.Sprintf("/facts/actor%d/", i%1000)}}, v)
	}
	q := all[5]
	hits := x.search(q, 5, nil)
	if len(hits) != 5 || hits[0].i != 5 {
		t.Fatalf("self not first: %+v", hits)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].score > hits[i-1].score {
			t.Fatal("not sorted")
		}
	}
	best, bestI := float32(-2), -1
	for i := 0; i < 3000; i++ {
		if i != 5 {
			if s := embed.Dot(q, all[i]); s > best {
				best, bestI = s, i
			}
		}
	}
	if x.recs[hits[1].i].MemoryRecordID != fmt.Sprint(bestI) || hits[1].score-best > 2e-3 || best-hits[1].score > 2e-3 {
		t.Fatalf("second best %v (%s) want %v (%d)", hits[1].score, x.recs[hits[1].i].MemoryRecordID, best, bestI)
	}
	x.remove("5")
	if h := x.search(q, 1, nil); x.recs[h[0].i].MemoryRecordID != fmt.Sprint(bestI) {
		t.Fatal("remove")
	}
	m := namespaceMatcher("/facts/actor7/")
	keep := &filter{namespaces: func(l []string) bool { return m(l[0]) }}
	for _, h := range x.search(q, 10, keep) {
		if x.recs[h.i].Namespaces[0] != "/facts/actor7/" {
			t.Fatal("filter")
		}
	}
}

func benchSearch(b *testing.B, n int, ns string) {
	x := randomIndex(n, 256)
	q := make([]float32, 256)
	q[0] = 1
	var keep *filter
	if ns != "" {
		m := namespaceMatcher(ns)
		keep = &filter{namespaces: func(l []string) bool { return m(l[0]) }}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.search(q, 10, keep)
	}
}

func BenchmarkIndexSearch100k(b *testing.B)   { benchSearch(b, 100_000, "") }
func BenchmarkIndexSearch100kNS(b *testing.B) { benchSearch(b, 100_000, "/facts/actor7/") }

func BenchmarkIndexSearch100kAllNS(b *testing.B) { benchSearch(b, 100_000, "/facts/") }

// TestApproxSearchRecall compares the shortlisted search with the exact one
// on 60k hashed synthetic facts: the top 10 must overlap by ≥ 95%.
func TestApproxSearchRecall(t *testing.T) {
	if testing.Short() {
		t.Skip("embeds 60k texts")
	}
	words := []string{"user", "prefers", "likes", "lives", "works", "drives", "owns", "plays", "reads", "coffee", "tea", "lisbon", "porto",
		"berlin", "kyoto", "cello", "guitar", "piano", "football", "tennis", "running", "dog", "cat", "python", "golang", "rust",
		"morning", "evening", "sushi", "pasta", "curry", "daughter", "wife", "mother", "manager", "doctor", "nurse", "engineer", "marathon"}
	r := rand.New(rand.NewPCG(3, 4))
	text := func() string {
		w := make([]string, 6+r.IntN(8))
		for i := range w {
			w[i] = words[r.IntN(len(words))]
		}
		return "The " + strings.Join(w, " ")
	}
	h := embed.NewHashing(256)
	x := &index{dim: 256, pos: map[string]int{}}
	for i := 0; i < 60_000; i++ {
		v, _ := h.Embed(context.Background(), []string{text()})
		x.put(&Record{MemoryRecordID: fmt.Sprint(i), Namespaces: []string{"/n/"}}, v[0])
	}
	overlap := 0
	for qn := 0; qn < 40; qn++ {
		qv, _ := h.Embed(context.Background(), []string{text()})
		x.exactOnly = true
		exact := x.search(qv[0], 10, nil)
		x.exactOnly = false
		approx := x.search(qv[0], 10, nil)
		want := map[int]bool{}
		for _, e := range exact {
			want[e.i] = true
		}
		for _, a := range approx {
			if want[a.i] {
				overlap++
			}
		}
	}
	if got := float64(overlap) / 400; got < 0.95 {
		t.Fatalf("approximate top-10 overlap %.3f", got)
	} else {
		t.Logf("approximate top-10 overlap with exact: %.3f", got)
	}
}

func BenchmarkIndexSearch100kExact(b *testing.B) {
	x := randomIndex(100_000, 256)
	x.exactOnly = true
	q := make([]float32, 256)
	q[0] = 1
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.search(q, 10, nil)
	}
}
