package sandbox

import (
	"io"
	"os"
	"sync"
)

// outputBuf is the read size of an agent output pump. exec.Cmd copies a
// writer that is not an *os.File through a 32 KiB buffer per stream, held
// for the life of the process: 64 KiB of server memory per idle session.
// Agent output comes a line at a time; the writers split it into lines
// themselves.
const outputBuf = 2 << 10

// Output connects a command's stdout and stderr to writers through pipes
// read with small buffers. Use Pipe for each stream before the command
// starts, Started after it started (or failed to), and Wait after it exited
// to wait until everything it wrote was delivered.
type Output struct {
	ends []*os.File // the command's ends, closed in this process once it started
	wg   sync.WaitGroup
}

// Pipe returns what to give the command for a stream writing to w: nil for
// nil (the null device), w itself for an *os.File, else a pipe pumped to w.
func (o *Output) Pipe(w io.Writer) (*os.File, error) {
	if w == nil {
		return nil, nil
	}
	if f, ok := w.(*os.File); ok {
		return f, nil
	}
	o.wg.Add(1)
	if pw, ok, err := reactorPipe(w, o.wg.Done); ok { // no goroutine per stream
		if err != nil {
			o.wg.Done()
			return nil, err
		}
		o.ends = append(o.ends, pw)
		return pw, nil
	}
	o.wg.Done()
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	o.ends = append(o.ends, pw)
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		defer pr.Close()
		pump(pr, w)
	}()
	return pw, nil
}

// Started closes this process's copies of the command's pipe ends, so the
// pumps end when the command (and whatever inherited them) exits.
func (o *Output) Started() {
	for _, f := range o.ends {
		f.Close()
	}
	o.ends = nil
}

// Wait waits until the pumps have delivered everything.
func (o *Output) Wait() { o.wg.Wait() }

// pumpBuffered copies r to w through its own buffer until EOF.
func pumpBuffered(r io.Reader, w io.Writer) {
	buf := make([]byte, outputBuf)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			w.Write(buf[:n]) //nolint:errcheck // output writers never fail; a failing one just loses output
		}
		if err != nil {
			return
		}
	}
}

// Pump copies r to w until EOF, like the pumps of Output, and closes r: for
// a pipe created before the writer is known.
func Pump(r *os.File, w io.Writer) {
	defer r.Close()
	if w == nil {
		w = io.Discard
	}
	pump(r, w)
}
