package minilm

import (
	"math"
	"sync"
)

// apply computes out[t][l.out] = x[t][l.in]·Wᵀ + b. Output rows of W are
// taken four at a time (dot4: one pass over x for four rows, which stay in
// L1 across the t tokens) and split over threads goroutines.
func (l *linear) apply(out, x []float32, t, threads int) {
	groups := l.out / 4
	if threads > 1 && t*l.out*l.in >= 1<<18 {
		var wg sync.WaitGroup
		for p := 0; p < threads; p++ {
			lo, hi := p*groups/threads, (p+1)*groups/threads
			wg.Add(1)
			go func() {
				defer wg.Done()
				l.rows(out, x, t, 4*lo, 4*hi)
			}()
		}
		wg.Wait()
	} else {
		l.rows(out, x, t, 0, 4*groups)
	}
	for n := 4 * groups; n < l.out; n++ { // tail (none for MiniLM's shapes)
		for i := 0; i < t; i++ {
			out[i*l.out+n] = l.dotRow(x[i*l.in:(i+1)*l.in], n) + l.b[n]
		}
	}
}

// rows computes output columns [lo, hi) (a multiple of 4) for every token.
func (l *linear) rows(out, x []float32, t, lo, hi int) {
	k := l.in
	var r [4]float32
	for n := lo; n < hi; n += 4 {
		b := l.b[n : n+4]
		for i := 0; i < t; i++ {
			dot4(&r, x[i*k:(i+1)*k], l.w[n*k:(n+4)*k], k)
			o := out[i*l.out+n : i*l.out+n+4]
			o[0], o[1], o[2], o[3] = r[0]+b[0], r[1]+b[1], r[2]+b[2], r[3]+b[3]
		}
	}
}

// dot4Generic sets r[j] = x·w[j*k:(j+1)*k] for j < 4.
func dot4Generic(r *[4]float32, x, w []float32, k int) {
	w0, w1, w2, w3 := w[:k], w[k:2*k], w[2*k:3*k], w[3*k:4*k]
	x = x[:k]
	var s0, s1, s2, s3 float32
	for i, xv := range x {
		s0 += xv * w0[i]
		s1 += xv * w1[i]
		s2 += xv * w2[i]
		s3 += xv * w3[i]
	}
	r[0], r[1], r[2], r[3] = s0, s1, s2, s3
}

// dotRow is x·W[n].
func (l *linear) dotRow(x []float32, n int) float32 {
	var s float32
	for i, xv := range x[:l.in] {
		s += xv * l.w[n*l.in+i]
	}
	return s
}

// erf32 is erf with an absolute error below 2e-7 (Abramowitz and Stegun
// 7.1.26 with a polynomial exp), far below what float32 GELU outputs keep
// and about 8 times faster than math.Erf.
func erf32(x float32) float32 {
	v := float64(x)
	sign := 1.0
	if v < 0 {
		sign, v = -1, -v
	}
	t := 1 / (1 + 0.3275911*v)
	p := t * (0.254829592 + t*(-0.284496736+t*(1.421413741+t*(-1.453152027+t*1.061405429))))
	return float32(sign * (1 - p*expNeg(-v*v)))
}

// expNeg is e^x for x <= 0 with a relative error near 1e-7: x = n·ln2 + r,
// |r| <= ln2/2, e^r by its degree-7 Taylor polynomial, 2^n by the exponent.
func expNeg(x float64) float64 {
	if x < -700 {
		return 0
	}
	n := math.Floor(x*math.Log2E + 0.5)
	r := x - n*math.Ln2
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040)))))))
	return p * math.Float64frombits(uint64(int64(n)+1023)<<52)
}
