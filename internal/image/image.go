// Package image pulls OCI / Docker container images from registries and
// keeps them on disk for sandbox drivers: compressed layers are cached once
// by digest and shared between images, and every image digest gets one
// flattened root filesystem (whiteouts applied) that sessions mount
// read-only.
//
// Layout under the store's directory:
//
//	layers/sha256/<hex>        compressed layer blobs, verified against their digest
//	rootfs/sha256/<hex>/       flattened root filesystem of an image manifest
//	configs/sha256/<hex>.json  what a session needs to run that image (Image)
//	tmp/                       work space; results are renamed into place
package image

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/untar"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// DefaultMaxImageBytes bounds an image's compressed size (AgentCore: 2 GiB).
const DefaultMaxImageBytes = 2 << 30

// DefaultPath is the PATH of images whose configuration sets none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Image is a pulled image, ready to run.
type Image struct {
	Ref          string   `json:"ref"`    // the reference it was pulled by
	Digest       string   `json:"digest"` // manifest digest, sha256:<hex>
	RootFS       string   `json:"-"`      // flattened root filesystem (read-only)
	Entrypoint   []string `json:"entrypoint,omitempty"`
	Cmd          []string `json:"cmd,omitempty"`
	Env          []string `json:"env,omitempty"`
	WorkingDir   string   `json:"workingDir,omitempty"`
	User         string   `json:"user,omitempty"`
	ExposedPorts []string `json:"exposedPorts,omitempty"`
	Size         int64    `json:"size"` // compressed bytes (layers + config)
	Layers       []string `json:"layers"`
}

// Options configure a Store. Zero values take the documented defaults.
type Options struct {
	// Insecure lists registries (host or host:port) reached over plain HTTP
	// besides the loopback ones (localhost, 127.0.0.1, ::1), which always are.
	Insecure []string
	// Keychain resolves registry credentials; default authn.DefaultKeychain
	// (docker config.json and credential helpers).
	Keychain authn.Keychain
	// Platform picked from multi-platform images; default linux/<host arch>.
	Platform *v1.Platform
	// MaxImageBytes bounds the compressed size; default 2 GiB. Unpacked
	// root filesystems are bounded to four times that.
	MaxImageBytes int64
	// PullTimeout bounds one pull; default 20 minutes.
	PullTimeout time.Duration
}

// Store pulls and caches images under one directory.
type Store struct {
	dir      string
	o        Options
	insecure map[string]bool
	locks    keyedMutex
}

