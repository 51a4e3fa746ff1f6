package minilm

import "golang.org/x/sys/cpu"

var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dot4AVX2 is implemented in dot4_amd64.s; k is a multiple of 16.
//
//go:noescape
func dot4AVX2(r *[4]float32, x, w *float32, k int)

func dot4(r *[4]float32, x, w []float32, k int) {
	if useAVX2 && k%16 == 0 && k > 0 {
		_ = x[k-1]
		_ = w[4*k-1]
		dot4AVX2(r, &x[0], &w[0], k)
		return
	}
	dot4Generic(r, x, w, k)
}
