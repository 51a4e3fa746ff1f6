package sandbox

import (
	"io"
	"net"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// The reactor is one goroutine, for the whole process, that waits in
// epoll(7) on every agent's output pipes and exit pidfd. Without it each
// running agent parks three goroutines (two output pumps and an exit wait):
// their stacks and runtime records are ~12 KiB of server memory per idle
// session, doubled by the garbage collector's headroom. The one goroutine
// holds one OS thread in epoll_wait.
//
// Handlers run on the reactor goroutine: output writers must not block
// (agent output goes to log files and a non-blocking log queue), and exit
// callbacks are started in their own goroutine.
type reactor struct {
	epfd     int
	mu       sync.Mutex
	handlers map[int32]watch
}

// watch is what the reactor does for one fd: ready on each event until it
// reports done; then the fd is unwatched and finish runs (and closes it).
type watch struct {
	ready  func() (done bool)
	finish func()
}

var (
	reactorOnce sync.Once
	theReactor  *reactor // nil when epoll is unavailable
)

func getReactor() *reactor {
	reactorOnce.Do(func() {
		fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
		if err != nil {
			return
		}
		theReactor = &reactor{epfd: fd, handlers: map[int32]watch{}}
		go theReactor.loop()
	})
	return theReactor
}

// add watches fd (level-triggered) for readability. On error fd is not
// watched and still open.
func (r *reactor) add(fd int, w watch) error {
	r.mu.Lock()
	r.handlers[int32(fd)] = w
	r.mu.Unlock()
	err := unix.EpollCtl(r.epfd, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(fd)})
	if err != nil {
		r.mu.Lock()
		delete(r.handlers, int32(fd))
		r.mu.Unlock()
	}
	return err
}

// loop runs handlers under r.mu, so remove returns only once no handler of
// that fd runs (its fd may then be closed and its number reused).
func (r *reactor) loop() {
	events := make([]unix.EpollEvent, 64)
	for {
		n, err := unix.EpollWait(r.epfd, events, -1)
		if err != nil {
			continue // EINTR
		}
		for _, ev := range events[:n] {
			r.mu.Lock()
			w, ok := r.handlers[ev.Fd]
			done := ok && w.ready()
			if done {
				unix.EpollCtl(r.epfd, unix.EPOLL_CTL_DEL, int(ev.Fd), nil) //nolint:errcheck // finish closes it next anyway
				delete(r.handlers, ev.Fd)
			}
			r.mu.Unlock()
			if done {
				w.finish()
			}
		}
	}
}

// remove stops watching fd (which the caller still owns).
func (r *reactor) remove(fd int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.handlers[int32(fd)]; ok {
		unix.EpollCtl(r.epfd, unix.EPOLL_CTL_DEL, fd, nil) //nolint:errcheck // not watched then either
		delete(r.handlers, int32(fd))
	}
}

// reactorPipe is Output.Pipe's pipe on the reactor: it returns the write end
// for the command, and calls done once the read end saw EOF and everything
// read was written to w. ok is false when there is no reactor (the caller
// then pumps with a goroutine).
func reactorPipe(w io.Writer, done func()) (_ *os.File, ok bool, _ error) {
	r := getReactor()
	if r == nil {
		return nil, false, nil
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return nil, true, err
	}
	rfd := p[0]
	// The command's end blocks like any pipe an agent is given.
	if err := unix.SetNonblock(p[1], false); err != nil {
		unix.Close(p[0])
		unix.Close(p[1])
		return nil, true, err
	}
	if err := r.add(rfd, readerWatch(rfd, w, done)); err != nil {
		unix.Close(p[0])
		unix.Close(p[1])
		return nil, true, err
	}
	return os.NewFile(uintptr(p[1]), "|1"), true, nil
}

// readerWatch copies what the non-blocking rfd yields to w; at EOF it closes
// rfd and calls done.
func readerWatch(rfd int, w io.Writer, done func()) watch {
	return watch{finish: func() { unix.Close(rfd); done() }, ready: func() bool {
		bp := outputBufs.Get().(*[]byte)
		defer outputBufs.Put(bp)
		for range 16 { // then let other pipes have their turn
			n, err := unix.Read(rfd, *bp)
			switch {
			case err == unix.EAGAIN:
				return false
			case err == unix.EINTR:
				continue
			case n > 0:
				w.Write((*bp)[:n]) //nolint:errcheck // output writers never fail; a failing one just loses output
				continue
			}
			return true // EOF or an error
		}
		return false
	}}
}

// PumpFile is Pump on the reactor, without a goroutine: it copies the read
// end r of a pipe created before its writer was known to w (nil: dropped)
// until EOF, closes r, then calls done. Without a reactor a goroutine pumps.
func PumpFile(r *os.File, w io.Writer, done func()) {
	if w == nil {
		w = io.Discard
	}
	if rr := getReactor(); rr != nil {
		if fd, err := unix.FcntlInt(r.Fd(), unix.F_DUPFD_CLOEXEC, 0); err == nil {
			r.Close()
			if err := unix.SetNonblock(fd, true); err == nil {
				if err := rr.add(fd, readerWatch(fd, w, done)); err == nil {
					return
				}
			}
			r = os.NewFile(uintptr(fd), "|0") // pumped below instead
		}
	}
	go func() {
		defer done()
		Pump(r, w)
	}()
}

// AfterExit runs f in a new goroutine once process pid (a child not reaped
// yet) has exited, without reaping it, so f's cmd.Wait returns at once. No
// goroutine or thread waits meanwhile: the pidfd is on the reactor. Where
// pidfds or the reactor are unavailable, f starts at once (its cmd.Wait then
// waits, holding a thread).
func AfterExit(pid int, f func()) {
	r := getReactor()
	if r == nil {
		go f()
		return
	}
	fd, err := unix.PidfdOpen(pid, unix.PIDFD_NONBLOCK)
	if err != nil {
		go f()
		return
	}
	// A pidfd polls readable once the process has exited.
	if err := r.add(fd, watch{ready: func() bool { return true }, finish: func() { unix.Close(fd); go f() }}); err != nil {
		unix.Close(fd)
		go f()
	}
}

// AcceptOnReactor hands every connection accepted on ln to deliver, which
// must not block, without a goroutine parked in Accept for ln's life (one
// per session for a per-session receiver). stop unwatches ln and closes it.
// ok is false where that is not possible: the caller serves ln itself.
func AcceptOnReactor(ln net.Listener, deliver func(net.Conn)) (stop func(), ok bool) {
	r := getReactor()
	sc, isSC := ln.(syscall.Conn)
	if r == nil || !isSC {
		return nil, false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, false
	}
	lfd := -1
	if rc.Control(func(fd uintptr) { lfd = int(fd) }) != nil || lfd < 0 {
		return nil, false
	}
	err = r.add(lfd, watch{ready: func() bool {
		for range 16 {
			nfd, _, err := unix.Accept4(lfd, unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK)
			switch {
			case err == unix.EINTR || err == unix.ECONNABORTED:
				continue
			case err != nil: // EAGAIN: all taken; else (EMFILE…) retried on the next event
				return false
			}
			f := os.NewFile(uintptr(nfd), "accepted")
			c, err := net.FileConn(f) // a dup, in the runtime's poller
			f.Close()
			if err == nil {
				deliver(c)
			}
		}
		return false
	}})
	if err != nil {
		return nil, false
	}
	return func() { r.remove(lfd); ln.Close() }, true
}
