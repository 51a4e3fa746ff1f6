package runtime

import (
	"context"
	"fmt"
	"time"
)

// Preparing a version (installing dependencies, pulling an image) runs on
// one replica at a time: the one holding the version's lease. The lease is
// renewed while the work runs and released at its end; a replica that
// stops mid-way stops renewing, and another replica's sweep resumes the
// version once the lease has expired.

const (
	prepareRenew = 20 * time.Second
	prepareTTL   = 3 * prepareRenew
)

func prepareLeaseName(acct, id string, n int) string {
	return fmt.Sprintf("runtime-prepare/%s/%s/%d", acct, id, n)
}

// holdPrepare takes version n's lease (always granted without leases) and
// renews it until the returned release is called; false when another
// replica holds it.
func (s *Service) holdPrepare(ctx context.Context, acct, id string, n int) (release func(), ok bool) {
	name := prepareLeaseName(acct, id, n)
	if _, busy := s.preparing.LoadOrStore(name, true); busy {
		return nil, false // this replica prepares it already
	}
	if s.leases == nil {
		return func() { s.preparing.Delete(name) }, true
	}
	if held, err := s.leases.Hold(ctx, name, prepareTTL); err != nil || !held {
		if err != nil {
			s.log.Warn("prepare: lease", "runtime", id, "version", n, "err", err)
		}
		s.preparing.Delete(name)
		return nil, false
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(prepareRenew)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if held, err := s.leases.Hold(ctx, name, prepareTTL); err == nil && !held {
					s.log.Warn("prepare: lease lost to another replica", "runtime", id, "version", n)
				}
			}
		}
	}()
	return func() {
		close(stop)
		<-done
		s.leases.Release(context.WithoutCancel(ctx), name)
		s.preparing.Delete(name)
	}, true
}

// sweepPrepares resumes, every PrepareSweep, the versions left CREATING
// whose lease nobody holds (their replica stopped); one replica sweeps.
func (s *Service) sweepPrepares() {
	t := time.NewTicker(s.prepareSweep)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		if held, err := s.leases.Hold(s.ctx, "runtime-prepare-sweep", 3*s.prepareSweep); err != nil || !held {
			continue
		}
		items, err := s.repo.kv.List(s.ctx, tblVersion, "", "", 0)
		if err != nil {
			continue
		}
		for _, it := range items {
			v, err := decode[Version](it.Value)
			if err != nil || v.Status != StatusCreating {
				continue
			}
			s.startPrepare(accountOfKey(it.Key), v.RuntimeID, v.Version)
		}
	}
}
