package linuxns

import (
	"context"
	"sync"
	"time"
)

// pool keeps up to Options.Prepared boxes per network mode ready, for the
// modes sessions have been started in. Boxes are infrastructure only (see
// box): no agent runs in them. They are prepared in the background once no
// Start has run for refillDelay, so refills compete neither with a burst of
// starts nor with the boot of the agents just started.
type pool struct {
	d        *Driver
	mu       sync.Mutex
	ready    map[bool][]*box // by public
	wanted   map[bool]bool   // modes to keep ready
	starting int             // Starts in progress
	last     time.Time       // when the last Start ended
	filling  bool
	filler   sync.WaitGroup
	closed   bool
}

// take returns a live prepared box for the mode, or nil, and marks a Start
// in progress until done is called.
func (p *pool) take(public bool) (b *box, done func()) {
	p.mu.Lock()
	p.starting++
	if p.ready == nil {
		p.ready, p.wanted = map[bool][]*box{}, map[bool]bool{}
	}
	p.wanted[public] = true
	var dead []*box
	for len(p.ready[public]) > 0 && b == nil {
		q := p.ready[public]
		b, p.ready[public] = q[0], q[1:]
		if !b.alive() {
			dead, b = append(dead, b), nil
		}
	}
	p.mu.Unlock()
	for _, x := range dead {
		x.discard() //nolint:errcheck // a box that died before use
	}
	return b, func() {
		p.mu.Lock()
		p.starting--
		p.last = time.Now()
		p.mu.Unlock()
		p.fill()
	}
}

// fill starts the refilling goroutine unless it runs.
func (p *pool) fill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.filling || p.closed || p.d.o.Prepared <= 0 {
		return
	}
	p.filling = true
	p.filler.Add(1)
	go p.refill()
}

// refillDelay is how long after the last Start refilling waits.
const refillDelay = 100 * time.Millisecond

// next says which mode to prepare a box for next, waiting while Starts are
// in progress or ended less than refillDelay ago; ok is false when nothing
// is missing.
func (p *pool) next() (public, ok bool) {
	for {
		p.mu.Lock()
		if p.closed {
			p.filling = false
			p.mu.Unlock()
			return false, false
		}
		if p.starting == 0 && time.Since(p.last) >= refillDelay {
			for _, mode := range []bool{true, false} {
				if p.wanted[mode] && len(p.ready[mode]) < p.d.o.Prepared {
					p.mu.Unlock()
					return mode, true
				}
			}
			p.filling = false
			p.mu.Unlock()
			return false, false
		}
		p.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
}

func (p *pool) refill() {
	defer p.filler.Done()
	failures := 0
	for {
		public, ok := p.next()
		if !ok {
			return
		}
		b, err := p.d.prepare(context.Background(), p.d.o.NameTag+"prepared", public)
		if err != nil { // Start reports the cause if it persists
			failures++
			time.Sleep(time.Duration(failures) * 100 * time.Millisecond)
			if failures < 5 {
				continue
			}
			p.mu.Lock()
			p.filling = false
			p.mu.Unlock()
			return
		}
		failures = 0
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			b.discard() //nolint:errcheck // closing anyway
			continue
		}
		p.ready[public] = append(p.ready[public], b)
		p.mu.Unlock()
	}
}

// close discards every prepared box; later Starts prepare their own.
func (p *pool) close() error {
	p.mu.Lock()
	p.closed = true
	var all []*box
	for _, q := range p.ready {
		all = append(all, q...)
	}
	p.ready = nil
	p.mu.Unlock()
	p.filler.Wait() // it discards what it was preparing
	var wg sync.WaitGroup
	errs := make([]error, len(all))
	for i, b := range all {
		wg.Go(func() { errs[i] = b.discard() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