// New opens (creating) a store rooted at dir, e.g. <data-dir>/images.
func New(dir string, o Options) (*Store, error) {
	if o.Keychain == nil {
		o.Keychain = authn.DefaultKeychain
	}
	if o.Platform == nil {
		o.Platform = &v1.Platform{OS: "linux", Architecture: goruntime.GOARCH}
	}
	if o.MaxImageBytes <= 0 {
		o.MaxImageBytes = DefaultMaxImageBytes
	}
	if o.PullTimeout <= 0 {
		o.PullTimeout = 20 * time.Minute
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{dir: abs, o: o, insecure: map[string]bool{}}
	for _, r := range o.Insecure {
		s.insecure[strings.ToLower(r)] = true
	}
	for _, d := range []string{"layers/sha256", "rootfs/sha256", "configs/sha256", "tmp"} {
		if err := os.MkdirAll(filepath.Join(abs, d), 0o755); err != nil {
			return nil, err
		}
	}
	s.cleanTmp()
	return s, nil
}

// Dir is the store's root directory.
func (s *Store) Dir() string { return s.dir }

// Get returns an image already on this host by manifest digest, without
// touching the network. It is a NotFound error when the image is absent.
func (s *Store) Get(digest string) (*Image, error) {
	h, err := v1.NewHash(digest)
	if err != nil || h.Algorithm != "sha256" {
		return nil, errs.E(errs.Invalid, "image digest %q is not a sha256 digest", digest)
	}
	b, err := os.ReadFile(s.configPath(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errs.E(errs.NotFound, "image %s is not on this host", digest)
	}
	if err != nil {
		return nil, err
	}
	var img Image
	if err := json.Unmarshal(b, &img); err != nil {
		return nil, fmt.Errorf("image %s: corrupt metadata: %w", digest, err)
	}
	img.RootFS = s.rootfsPath(h)
	if st, err := os.Stat(img.RootFS); err != nil || !st.IsDir() {
		return nil, errs.E(errs.NotFound, "image %s is not on this host (its root filesystem is missing)", digest)
	}
	return &img, nil
}

// ParseReference checks an image reference ("registry/repo:tag",
// "repo@sha256:...", Docker Hub shorthands). Failures are errs.Invalid.
func ParseReference(ref string) (name.Reference, error) {
	if strings.TrimSpace(ref) != ref || ref == "" || len(ref) > 1024 {
		return nil, errs.E(errs.Invalid, "%q is not a valid image reference", ref)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "%q is not a valid image reference", ref)
	}
	return r, nil
}

// Pinned returns ref's repository at digest (repo@sha256:...), so a later
// pull fetches exactly the image an earlier one resolved.
func Pinned(ref, digest string) (string, error) {
	r, err := ParseReference(ref)
	if err != nil {
		return "", err
	}
	return r.Context().Digest(digest).String(), nil
}

// parse resolves ref for pulling: loopback and configured registries use
// plain HTTP.
func (s *Store) parse(ref string) (name.Reference, error) {
	r, err := ParseReference(ref)
	if err != nil {
		return nil, err
	}
	reg := strings.ToLower(r.Context().RegistryStr())
	host := reg
	if i := strings.LastIndex(reg, ":"); i >= 0 && !strings.HasSuffix(reg, "]") {
		host = reg[:i]
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" || host == "127.0.0.1" || host == "::1" || s.insecure[reg] || s.insecure[host] {
		return name.ParseReference(ref, name.Insecure)
	}
	return r, nil
}

// Command is the argv an image runs: entrypoint then cmd, with a bare
// program name looked up in the image's PATH. It fails when the image
// declares no command or its program is not an executable in the image.
func (img *Image) Command() ([]string, error) {
	argv := append(append([]string(nil), img.Entrypoint...), img.Cmd...)
	if len(argv) == 0 || argv[0] == "" {
		return nil, errs.E(errs.Invalid, "image %s has no entrypoint or cmd", img.Ref)
	}
	exe, err := img.lookPath(argv[0])
	if err != nil {
		return nil, errs.E(errs.Invalid, "image %s: entrypoint %q: %v", img.Ref, argv[0], err)
	}
	argv[0] = exe
	return argv, nil
}

// WorkDir is the image's working directory ("/" when unset).
func (img *Image) WorkDir() string {
	if img.WorkingDir == "" {
		return "/"
	}
	return img.WorkingDir
}

// Getenv returns the value of key in the image's environment.
func (img *Image) Getenv(key string) (string, bool) {
	for _, kv := range img.Env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

func (s *Store) layerPath(h v1.Hash) string {
	return filepath.Join(s.dir, "layers", h.Algorithm, h.Hex)
}
func (s *Store) rootfsPath(h v1.Hash) string {
	return filepath.Join(s.dir, "rootfs", h.Algorithm, h.Hex)
}
func (s *Store) configPath(h v1.Hash) string {
	return filepath.Join(s.dir, "configs", h.Algorithm, h.Hex+".json")
}

// cleanTmp removes work space left behind by a crash (older than an hour,
// so a concurrent pull by another process is not disturbed).
func (s *Store) cleanTmp() {
	ents, _ := os.ReadDir(filepath.Join(s.dir, "tmp"))
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > time.Hour {
			untar.RemoveTree(filepath.Join(s.dir, "tmp", e.Name()))
		}
	}
}
