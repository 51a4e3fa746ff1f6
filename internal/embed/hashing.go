package embed

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// Hashing is the built-in offline embedder: word unigrams and character
// 3-5-grams are feature-hashed into a fixed number of dimensions with
// sublinear TF weights, then L2-normalised. It is deterministic and needs no
// network or model files.
type Hashing struct {
	dim int
}

// DefaultDimensions is the vector size used when NewHashing gets dim <= 0.
const DefaultDimensions = 384

// NewHashing returns the built-in offline embedder (word unigrams + char
// 3-5-grams, feature-hashed, TF weighted, L2-normalised; deterministic).
func NewHashing(dim int) *Hashing {
	if dim <= 0 {
		dim = DefaultDimensions
	}
	return &Hashing{dim: dim}
}

// Dimensions reports the vector size.
func (h *Hashing) Dimensions() int { return h.dim }

// Name identifies the embedder and its size.
func (h *Hashing) Name() string { return fmt.Sprintf("builtin-hashing-%d", h.dim) }

// Embed returns one vector per text.
func (h *Hashing) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = h.vector(t)
	}
	return out, nil
}

// wordWeight and gramWeight balance whole-word matches against the fuzzy
// character n-gram features (which catch plurals, typos and inflections).
const (
	wordWeight = 1.0
	gramWeight = 2.5
)

func (h *Hashing) vector(text string) []float32 {
	counts := map[string]float64{}
	for _, w := range Tokenize(text) {
		if stopWords[w] {
			continue
		}
		counts["w:"+w] += wordWeight
		padded := []rune("#" + w + "#")
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(padded); i++ {
				counts["g:"+string(padded[i:i+n])] += gramWeight / 3
			}
		}
	}
	v := make([]float32, h.dim)
	for feat, c := range counts {
		hs := fnv.New64a()
		hs.Write([]byte(feat))
		x := hs.Sum64()
		idx := int(x % uint64(h.dim))
		sign := float32(1)
		if (x>>63)&1 == 1 {
			sign = -1
		}
		// sublinear TF: 1+log(c) scaled by the feature's base weight.
		w := c
		if c > 1 {
			w = 1 + math.Log(c)
		}
		v[idx] += sign * float32(w)
	}
	Normalize(v)
	return v
}

// Tokenize lower-cases text and splits it into letter/digit words.
func Tokenize(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but of to in on at for with by from is are was were be been being
		i me my mine you your yours he him his she her hers it its we us our they them their this that these those
		do does did have has had what which who whom when where why how not no so as if then than too very can will
		just about into over up down out s t user users`) {
		m[w] = true
	}
	return m
}()
