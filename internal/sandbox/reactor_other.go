//go:build !linux

package sandbox

import (
	"io"
	"net"
	"os"
)

// reactorPipe: no reactor outside Linux (Output pumps with goroutines).
func reactorPipe(io.Writer, func()) (*os.File, bool, error) { return nil, false, nil }

// AfterExit runs f in a new goroutine at once outside Linux: f's cmd.Wait
// waits for the process.
func AfterExit(_ int, f func()) { go f() }

// AcceptOnReactor: no reactor outside Linux (the caller serves ln itself).
func AcceptOnReactor(net.Listener, func(net.Conn)) (func(), bool) { return nil, false }

// PumpFile pumps r to w with a goroutine outside Linux, then calls done.
func PumpFile(r *os.File, w io.Writer, done func()) {
	go func() {
		defer done()
		Pump(r, w)
	}()
}
