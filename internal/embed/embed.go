// Package embed turns texts into vectors for semantic search: an Embedder
// interface, a built-in offline hashing embedder and a client for
// OpenAI-compatible /v1/embeddings endpoints.
package embed

import (
	"context"
	"math"
)

// Embedder turns texts into L2-normalised vectors of Dimensions() floats.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	Dimensions() int
	Name() string
}

// Dot returns the dot product of a and b, which is their cosine similarity
// when both are L2-normalised. Extra elements of the longer vector are
// ignored. On amd64 it runs on SSE (4 lanes, 4 accumulators).
func Dot(a, b []float32) float32 {
	n := len(a)
	if len(b) < n {
		n = len(b)
	}
	if n == 0 {
		return 0
	}
	return dot(a[:n], b[:n])
}

// dotGeneric is the portable dot product (also the reference in tests).
func dotGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// Normalize scales v in place to unit L2 length (a zero vector stays zero).
func Normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
}
