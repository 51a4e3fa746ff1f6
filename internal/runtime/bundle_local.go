package runtime

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// bundleLocks serialises the local preparation of one version's bundle
// (the version's own preparation and concurrent first sessions on a
// replica prepare it once).
var bundleLocks sync.Map // bundle dir → *sync.Mutex

// preparedMark is written into a bundle once its dependencies are
// installed: a bundle directory without it is not ready to run.
const preparedMark = ".agentcore-prepared"

// ensureBundle makes sure this server has version v's code bundle with its
// dependencies installed. The server that created or updated the version
// unpacked the zip into its own --data-dir; another replica sharing the
// database (and the artifact store) has not, and unpacks the code zip from
// the artifact store into a staging directory, installs its dependencies
// there and moves it into place, so a bundle directory is always complete.
func (s *Service) ensureBundle(ctx context.Context, acct string, v *Version) error {
	cc := v.Config.Artifact.Code
	dir := s.bundleDir(acct, v.RuntimeID, v.Version)
	mark := filepath.Join(dir, preparedMark)
	if cc == nil || exists(mark) {
		return nil
	}
	mu, _ := bundleLocks.LoadOrStore(dir, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	if exists(mark) {
		return nil
	}
	start := time.Now()
	if exists(dir) { // unpacked here by Create or Update
		if err := installDeps(ctx, cc, dir, s.pythonFallback); err != nil {
			return err
		}
		return os.WriteFile(mark, nil, 0o644)
	}
	stage := filepath.Join(filepath.Dir(dir), ".staging-"+randomSuffix(10))
	if err := s.unpack(ctx, cc, stage); err != nil {
		return err
	}
	defer os.RemoveAll(stage) // no-op once moved
	if err := installDeps(ctx, cc, stage, s.pythonFallback); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(stage, preparedMark), nil, 0o644); err != nil {
		return err
	}
	if err := os.Rename(stage, dir); err != nil {
		return err
	}
	s.log.Info("bundle prepared from the artifact store", "runtime", v.RuntimeID, "version", v.Version, "took", time.Since(start))
	return nil
}
