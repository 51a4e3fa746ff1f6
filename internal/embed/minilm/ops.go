package minilm

import "math"

func add(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// attention is multi-head scaled dot-product self-attention over the fused
// qkv rows ([t][q|k|v]), writing the heads' contexts side by side.
func attention(out, qkv []float32, t int, scores []float32) {
	scale := float32(1 / math.Sqrt(headDim))
	stride := 3 * hidden
	for h := 0; h < heads; h++ {
		off := h * headDim
		for i := 0; i < t; i++ {
			q := qkv[i*stride+off : i*stride+off+headDim]
			maxS := float32(math.Inf(-1))
			for j := 0; j < t; j++ {
				k := qkv[j*stride+hidden+off : j*stride+hidden+off+headDim]
				var s float32
				for d, qv := range q {
					s += qv * k[d]
				}
				s *= scale
				scores[j] = s
				maxS = max(maxS, s)
			}
			var sum float32
			for j := 0; j < t; j++ {
				e := float32(expNeg(float64(scores[j] - maxS)))
				scores[j] = e
				sum += e
			}
			o := out[i*hidden+off : i*hidden+off+headDim]
			clear(o)
			inv := 1 / sum
			for j := 0; j < t; j++ {
				p := scores[j] * inv
				v := qkv[j*stride+2*hidden+off : j*stride+2*hidden+off+headDim]
				for d := range o {
					o[d] += p * v[d]
				}
			}
		}
	}
}

func (n *layerNorm) apply(x []float32) {
	var mean float64
	for _, v := range x {
		mean += float64(v)
	}
	mean /= float64(len(x))
	var vr float64
	for _, v := range x {
		d := float64(v) - mean
		vr += d * d
	}
	vr /= float64(len(x))
	inv := 1 / math.Sqrt(vr+lnEps)
	for i, v := range x {
		x[i] = float32((float64(v)-mean)*inv)*n.g[i] + n.b[i]
	}
}

// gelu is BERT's exact (erf) GELU, x·Φ(x), read from a table with linear
// interpolation (error below 2e-6; erf32 per value was a fifth of a
// query's time).
func gelu(x []float32) {
	for i, v := range x {
		switch {
		case v <= -geluRange:
			x[i] = 0
		case v >= geluRange:
			// Φ(x) = 1 within float32 here.
		default:
			f := (v + geluRange) * geluStep
			j := int(f)
			a := geluTable[j]
			x[i] = a + (f-float32(j))*(geluTable[j+1]-a)
		}
	}
}

// geluErf is gelu with erf32 per value, as the float32 model computes it.
func geluErf(x []float32) {
	for i, v := range x {
		x[i] = 0.5 * v * (1 + erf32(v*math.Sqrt2/2))
	}
}

const (
	geluRange = 8
	geluStep  = 512 // table entries per unit
)

var geluTable = func() []float32 {
	t := make([]float32, 2*geluRange*geluStep+2)
	for j := range t {
		v := float64(j)/geluStep - geluRange
		t[j] = float32(0.5 * v * (1 + math.Erf(v/math.Sqrt2)))
	}
	return t
}()
