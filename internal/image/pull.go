package image

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Pull resolves ref, downloads the layers this host does not have yet and
// builds the image's root filesystem unless it exists. Concurrent pulls
// (also from other processes sharing the directory) are safe. Errors are
// classified: Invalid for a bad reference or an unusable image, NotFound
// for an unknown repository/tag/digest, AccessDenied, Timeout, and
// Unavailable for registry and network failures; the message carries the
// registry's reason.
func (s *Store) Pull(ctx context.Context, ref string) (*Image, error) {
	r, err := s.parse(ref)
	if err != nil {
		return nil, err
	}
	if d, ok := r.(name.Digest); ok {
		if img, err := s.Get(d.DigestStr()); err == nil {
			img.Ref = ref
			return img, nil
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.o.PullTimeout)
	defer cancel()
	img, err := s.pull(ctx, ref, r)
	if err != nil {
		return nil, classify(ctx, ref, err)
	}
	return img, nil
}

func (s *Store) pull(ctx context.Context, ref string, r name.Reference) (*Image, error) {
	ri, err := remote.Image(r, s.remoteOptions(ctx)...)
	if err != nil {
		return nil, err
	}
	digest, err := ri.Digest()
	if err != nil {
		return nil, err
	}
	if digest.Algorithm != "sha256" {
		return nil, errs.E(errs.Invalid, "manifest digest %s: only sha256 is supported", digest)
	}
	if img, err := s.Get(digest.String()); err == nil {
		img.Ref = ref
		return img, nil
	}
	m, err := ri.Manifest()
	if err != nil {
		return nil, err
	}
	if !m.Config.MediaType.IsConfig() {
		return nil, errs.E(errs.Invalid, "not a container image (config media type %s)", m.Config.MediaType)
	}
	size := m.Config.Size
	var layers []v1.Hash
	for _, l := range m.Layers {
		if !l.MediaType.IsLayer() {
			return nil, errs.E(errs.Invalid, "layer %s has media type %s, which is not a filesystem layer", l.Digest, l.MediaType)
		}
		if l.Digest.Algorithm != "sha256" || l.Size < 0 {
			return nil, errs.E(errs.Invalid, "layer %s: only sha256 layers are supported", l.Digest)
		}
		size += l.Size
		layers = append(layers, l.Digest)
	}
	if size > s.o.MaxImageBytes {
		return nil, errs.E(errs.Invalid, "image is %d bytes compressed; the limit is %d", size, s.o.MaxImageBytes)
	}
	cf, err := ri.ConfigFile()
	if err != nil {
		return nil, err
	}
	if p := s.o.Platform; (cf.OS != "" && cf.OS != p.OS) || (cf.Architecture != "" && cf.Architecture != p.Architecture) {
		return nil, errs.E(errs.Invalid, "image is built for %s/%s; this host runs %s/%s", cf.OS, cf.Architecture, p.OS, p.Architecture)
	}
	rls, err := ri.Layers()
	if err != nil {
		return nil, err
	}
	for _, l := range rls {
		if err := s.fetchLayer(ctx, l); err != nil {
			return nil, err
		}
	}
	img := &Image{Ref: ref, Digest: digest.String(), Entrypoint: cf.Config.Entrypoint, Cmd: cf.Config.Cmd,
		Env: cf.Config.Env, WorkingDir: cf.Config.WorkingDir, User: cf.Config.User, Size: size}
	for p := range cf.Config.ExposedPorts {
		img.ExposedPorts = append(img.ExposedPorts, p)
	}
	sort.Strings(img.ExposedPorts)
	for _, h := range layers {
		img.Layers = append(img.Layers, h.String())
	}
	if img.RootFS, err = s.buildRootFS(ctx, digest, layers, img.WorkDir()); err != nil {
		return nil, err
	}
	b, _ := json.MarshalIndent(img, "", "  ")
	if err := writeFileAtomic(s.configPath(digest), filepath.Join(s.dir, "tmp"), b); err != nil {
		return nil, err
	}
	return img, nil
}

func (s *Store) remoteOptions(ctx context.Context) []remote.Option {
	tr := remote.DefaultTransport
	if t, ok := tr.(*http.Transport); ok {
		t = t.Clone()
		t.ResponseHeaderTimeout = time.Minute // a registry that accepts but never answers
		tr = t
	}
	return []remote.Option{
		remote.WithContext(ctx), remote.WithAuthFromKeychain(s.o.Keychain), remote.WithPlatform(*s.o.Platform),
		remote.WithTransport(tr), remote.WithUserAgent("agentcore"),
		remote.WithRetryBackoff(remote.Backoff{Duration: 500 * time.Millisecond, Factor: 2, Jitter: 0.1, Steps: 3}),
	}
}

// fetchLayer stores l's compressed blob under layers/ unless present,
// checking its size and digest.
func (s *Store) fetchLayer(ctx context.Context, l v1.Layer) error {
	h, err := l.Digest()
	if err != nil {
		return err
	}
	size, err := l.Size()
	if err != nil {
		return err
	}
	path := s.layerPath(h)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	unlock := s.locks.lock("layer " + h.String())
	defer unlock()
	if _, err := os.Stat(path); err == nil {
		return nil // another pull fetched it meanwhile
	}
	rc, err := l.Compressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "layer-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, sum), io.LimitReader(&ctxReader{ctx, rc}, size+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return fmt.Errorf("downloading layer %s: %w", h, err)
	case n != size:
		return errs.E(errs.Invalid, "layer %s: registry sent %d bytes, manifest says %d", h, n, size)
	case hex.EncodeToString(sum.Sum(nil)) != h.Hex:
		return errs.E(errs.Invalid, "layer %s: content does not match its digest", h)
	}
	return os.Rename(f.Name(), path)
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// classify turns a pull failure into an errs kind with a message that
// names the image and keeps the registry's reason.
func classify(ctx context.Context, ref string, err error) error {
	if e, ok := errs.As(err); ok && e.Kind != errs.Internal {
		return errs.Wrap(e.Kind, err, "cannot pull image %s", ref)
	}
	kind := errs.Unavailable
	var te *transport.Error
	switch {
	case errors.As(err, &te):
		codes := map[transport.ErrorCode]bool{}
		for _, d := range te.Errors {
			codes[d.Code] = true
		}
		switch {
		case te.StatusCode == http.StatusNotFound || codes[transport.ManifestUnknownErrorCode] ||
			codes[transport.NameUnknownErrorCode] || codes[transport.BlobUnknownErrorCode]:
			kind = errs.NotFound
		case te.StatusCode == http.StatusUnauthorized || te.StatusCode == http.StatusForbidden ||
			codes[transport.UnauthorizedErrorCode] || codes[transport.DeniedErrorCode]:
			kind = errs.AccessDenied
		}
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded:
		kind = errs.Timeout
	case strings.Contains(err.Error(), "no child with platform"):
		kind = errs.Invalid
	}
	return errs.Wrap(kind, err, "cannot pull image %s", ref)
}

// writeFileAtomic writes b to path through a temp file in tmpDir.
func writeFileAtomic(path, tmpDir string, b []byte) error {
	f, err := os.CreateTemp(tmpDir, "meta-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// keyedMutex serialises work per key (one download per layer, one unpack
// per image) inside this process; renames make it safe across processes.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedEntry
}

type keyedEntry struct {
	mu sync.Mutex
	n  int
}

func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedEntry{}
	}
	e := k.m[key]
	if e == nil {
		e = &keyedEntry{}
		k.m[key] = e
	}
	e.n++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		if e.n--; e.n == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
