package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/embed"
)

const searchData = "../e2e/api/testdata/gateway/"

func searchCatalogue(t testing.TB, copies int) (*Service, *Catalogue, []struct{ Query, Expect string }) {
	var tools []struct{ Target, Name, Description string }
	var queries []struct{ Query, Expect string }
	for f, v := range map[string]any{"search_tools.json": &tools, "search_queries.json": &queries} {
		b, err := os.ReadFile(searchData + f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	s := New(Options{Embedder: embed.NewHashing(0)})
	c := &Catalogue{Gateway: &Gateway{}, byName: map[string]*Entry{}}
	for i := range copies {
		for _, tl := range tools {
			target := tl.Target
			if i > 0 {
				target = fmt.Sprintf("%s%d", tl.Target, i)
			}
			e := &Entry{Name: target + Sep + tl.Name, Target: &Target{Name: target}, Tool: &Tool{Name: tl.Name, Description: tl.Description}}
			c.Tools = append(c.Tools, e)
			c.byName[e.Name] = e
		}
	}
	return s, c, queries
}

func TestSearchQuality(t *testing.T) {
	s, c, queries := searchCatalogue(t, 1)
	hits := 0
	for _, q := range queries {
		got, err := s.Search(context.Background(), c, q.Query, 3)
		if err != nil {
			t.Fatal(err)
		}
		ok := false
		for _, e := range got {
			ok = ok || e.Name == q.Expect
		}
		if ok {
			hits++
		} else {
			t.Logf("miss %q want %s got %s %s %s", q.Query, q.Expect, got[0].Name, got[1].Name, got[2].Name)
		}
	}
	t.Logf("top-3: %d/%d", hits, len(queries))
	if hits*10 < len(queries)*9 {
		t.Fatalf("top-3 hit rate %d/%d below 90%%", hits, len(queries))
	}
}

// BenchmarkSearch1000 is one search over a 1,000-tool catalogue (the index
// is built once per catalogue version, before the timer).
func BenchmarkSearch1000(b *testing.B) {
	s, c, queries := searchCatalogue(b, 4) // 1,200 tools
	c.Tools = c.Tools[:1000]
	ctx := context.Background()
	if _, err := s.Search(ctx, c, "warm up", 10); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Search(ctx, c, queries[i%len(queries)].Query, 10); err != nil {
			b.Fatal(err)
		}
	}
}
