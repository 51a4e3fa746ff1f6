package embed

import "math"

// QuantMax is the largest magnitude Quantize produces: 2047 keeps the int32
// sum of a 1024-dimension dot product of unit vectors far from overflow.
const QuantMax = 2047

// Quantize writes v scaled to int16 in [-QuantMax, QuantMax] into dst and
// returns the scale s with v[i] ≈ dst[i]*s. Dot products of quantized
// vectors (DotInt16 times both scales) approximate the float ones to about
// 1e-3, halving the memory a vector index streams per search.
func Quantize(v []float32, dst []int16) float32 {
	var m float32
	for _, x := range v {
		if a := float32(math.Abs(float64(x))); a > m {
			m = a
		}
	}
	if m == 0 {
		for i := range dst[:len(v)] {
			dst[i] = 0
		}
		return 0
	}
	k := QuantMax / m
	for i, x := range v {
		dst[i] = int16(math.Round(float64(x * k)))
	}
	return m / QuantMax
}

// DotInt16 is the integer dot product of two quantized vectors (the
// shorter length counts).
func DotInt16(a, b []int16) int32 {
	n := len(a)
	if len(b) < n {
		n = len(b)
	}
	if n == 0 {
		return 0
	}
	return dotI16(a[:n], b[:n])
}

func dotI16Generic(a, b []int16) int32 {
	b = b[:len(a)]
	var s int32
	for i := range a {
		s += int32(a[i]) * int32(b[i])
	}
	return s
}
