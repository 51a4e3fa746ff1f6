package minilm

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// TestQLinear checks the int8 kernel (AVX2 where the CPU has it) against
// the plain Go loop on every token count up to 8 and both layer shapes,
// with GELU and without.
func TestQLinear(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, shape := range [][2]int{{hidden, 3 * hidden}, {inter, hidden}} {
		in, out := shape[0], shape[1]
		w, b := randVec(r, in*out), randVec(r, out)
		l := quantize(w, b, out, in)
		for tok := 1; tok <= 8; tok++ {
			for _, g := range []bool{false, true} {
				l.gelu = g
				x := randVec(r, tok*in)
				got := make([]float32, tok*out)
				l.apply(got, x, tok, 2)
				for i := 0; i < tok; i++ {
					for n := 0; n < out; n++ {
						var s float32
						for k := 0; k < in; k++ {
							s += x[i*in+k] * float32(l.q[n*in+k])
						}
						want := []float32{s*l.scale[n] + b[n]}
						if g {
							gelu(want)
						}
						if d := got[i*out+n] - want[0]; d > 1e-3 || d < -1e-3 {
							t.Fatalf("%dx%d, %d tokens, gelu %v: out[%d][%d] = %g, want %g", out, in, tok, g, i, n, got[i*out+n], want[0])
						}
					}
				}
			}
		}
	}
}

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

func BenchmarkQLinearUp12(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	l := quantize(randVec(r, inter*hidden), randVec(r, inter), inter, hidden)
	x, out := randVec(r, 12*hidden), make([]float32, 12*inter)
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		l.apply(out, x, 12, 1)
	}
	b.ReportMetric(float64(b.N)*12*inter*hidden/(cpuTime()-c0).Seconds()/1e9, "GMAC/cpu-s")
}

// cpuTime is the process's user+system CPU time: on this shared machine
// wall time per op mostly measures the other tenants.
func cpuTime() time.Duration {
	var u syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
