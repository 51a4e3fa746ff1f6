//go:build !amd64

package minilm

func qdot4x3(o0, o1, o2, x0, x1, x2 []float32, w []int8, k int, sc, b []float32) {
	qdot4x3Generic(o0, o1, o2, x0, x1, x2, w, k, sc, b)
}

func dot4(r *[4]float32, x, w []float32, k int) { dot4Generic(r, x, w, k) }

const useAVX2 = false

func fdot4x3(o0, o1, o2, x0, x1, x2 []float32, w []float32, k int, sc, b []float32) {
	panic("minilm: fdot4x3 needs AVX2")
}

func widen(dst []float32, src []int8) { panic("minilm: widen needs AVX2") }
