package static

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/embed/minilm"
)

// TestTableRoundTrip decodes the built-in table and encodes it back to the
// same bytes.
func TestTableRoundTrip(t *testing.T) {
	tb, err := Decode(tableFile)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Name != "static-minilm-l6-v2-pca256-zipf-v1" || tb.Dims != 256 || len(tb.Vocab) != 30522 {
		t.Fatalf("table %s: %d dims, %d tokens", tb.Name, tb.Dims, len(tb.Vocab))
	}
	var b bytes.Buffer
	if err := tb.Encode(&b); err != nil || !bytes.Equal(b.Bytes(), tableFile) {
		t.Fatalf("encode: %v, same bytes %v", err, bytes.Equal(b.Bytes(), tableFile))
	}
	if _, err := Decode(tableFile[:len(tableFile)-1]); err == nil {
		t.Fatal("a truncated table decodes")
	}
}

// TestEmbeddedVocabularyTokenizes checks the tokenizer built from the
// table's vocabulary against the Hugging Face tokenizers ids in
// ../minilm/testdata/reference.json (no weights needed).
func TestEmbeddedVocabularyTokenizes(t *testing.T) {
	raw, err := os.ReadFile("../minilm/testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Tokenize, Embed []struct {
			Text string  `json:"text"`
			IDs  []int32 `json:"ids"`
		}
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	e, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range append(ref.Tokenize, ref.Embed...) {
		if got := e.tok.Encode(c.Text, minilm.MaxTokens); !slices.Equal(got, c.IDs) {
			t.Errorf("Encode(%q)\n got %v\nwant %v", c.Text, got, c.IDs)
		}
	}
	v, _ := e.Embed(context.Background(), []string{"", "The user prefers aisle seats."})
	var n float32
	for _, x := range v[1] {
		n += x * x
	}
	if len(v[0]) != 256 || slices.ContainsFunc(v[0], func(x float32) bool { return x != 0 }) || n < 0.999 || n > 1.001 {
		t.Fatalf("empty text gives %v…, a sentence a vector of squared norm %v", v[0][:4], n)
	}
}

func BenchmarkStaticQuery(b *testing.B) {
	e, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	q := []string{"Which seat does the user like on long flights?"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Embed(context.Background(), q)
	}
}
