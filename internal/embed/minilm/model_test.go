package minilm

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

type reference struct {
	Tokenize []struct {
		Text string  `json:"text"`
		IDs  []int32 `json:"ids"`
	} `json:"tokenize"`
	Embed []struct {
		Text   string    `json:"text"`
		IDs    []int32   `json:"ids"`
		Vector []float32 `json:"vector"`
	} `json:"embed"`
}

func loadReference(t testing.TB) *reference {
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// WeightsDir is where tests find the model: $AGENTCORE_MINILM_DIR (the
// directory `go run ./internal/embed/minilm/cmd/fetch` fills). Tests that
// need the weights skip with the reason when it is unset or empty.
func WeightsDir(t testing.TB) string {
	d := os.Getenv("AGENTCORE_MINILM_DIR")
	if d == "" {
		t.Skip("AGENTCORE_MINILM_DIR is not set: the MiniLM weights are not here " +
			"(fetch them with `go run ./internal/embed/minilm/cmd/fetch -dir DIR`)")
	}
	if _, err := os.Stat(filepath.Join(d, "model.safetensors")); err != nil {
		t.Skipf("no MiniLM weights in AGENTCORE_MINILM_DIR: %v", err)
	}
	return d
}

func cosine(a, b []float32) float64 {
	var s, na, nb float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return s / (sqrt(na) * sqrt(nb))
}

func sqrt(x float64) float64 {
	z := x
	for i := 0; i < 60 && z > 0; i++ {
		z = (z + x/z) / 2
	}
	return z
}

// TestTokenizerMatchesReference compares the ids with those of the Hugging
// Face tokenizers library (testdata/reference.json, written by
// testdata/reference.py) on accents, CJK, punctuation, control characters,
// long words and truncation.
func TestTokenizerMatchesReference(t *testing.T) {
	tok := tokenizerForTest(t)
	ref := loadReference(t)
	for _, c := range ref.Tokenize {
		if got := tok.Encode(c.Text, MaxTokens); !slices.Equal(got, c.IDs) {
			t.Errorf("Encode(%q)\n got %v\nwant %v", c.Text, got, c.IDs)
		}
	}
	for _, c := range ref.Embed {
		if got := tok.Encode(c.Text, MaxTokens); !slices.Equal(got, c.IDs) {
			t.Errorf("Encode(%q)\n got %v\nwant %v", c.Text, got, c.IDs)
		}
	}
}

func tokenizerForTest(t testing.TB) *Tokenizer {
	tok, err := LoadTokenizer(filepath.Join(WeightsDir(t), "tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestModelMatchesReference checks the Go forward pass against the NumPy
// float64 reference vectors and the similarities the sentence-transformers
// documentation prints for its quick-start sentences (0.6660, 0.1046,
// 0.1411): with float32 weights (LoadFloat32) at cosine ≥ 0.9999 and ±0.0006,
// with the int8 weights Load gives at cosine ≥ 0.995 and ±0.003 (measured:
// 0.9978 for the 256-token input, ≥ 0.9995 for the others).
func TestModelMatchesReference(t *testing.T) {
	dir := WeightsDir(t)
	ref := loadReference(t)
	texts := make([]string, len(ref.Embed))
	for i, c := range ref.Embed {
		texts[i] = c.Text
	}
	for _, c := range []struct {
		name       string
		load       func(string) (*Model, error)
		cos, simTo float64
	}{{"float32", LoadFloat32, 0.9999, 0.0006}, {"int8", Load, 0.995, 0.003}} {
		m, err := c.load(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, threads := range []int{1, 2} {
			m.SetThreads(threads)
			got, err := m.Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range []int{0, len(texts) - 1} { // alone as well as in a batch
				single, _ := m.Embed(context.Background(), texts[i:i+1])
				if cos := cosine(single[0], got[i]); cos < 0.999999 {
					t.Errorf("%s threads %d: %q alone vs in a batch: cosine %.7f", c.name, threads, texts[i], cos)
				}
			}
			for i, v := range got {
				if cos := cosine(v, ref.Embed[i].Vector); cos < c.cos {
					t.Errorf("%s threads %d: %q: cosine to the reference %.6f", c.name, threads, texts[i], cos)
				}
			}
			for _, w := range []struct {
				a, b int
				sim  float64
			}{{0, 1, 0.6660}, {0, 2, 0.1046}, {1, 2, 0.1411}} {
				if s := cosine(got[w.a], got[w.b]); s < w.sim-c.simTo || s > w.sim+c.simTo {
					t.Errorf("%s: similarity(%q, %q) = %.4f, sentence-transformers documents %.4f", c.name, texts[w.a], texts[w.b], s, w.sim)
				}
			}
		}
	}
}

// BenchmarkMiniLMQuery embeds one 12-token query with one and with two
// threads; cpu-µs/op is the process's CPU time per query (on a shared
// machine the wall time mostly measures the other tenants).
func BenchmarkMiniLMQuery(b *testing.B) {
	m, err := Load(WeightsDir(b))
	if err != nil {
		b.Fatal(err)
	}
	q := []string{"Which seat does the user like on long flights?"}
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			m.SetThreads(threads)
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				if _, err := m.Embed(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-c0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}
