package image

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/untar"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// buildRootFS flattens the cached layers of image digest into
// rootfs/sha256/<hex> (built in tmp/, then renamed into place).
func (s *Store) buildRootFS(ctx context.Context, digest v1.Hash, layers []v1.Hash, workDir string) (string, error) {
	final := s.rootfsPath(digest)
	if st, err := os.Stat(final); err == nil && st.IsDir() {
		return final, nil
	}
	unlock := s.locks.lock("rootfs " + digest.String())
	defer unlock()
	if st, err := os.Stat(final); err == nil && st.IsDir() {
		return final, nil
	}
	tmp, err := os.MkdirTemp(filepath.Join(s.dir, "tmp"), "rootfs-")
	if err != nil {
		return "", err
	}
	defer untar.RemoveTree(tmp) // a no-op once renamed
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	u, err := untar.New(tmp, 4*s.o.MaxImageBytes)
	if err != nil {
		return "", err
	}
	defer u.Close()
	for _, h := range layers {
		if err := s.applyLayer(ctx, u, h); err != nil {
			return "", errs.Wrap(errs.Invalid, err, "layer %s", h)
		}
	}
	// Like container engines, create the working directory if the image lacks it.
	if wd, err := untar.CleanPath(workDir); err == nil && wd != "" {
		if err := u.Root().MkdirAll(wd, 0o755); err != nil {
			return "", errs.Wrap(errs.Invalid, err, "working directory %s", workDir)
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		if st, serr := os.Stat(final); serr == nil && st.IsDir() {
			return final, nil // another process built it first
		}
		return "", err
	}
	return final, nil
}

// cachedLayer is a compressed blob in layers/, for partial.CompressedToLayer
// (which detects gzip, zstd or an uncompressed tar).
type cachedLayer struct {
	h    v1.Hash
	path string
}

func (c *cachedLayer) Digest() (v1.Hash, error)            { return c.h, nil }
func (c *cachedLayer) Compressed() (io.ReadCloser, error)  { return os.Open(c.path) }
func (c *cachedLayer) MediaType() (types.MediaType, error) { return types.OCILayer, nil }
func (c *cachedLayer) Size() (int64, error) {
	st, err := os.Stat(c.path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func (s *Store) applyLayer(ctx context.Context, u *untar.Unpacker, h v1.Hash) error {
	l, err := partial.CompressedToLayer(&cachedLayer{h: h, path: s.layerPath(h)})
	if err != nil {
		return err
	}
	rc, err := l.Uncompressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	return u.Apply(ctx, rc)
}
