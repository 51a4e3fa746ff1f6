// Package static is the default Memory embedder: a token-embedding table
// distilled from all-MiniLM-L6-v2 (the model2vec method: every vocabulary
// token through the transformer, PCA, Zipf weighting; cmd/distill makes
// it), built into the binary. A text's vector is the normalised sum of its
// WordPiece tokens' rows: no weights to fetch, microseconds per query.
package static

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/embed/minilm"
)

// tableFile is made by `go run ./internal/embed/static/cmd/distill`.
//
//go:embed minilm256.bin
var tableFile []byte

// Embedder embeds texts with a static table (embed.Embedder).
type Embedder struct {
	t   *Table
	tok *minilm.Tokenizer
}

var (
	defaultOnce sync.Once
	defaultEmb  *Embedder
	defaultErr  error
)

// Default returns the embedder of the built-in table (decoded once).
func Default() (*Embedder, error) {
	defaultOnce.Do(func() {
		var t *Table
		if t, defaultErr = Decode(tableFile); defaultErr == nil {
			defaultEmb, defaultErr = New(t)
		}
	})
	return defaultEmb, defaultErr
}

// New returns an embedder over table t.
func New(t *Table) (*Embedder, error) {
	tok, err := minilm.NewTokenizer(t.Vocab)
	if err != nil {
		return nil, fmt.Errorf("static table %s: %w", t.Name, err)
	}
	return &Embedder{t: t, tok: tok}, nil
}

// Name identifies the table (and so the version of its vectors).
func (e *Embedder) Name() string { return e.t.Name }

// Dimensions is the vector size.
func (e *Embedder) Dimensions() int { return e.t.Dims }

// Embed returns one L2-normalised vector per text.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, s := range texts {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = e.Vector(s)
	}
	return out, nil
}

// Vector is the normalised sum of the rows of text's WordPiece tokens (a
// zero vector when none has a row).
func (e *Embedder) Vector(text string) []float32 {
	d := e.t.Dims
	v := make([]float32, d)
	for _, id := range e.tok.Pieces(text) {
		r := e.t.Row[id]
		if r < 0 {
			continue
		}
		s := e.t.Scales[r]
		row := e.t.Data[int(r)*d : int(r+1)*d]
		for j, q := range row {
			v[j] += float32(q) * s
		}
	}
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n > 0 {
		inv := float32(1 / math.Sqrt(n))
		for j := range v {
			v[j] *= inv
		}
	}
	return v
}
