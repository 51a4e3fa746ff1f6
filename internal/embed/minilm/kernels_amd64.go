package minilm

import "golang.org/x/sys/cpu"

var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// qdot4x3AVX2 is implemented in qdot_amd64.s; k is a multiple of 8.
//
//go:noescape
func qdot4x3AVX2(o0, o1, o2, x0, x1, x2 *float32, w *int8, k int, sc, b *float32)

func qdot4x3(o0, o1, o2, x0, x1, x2 []float32, w []int8, k int, sc, b []float32) {
	if useAVX2 && k%8 == 0 && k > 0 {
		_, _, _ = o0[3], o1[3], o2[3]
		_, _, _ = x0[k-1], x1[k-1], x2[k-1]
		_, _, _ = w[4*k-1], sc[3], b[3]
		qdot4x3AVX2(&o0[0], &o1[0], &o2[0], &x0[0], &x1[0], &x2[0], &w[0], k, &sc[0], &b[0])
		return
	}
	qdot4x3Generic(o0, o1, o2, x0, x1, x2, w, k, sc, b)
}

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

// fdot4x3AVX2 and widen8AVX2 are implemented in qdot_amd64.s.
//
//go:noescape
func fdot4x3AVX2(o0, o1, o2, x0, x1, x2 *float32, w *float32, k int, sc, b *float32)

//go:noescape
func widen8AVX2(dst *float32, src *int8, n int)

// fdot4x3 is qdot4x3 with the weight rows widened to float32 by widen.
func fdot4x3(o0, o1, o2, x0, x1, x2 []float32, w []float32, k int, sc, b []float32) {
	_, _, _ = o0[3], o1[3], o2[3]
	_, _, _ = x0[k-1], x1[k-1], x2[k-1]
	_, _, _ = w[4*k-1], sc[3], b[3]
	fdot4x3AVX2(&o0[0], &o1[0], &o2[0], &x0[0], &x1[0], &x2[0], &w[0], k, &sc[0], &b[0])
}

// widen sets dst[i] = float32(src[i]); len(src) is a multiple of 32.
func widen(dst []float32, src []int8) {
	_ = dst[len(src)-1]
	widen8AVX2(&dst[0], &src[0], len(src))
}
