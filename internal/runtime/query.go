package runtime

import (
	"context"
	"os"
	"path/filepath"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Get returns a runtime at its latest version, or at version (if non-zero).
func (s *Service) Get(ctx context.Context, id string, version int) (*RuntimeView, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	rt, err := s.repo.runtime(ctx, t.Account, id)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		version = rt.LatestVersion
	}
	v, err := s.repo.version(ctx, t.Account, id, version)
	if err != nil {
		return nil, err
	}
	return &RuntimeView{Runtime: *rt, Version: *v}, nil
}

// List pages through the tenant's runtimes.
func (s *Service) List(ctx context.Context, p Page) ([]*RuntimeView, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	rts, next, err := list[Runtime](ctx, s.repo.kv, tblRuntime, t.Account+"/", p)
	if err != nil {
		return nil, "", err
	}
	out := make([]*RuntimeView, 0, len(rts))
	for _, rt := range rts {
		v, err := s.repo.version(ctx, t.Account, rt.ID, rt.LatestVersion)
		if err != nil {
			return nil, "", err
		}
		out = append(out, &RuntimeView{Runtime: *rt, Version: *v})
	}
	return out, next, nil
}

// ListVersions pages through a runtime's versions in ascending order.
func (s *Service) ListVersions(ctx context.Context, id string, p Page) (*Runtime, []*Version, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	if err := ValidateID(id); err != nil {
		return nil, nil, "", err
	}
	rt, err := s.repo.runtime(ctx, t.Account, id)
	if err != nil {
		return nil, nil, "", err
	}
	vs, next, err := list[Version](ctx, s.repo.kv, tblVersion, runtimeKey(t.Account, id)+"/", p)
	return rt, vs, next, err
}

// Delete removes a runtime with its versions, endpoints and sessions. With a
// version, it checks that the version exists first.
func (s *Service) Delete(ctx context.Context, id string, version int) (*Runtime, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	defer s.live.forget(t.Account, id)
	var rt *Runtime
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		rt, rev, err = s.repo.runtimeRev(ctx, t.Account, id)
		if err != nil {
			return err
		}
		if version != 0 {
			if _, err := s.repo.version(ctx, t.Account, id, version); err != nil {
				return err
			}
		}
		// Deleting the runtime at the revision read fails if a concurrent
		// update added a version or endpoint after the lists below.
		prefix := runtimeKey(t.Account, id) + "/"
		ops := []store.Op{store.DeleteAt(tblRuntime, runtimeKey(t.Account, id), rev), deleteOp(tblName, nameKey(t.Account, rt.Name)), tagging.DeleteOp(rt.ARN)}
		for _, tbl := range []string{tblVersion, tblEndpoint} {
			items, err := s.repo.kv.List(ctx, tbl, prefix, "", 0)
			if err != nil {
				return err
			}
			for _, it := range items {
				ops = append(ops, deleteOp(tbl, it.Key))
				if tbl == tblEndpoint {
					if ep, err := decode[Endpoint](it.Value); err == nil {
						ops = append(ops, tagging.DeleteOp(ep.ARN))
					}
				}
			}
		}
		err = s.repo.kv.Txn(ctx, ops...)
		if errs.KindOf(err) == errs.NotFound {
			return errs.E(errs.NotFound, "agent runtime %s not found", id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	bundles := func() {
		os.RemoveAll(filepath.Join(s.dataDir, "bundles", t.Account, id))
		if s.storage != nil {
			s.storage.RemoveRuntime(t.Account, id) //nolint:errcheck // best effort; expiry removes leftovers
		}
	}
	if s.sessions != nil {
		s.sessions.StopRuntime(ctx, t.Account, id, bundles) // in the background; the bundles go once no session uses them
	} else {
		bundles()
	}
	if s.onDelete != nil {
		s.onDelete(ctx, rt.ARN)
	}
	s.log.Info("runtime deleted", "runtime", id)
	rt.Status = StatusDeleting
	return rt, nil
}

func notReady(what string, status, reason string) error {
	if reason != "" {
		return errs.E(errs.Conflict, "%s is %s: %s", what, status, reason)
	}
	return errs.E(errs.Conflict, "%s is %s, not READY", what, status)
}
