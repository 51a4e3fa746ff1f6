package embed

// dotSSE is implemented in dot_amd64.s; n is the common length.
//
//go:noescape
func dotSSE(a, b *float32, n int) float32

func dot(a, b []float32) float32 { return dotSSE(&a[0], &b[0], len(a)) }
