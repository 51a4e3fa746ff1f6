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

func TestDotMatchesGeneric(t *testing.T) {
	for n := 0; n < 70; n++ {
		a := make([]float32, n)
		b := make([]float32, n+3)
		for i := range b {
			b[i] = float32(i%7) - 2.5
			if i < n {
				a[i] = float32(i%5) * 0.25
			}
		}
		got, want := Dot(a, b), float32(0)
		if n > 0 {
			want = dotGeneric(a, b[:n])
		}
		if d := got - want; d > 1e-3 || d < -1e-3 {
			t.Fatalf("n=%d: Dot %v, generic %v", n, got, want)
		}
	}
}

func BenchmarkDot256(b *testing.B) {
	x := make([]float32, 256)
	y := make([]float32, 256)
	for i := range x {
		x[i], y[i] = float32(i)*0.001, float32(256-i)*0.001
	}
	var s float32
	for i := 0; i < b.N; i++ {
		s += Dot(x, y)
	}
	_ = s
}

func TestDotInt16(t *testing.T) {
	h := NewHashing(256)
	v, _ := h.Embed(context.Background(), []string{"green tea in the morning", "the user drinks tea", "a red car"})
	q := make([][]int16, 3)
	s := make([]float32, 3)
	for i := range v {
		q[i] = make([]int16, 256)
		s[i] = Quantize(v[i], q[i])
	}
	for i := range v {
		for j := range v {
			exact := Dot(v[i], v[j])
			approx := float32(DotInt16(q[i], q[j])) * s[i] * s[j]
			if d := exact - approx; d > 2e-3 || d < -2e-3 {
				t.Fatalf("%d·%d: exact %v approx %v", i, j, exact, approx)
			}
		}
	}
	for n := 0; n < 40; n++ {
		a := make([]int16, n)
		b := make([]int16, n)
		for i := range a {
			a[i], b[i] = int16(i*37%4000-2000), int16(i*53%4000-2000)
		}
		want := int32(0)
		if n > 0 {
			want = dotI16Generic(a, b)
		}
		if got := DotInt16(a, b); got != want {
			t.Fatalf("n=%d: %d want %d", n, got, want)
		}
	}
}

func BenchmarkDotInt16x256(b *testing.B) {
	x := make([]int16, 256)
	y := make([]int16, 256)
	for i := range x {
		x[i], y[i] = int16(i), int16(256-i)
	}
	var s int32
	for i := 0; i < b.N; i++ {
		s += DotInt16(x, y)
	}
	_ = s
}
