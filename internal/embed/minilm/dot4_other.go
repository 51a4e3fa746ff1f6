//go:build !amd64

package minilm

func dot4(r *[4]float32, x, w []float32, k int) { dot4Generic(r, x, w, k) }
