package embed

import (
	"context"
	"math"
	"testing"
)

func TestHashingDeterministicNormalised(t *testing.T) {
	h := NewHashing(256)
	if h.Dimensions() != 256 || h.Name() == "" {
		t.Fatal("bad dims/name")
	}
	v, err := h.Embed(context.Background(), []string{"The user likes green tea", "The user likes green tea", ""})
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 3 || len(v[0]) != 256 {
		t.Fatalf("shape %d", len(v))
	}
	if d := Dot(v[0], v[0]); math.Abs(float64(d)-1) > 1e-5 {
		t.Fatalf("not normalised: %v", d)
	}
	for i := range v[0] {
		if v[0][i] != v[1][i] {
			t.Fatal("not deterministic")
		}
	}
	if Dot(v[2], v[2]) != 0 {
		t.Fatal("empty text should embed to zero")
	}
	if NewHashing(0).Dimensions() != DefaultDimensions {
		t.Fatal("default dim")
	}
}

func TestHashingRanksRelatedTextHigher(t *testing.T) {
	h := NewHashing(512)
	v, _ := h.Embed(context.Background(), []string{
		"What drink does the user prefer?",
		"The user prefers drinking green tea in the morning",
		"The user's car is a red Toyota parked downtown",
	})
	if Dot(v[0], v[1]) <= Dot(v[0], v[2]) {
		t.Fatalf("related %v <= unrelated %v", Dot(v[0], v[1]), Dot(v[0], v[2]))
	}
}

func TestDot(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5}
	b := []float32{1, 1, 1, 1, 1}
	if Dot(a, b) != 15 {
		t.Fatal(Dot(a, b))
	}
	if Dot(a, b[:2]) != 3 {
		t.Fatal("length mismatch")
	}
	z := []float32{0, 0}
	Normalize(z)
	if z[0] != 0 {
		t.Fatal("zero")
	}
}

func BenchmarkHashingEmbed(b *testing.B) {
	h := NewHashing(384)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		h.Embed(ctx, []string{"The user prefers drinking green tea in the morning before work"})
	}
}
