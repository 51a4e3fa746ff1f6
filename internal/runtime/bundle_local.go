package runtime

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// bundleLocks serialises the local materialisation of one version's bundle
// (concurrent first sessions on a replica unpack it once).
var bundleLocks sync.Map // bundle dir → *sync.Mutex

// ensureBundle makes sure this server has version v's code bundle: the
// server that created or updated the version unpacked it into its own
// --data-dir, and another replica sharing the database (and the artifact
// store) has not. It unpacks the code zip from the artifact store and
// installs its dependencies into a staging directory, then moves it into
// place, so a bundle directory is always complete.
func (s *Service) ensureBundle(ctx context.Context, acct string, v *Version) error {
	cc := v.Config.Artifact.Code
	dir := s.bundleDir(acct, v.RuntimeID, v.Version)
	if cc == nil || exists(dir) {
		return nil
	}
	mu, _ := bundleLocks.LoadOrStore(dir, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	if exists(dir) {
		return nil
	}
	start := time.Now()
	stage := filepath.Join(filepath.Dir(dir), ".staging-"+randomSuffix(10))
	if err := s.unpack(ctx, cc, stage); err != nil {
		return err
	}
	defer os.RemoveAll(stage) // no-op once moved
	if err := installDeps(ctx, cc, stage, s.pythonFallback); err != nil {
		return err
	}
	if err := os.Rename(stage, dir); err != nil {
		return err
	}
	s.log.Info("bundle materialised from the artifact store", "runtime", v.RuntimeID, "version", v.Version, "took", time.Since(start))
	return nil
}
