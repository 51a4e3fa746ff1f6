//go:build unix

package sandbox

import (
	"io"
	"os"
	"sync"
	"syscall"
)

// outputBufs lends pumps their read buffer only while output is waiting:
// an idle agent's pumps (two per session) hold none.
var outputBufs = sync.Pool{New: func() any { b := make([]byte, outputBuf); return &b }}

// pump copies r to w until EOF. It waits in the runtime's poller without a
// buffer and takes one from outputBufs for each read.
func pump(r *os.File, w io.Writer) {
	rc, err := r.SyscallConn()
	if err != nil {
		pumpBuffered(r, w)
		return
	}
	done := false
	for !done {
		err := rc.Read(func(fd uintptr) bool {
			bp := outputBufs.Get().(*[]byte)
			defer outputBufs.Put(bp)
			n, err := syscall.Read(int(fd), *bp)
			switch {
			case err == syscall.EAGAIN:
				return false // wait for more
			case err == syscall.EINTR:
				return true
			case n > 0:
				w.Write((*bp)[:n]) //nolint:errcheck // output writers never fail; a failing one just loses output
			default: // EOF or an error
				done = true
			}
			return true
		})
		if err != nil {
			return
		}
	}
}
