//go:build !amd64

package embed

func dot(a, b []float32) float32 { return dotGeneric(a, b) }

func dotI16(a, b []int16) int32 { return dotI16Generic(a, b) }
