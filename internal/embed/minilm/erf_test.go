package minilm

import (
	"math"
	"testing"
)

func TestErfAndExp(t *testing.T) {
	for x := -6.0; x <= 6; x += 0.001 {
		if d := math.Abs(float64(erf32(float32(x))) - math.Erf(x)); d > 3e-7 {
			t.Fatalf("erf32(%g) off by %g", x, d)
		}
	}
	for x := -80.0; x <= 0; x += 0.01 {
		if d := math.Abs(expNeg(x)/math.Exp(x) - 1); d > 2e-7 {
			t.Fatalf("expNeg(%g) relative error %g", x, d)
		}
	}
}
