package minilm

import (
	"math"
	"testing"
)

func TestGeluErfAndExp(t *testing.T) {
	for x := -6.0; x <= 6; x += 0.001 {
		if d := math.Abs(float64(erf32(float32(x))) - math.Erf(x)); d > 3e-7 {
			t.Fatalf("erf32(%g) off by %g", x, d)
		}
	}
	for x := -10.0; x <= 10; x += 0.0007 {
		v := []float32{float32(x)}
		gelu(v)
		if d := math.Abs(float64(v[0]) - 0.5*x*(1+math.Erf(x/math.Sqrt2))); d > 2e-6*max(1, math.Abs(x)) {
			t.Fatalf("gelu(%g) off by %g", x, d)
		}
	}
	for x := -80.0; x <= 0; x += 0.01 {
		if d := math.Abs(expNeg(x)/math.Exp(x) - 1); d > 2e-7 {
			t.Fatalf("expNeg(%g) relative error %g", x, d)
		}
	}
}
