package memory

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/embed"
	"github.com/agentcore-dev/agentcore/internal/embed/static"
)

// BenchmarkEmbedQuery times one query embedding per embedder (the
// paraphrase set's queries in turn) and reports p50/p99 besides the mean;
// minilm needs $AGENTCORE_MINILM_DIR.
func BenchmarkEmbedQuery(b *testing.B) {
	set := loadParaphrases(b)
	st, err := static.Default()
	if err != nil {
		b.Fatal(err)
	}
	embedders := []embed.Embedder{embed.NewHashing(256), st}
	if m, why := minilmFromEnv(); m != nil {
		embedders = append(embedders, m)
	} else {
		b.Logf("minilm-l6-v2 skipped: %s", why)
	}
	for _, e := range embedders {
		b.Run(e.Name(), func(b *testing.B) {
			ctx := context.Background()
			times := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				q := []string{set.Facts[i%len(set.Facts)].Query}
				t0 := time.Now()
				if _, err := e.Embed(ctx, q); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "p99-µs")
		})
	}
}

// BenchmarkEmbedIngest embeds the paraphrase set's 120 facts in one call
// (as a record batch is embedded) and reports records per second.
func BenchmarkEmbedIngest(b *testing.B) {
	set := loadParaphrases(b)
	texts := make([]string, len(set.Facts))
	for i, f := range set.Facts {
		texts[i] = f.Fact
	}
	st, err := static.Default()
	if err != nil {
		b.Fatal(err)
	}
	embedders := []embed.Embedder{embed.NewHashing(256), st}
	if m, why := minilmFromEnv(); m != nil {
		embedders = append(embedders, m)
	} else {
		b.Logf("minilm-l6-v2 skipped: %s", why)
	}
	for _, e := range embedders {
		b.Run(e.Name(), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := e.Embed(context.Background(), texts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(texts))/b.Elapsed().Seconds(), "records/s")
		})
	}
}
