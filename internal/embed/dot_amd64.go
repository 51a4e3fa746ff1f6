package embed

// dotSSE is implemented in dot_amd64.s; n is the common length.
//
//go:noescape
func dotSSE(a, b *float32, n int) float32

func dot(a, b []float32) float32 { return dotSSE(&a[0], &b[0], len(a)) }

// dotI16SSE is implemented in dot_amd64.s (PMADDWD).
//
//go:noescape
func dotI16SSE(a, b *int16, n int) int32

func dotI16(a, b []int16) int32 { return dotI16SSE(&a[0], &b[0], len(a)) }
