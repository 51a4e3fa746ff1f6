//go:build !unix

package sandbox

import (
	"io"
	"os"
)

func pump(r *os.File, w io.Writer) { pumpBuffered(r, w) }
