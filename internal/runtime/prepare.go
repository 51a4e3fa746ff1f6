package runtime

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/store"
)

func decode[T any](b []byte) (*T, error) {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

func accountOfKey(key string) string {
	acct, _, _ := strings.Cut(key, "/")
	return acct
}

// startPrepare installs a version's dependencies (code) or pulls its image
// (container) in the background and then marks it READY (or failed) and
// moves endpoints that target it.
func (s *Service) startPrepare(acct, id string, n int) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(s.ctx, 30*time.Minute)
		defer cancel()
		var failure string
		v, err := s.repo.version(ctx, acct, id, n)
		if err != nil {
			s.log.Warn("prepare: version vanished", "runtime", id, "version", n, "err", err)
			return
		}
		if cc := v.Config.Artifact.Code; cc != nil {
			start := time.Now()
			install := func() error { return installDeps(ctx, cc, s.bundleDir(acct, id, n), s.pythonFallback) }
			if !exists(s.bundleDir(acct, id, n)) {
				// Resumed by a replica that did not unpack it (Open after a
				// restart): unpack and install from the artifact store.
				install = func() error { return s.ensureBundle(ctx, acct, v) }
			}
			if err := install(); err != nil {
				if s.ctx.Err() != nil {
					return // shutting down; resumed by the next Open
				}
				failure = "installing dependencies: " + err.Error()
			}
			s.log.Info("dependencies installed", "runtime", id, "version", n, "took", time.Since(start), "failure", failure)
		}
		var pinned *VersionImage
		if c := v.Config.Artifact.Container; c != nil {
			start := time.Now()
			pinned, failure = s.prepareImage(ctx, c.ContainerURI)
			if failure != "" && s.ctx.Err() != nil {
				return // shutting down; resumed by the next Open
			}
			s.log.Info("image pulled", "runtime", id, "version", n, "image", c.ContainerURI, "took", time.Since(start), "failure", failure)
		}
		if err := s.finishPrepare(context.Background(), acct, id, n, failure, pinned); err != nil {
			s.log.Error("prepare: record result", "runtime", id, "version", n, "err", err)
		} else if failure == "" {
			s.warm(acct, id, n)
		}
	}()
}

func (s *Service) finishPrepare(ctx context.Context, acct, id string, n int, failure string, pinned *VersionImage) error {
	defer s.live.forget(acct, id)
	return store.Retry(ctx, func() error { return s.recordPrepare(ctx, acct, id, n, failure, pinned) })
}

// recordPrepare is one revision-checked attempt of finishPrepare.
func (s *Service) recordPrepare(ctx context.Context, acct, id string, n int, failure string, pinned *VersionImage) error {
	rt, rtRev, err := s.repo.runtimeRev(ctx, acct, id)
	if err != nil {
		return err // deleted meanwhile
	}
	v, vRev, err := s.repo.versionRev(ctx, acct, id, n)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	v.UpdatedAt = now
	if failure == "" {
		v.Status, v.Image = StatusReady, pinned
	} else {
		v.Status, v.FailureReason = StatusCreateFailed, failure
	}
	if rt.LatestVersion == n {
		rt.UpdatedAt = now
		switch {
		case failure == "":
			rt.Status, rt.FailureReason = StatusReady, ""
		case n == 1:
			rt.Status, rt.FailureReason = StatusCreateFailed, failure
		default:
			rt.Status, rt.FailureReason = StatusUpdateFailed, failure
		}
	}
	prefix := runtimeKey(acct, id) + "/"
	items, err := s.repo.kv.List(ctx, tblEndpoint, prefix, "", 0)
	if err != nil {
		return err
	}
	// The runtime is written at the revision read even when unchanged: it
	// fences this write against a concurrent update or delete.
	ops := []store.Op{updateOp(tblVersion, versionKey(acct, id, n), vRev, v), updateOp(tblRuntime, runtimeKey(acct, id), rtRev, rt)}
	for _, it := range items {
		ep, err := decode[Endpoint](it.Value)
		if err != nil {
			return err
		}
		if ep.TargetVersion != n || (ep.Status != StatusCreating && ep.Status != StatusUpdating) {
			continue
		}
		ep.UpdatedAt = now
		switch {
		case failure == "":
			ep.LiveVersion, ep.Status, ep.FailureReason = n, StatusReady, ""
		case ep.LiveVersion == 0:
			ep.Status, ep.FailureReason = StatusCreateFailed, failure
		default:
			ep.Status, ep.FailureReason = StatusUpdateFailed, failure
		}
		ops = append(ops, updateOp(tblEndpoint, it.Key, it.Revision, ep))
	}
	return s.repo.kv.Txn(ctx, ops...)
}
