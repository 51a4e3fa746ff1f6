package minilm

import (
	"math"
	"sync"
)

// qlinear is a dense layer y = x·Wᵀ + b whose weights were converted at
// load time to int8 with one scale per output row (W[n][i] ≈ q[n][i] ·
// scale[n], scale = max|W[n]| / 127). A query reads every weight once, so
// the forward pass is bound by memory traffic: int8 is a quarter of the
// float32 bytes (10.6 MB for the six layers, which fits in L3). The
// products are computed in float32 (activations are not quantised).
type qlinear struct {
	f       []float32 // [out][in], instead of q in a model loaded with LoadFloat32
	q       []int8    // [out][in]
	scale   []float32 // [out]
	b       []float32 // [out]
	in, out int
	gelu    bool // apply GELU to the outputs (the intermediate layer)
}

func quantize(w, b []float32, out, in int) qlinear {
	l := qlinear{q: make([]int8, out*in), scale: make([]float32, out), b: b, in: in, out: out}
	for n := 0; n < out; n++ {
		row := w[n*in : (n+1)*in]
		var m float32
		for _, v := range row {
			m = max(m, float32(math.Abs(float64(v))))
		}
		if m == 0 {
			continue
		}
		l.scale[n] = m / 127
		inv := 127 / m
		for i, v := range row {
			l.q[n*in+i] = int8(math.Round(float64(v * inv)))
		}
	}
	return l
}

var tiles = sync.Pool{New: func() any { return new([4 * inter]float32) }}

// tokenBlock bounds the tokens one pass over the weights handles, so that
// their activations stay in L2 while the weight rows stream by.
const tokenBlock = 48

// apply computes out[t][l.out] = x[t][l.in]·Wᵀ + b (then GELU when l.gelu).
// Output rows are split over threads goroutines in groups of four.
func (l *qlinear) apply(out, x []float32, t, threads int) {
	groups := l.out / 4
	if threads > 1 && t*l.out*l.in >= 1<<17 {
		threads = min(threads, groups)
		var wg sync.WaitGroup
		for p := 1; p < threads; p++ {
			lo, hi := p*groups/threads, (p+1)*groups/threads
			wg.Add(1)
			go func() {
				defer wg.Done()
				l.rows(out, x, t, 4*lo, 4*hi)
			}()
		}
		l.rows(out, x, t, 0, 4*(groups/threads))
		wg.Wait()
		return
	}
	l.rows(out, x, t, 0, l.out)
}

// rows computes output columns [lo, hi) (multiples of 4) for every token:
// for each block of tokens, each group of four weight rows (in L1) is
// applied to the tokens three at a time.
func (l *qlinear) rows(out, x []float32, t, lo, hi int) {
	if l.f != nil {
		l.rowsF32(out, x, t, lo, hi)
		return
	}
	k := l.in
	tile := tiles.Get().(*[4 * inter]float32)
	defer tiles.Put(tile)
	for t0 := 0; t0 < t; t0 += tokenBlock {
		t1 := min(t, t0+tokenBlock)
		// With two or more groups of three tokens, the four rows are
		// widened to float32 once (into tile, in L1) rather than in
		// every group: the conversions competed with the FMAs.
		wide := useAVX2 && t1-t0 > 3
		for n := lo; n < hi; n += 4 {
			w := l.q[n*k : (n+4)*k]
			sc, b := l.scale[n:n+4], l.b[n:n+4]
			if wide {
				widen(tile[:4*k], w)
			}
			for i := t0; i < t1; i += 3 {
				// A block's last one or two tokens are computed again in
				// the spare slots (same input, same output).
				i1, i2 := min(i+1, t1-1), min(i+2, t1-1)
				o0, o1, o2 := out[i*l.out+n:i*l.out+n+4], out[i1*l.out+n:i1*l.out+n+4], out[i2*l.out+n:i2*l.out+n+4]
				x0, x1, x2 := x[i*k:(i+1)*k], x[i1*k:(i1+1)*k], x[i2*k:(i2+1)*k]
				if wide {
					fdot4x3(o0, o1, o2, x0, x1, x2, tile[:4*k], k, sc, b)
				} else {
					qdot4x3(o0, o1, o2, x0, x1, x2, w, k, sc, b)
				}
				if l.gelu {
					gelu(out[i*l.out+n : i*l.out+n+4])
					if i1 > i {
						gelu(out[i1*l.out+n : i1*l.out+n+4])
					}
					if i2 > i1 {
						gelu(out[i2*l.out+n : i2*l.out+n+4])
					}
				}
			}
		}
	}
}

// qdot4x3Generic sets outJ[r] = xJ·(q[r]·sc[r]) + b[r] for tokens J < 3 and
// rows r < 4 of w ([4][k]).
func qdot4x3Generic(o0, o1, o2, x0, x1, x2 []float32, w []int8, k int, sc, b []float32) {
	for j, x := range [3][]float32{x0, x1, x2} {
		o := [3][]float32{o0, o1, o2}[j]
		for r := 0; r < 4; r++ {
			row := w[r*k : (r+1)*k]
			var s float32
			for i, xv := range x[:k] {
				s += xv * float32(row[i])
			}
			o[r] = s*sc[r] + b[r]
		}
	}
}

// rowsF32 is rows for float32 weights (LoadFloat32): four weight rows at a
// time against one token (dot4), GELU with erf32 — the arithmetic the
// static table was distilled with.
func (l *qlinear) rowsF32(out, x []float32, t, lo, hi int) {
	k := l.in
	var r [4]float32
	for n := lo; n < hi; n += 4 {
		b := l.b[n : n+4]
		for i := 0; i < t; i++ {
			dot4(&r, x[i*k:(i+1)*k], l.f[n*k:(n+4)*k], k)
			o := out[i*l.out+n : i*l.out+n+4]
			o[0], o[1], o[2], o[3] = r[0]+b[0], r[1]+b[1], r[2]+b[2], r[3]+b[3]
			if l.gelu {
				geluErf(o)
			}
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
