package testenv

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/process"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Registry is an OCI registry served in-process on 127.0.0.1 (plain HTTP).
type Registry struct {
	Host string // 127.0.0.1:PORT
	srv  *httptest.Server

	mu       sync.Mutex
	blobGets map[string]int // digest → GET requests
}

// StartRegistry runs a registry until the test ends.
func StartRegistry(t testing.TB) *Registry {
	t.Helper()
	r := &Registry{blobGets: map[string]int{}}
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if i := strings.Index(req.URL.Path, "/blobs/"); req.Method == http.MethodGet && i >= 0 {
			r.mu.Lock()
			r.blobGets[path.Base(req.URL.Path)]++
			r.mu.Unlock()
		}
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(r.srv.Close)
	r.Host = strings.TrimPrefix(r.srv.URL, "http://")
	return r
}

// BlobGets counts GET requests for a blob digest (sha256:...).
func (r *Registry) BlobGets(digest string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.blobGets[digest]
}

// Push uploads img as repoTag (e.g. "agents/testagent:v1") and returns the
// full reference (127.0.0.1:PORT/agents/testagent:v1).
func (r *Registry) Push(t testing.TB, repoTag string, img v1.Image) string {
	t.Helper()
	ref := r.Host + "/" + repoTag
	nr, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(nr, img, remote.WithContext(context.Background())); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	return ref
}

// PushIndex uploads a multi-platform index as repoTag and returns its reference.
func (r *Registry) PushIndex(t testing.TB, repoTag string, idx v1.ImageIndex) string {
	t.Helper()
	ref := r.Host + "/" + repoTag
	nr, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(nr, idx, remote.WithContext(context.Background())); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	return ref
}

// TarEntry is one entry of a test layer. Type defaults to a regular file
// (a directory when Name ends in "/"); Mode defaults to 0644 (0755 for dirs).
type TarEntry struct {
	Name     string
	Body     string
	Type     byte
	Mode     int64
	Linkname string
}

// Layer builds a gzip-compressed layer from entries, in order.
func Layer(t testing.TB, entries ...TarEntry) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.Name, Typeflag: e.Type, Mode: e.Mode, Linkname: e.Linkname, ModTime: time.Unix(1700000000, 0), Format: tar.FormatPAX}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
			if strings.HasSuffix(e.Name, "/") {
				h.Typeflag = tar.TypeDir
			}
		}
		if h.Mode == 0 {
			h.Mode = 0o644
			if h.Typeflag == tar.TypeDir {
				h.Mode = 0o755
			}
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.Body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			io.WriteString(tw, e.Body)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(buf.Bytes())
	zw.Close()
	data := gz.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// NewImage builds an image on an empty base from layers (bottom first)
// with the given runtime configuration.
func NewImage(t testing.TB, cfg v1.Config, layers ...v1.Layer) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	if img, err = mutate.Config(img, cfg); err != nil {
		t.Fatal(err)
	}
	return img
}

// TestAgentImage is the Go test agent (internal/testagent) as an image on
// an empty base: /app/testagent is the entrypoint, /app the working
// directory; it listens on $PORT or 8080.
func TestAgentImage(t testing.TB) v1.Image {
	t.Helper()
	bin, err := os.ReadFile(BuildGo(t, "internal/testagent"))
	if err != nil {
		t.Fatal(err)
	}
	l := Layer(t, TarEntry{Name: "app/"}, TarEntry{Name: "app/testagent", Body: string(bin), Mode: 0o755}, TarEntry{Name: "tmp/", Mode: 0o1777})
	return NewImage(t, v1.Config{Entrypoint: []string{"/app/testagent"}, WorkingDir: "/app",
		Env: []string{"PATH=/app:/usr/bin:/bin", "TESTAGENT_IMAGE=yes", "OVERRIDDEN=image"}}, l)
}

// PushTestAgent pushes TestAgentImage as repoTag and returns its reference.
func (r *Registry) PushTestAgent(t testing.TB, repoTag string) string {
	t.Helper()
	return r.Push(t, repoTag, TestAgentImage(t))
}

// HostImageDriver is the name of a test-only sandbox driver that claims
// image support and runs an image's (static) entrypoint from its root
// filesystem as a plain host process through the process driver. It checks
// the runtime's image plumbing without an isolating driver; it isolates
// nothing and never ships in the binary.
const HostImageDriver = "test-host-image"

var registerOnce sync.Once

// RegisterHostImageDriver registers HostImageDriver (idempotent).
func RegisterHostImageDriver() {
	registerOnce.Do(func() {
		sandbox.Register(HostImageDriver, func(map[string]string) (sandbox.Driver, error) {
			return hostImage{process.New()}, nil
		})
	})
}

type hostImage struct{ *process.Driver }

func (hostImage) Name() string         { return HostImageDriver }
func (hostImage) SupportsImages() bool { return true }

func (d hostImage) Start(ctx context.Context, spec sandbox.Spec) (sandbox.Instance, error) {
	if spec.RootFS != "" && len(spec.Command) > 0 {
		spec.Command = append([]string{filepath.Join(spec.RootFS, spec.Command[0])}, spec.Command[1:]...)
		spec.Dir = spec.RootFS
		spec.WorkDir = filepath.Join(spec.RootFS, spec.WorkDir)
		spec.RootFS = ""
	}
	return d.Driver.Start(ctx, spec)
}

// RequireImageDriver skips the test unless the named sandbox driver is
// registered, available on this host and runs container images.
func RequireImageDriver(t testing.TB, driver string) {
	t.Helper()
	d, err := sandbox.New(driver, nil)
	if err != nil {
		t.Skipf("sandbox driver %q is not registered in this build (%v)", driver, err)
	}
	if a, ok := d.(sandbox.Availability); ok {
		if err := a.Available(); err != nil {
			t.Skipf("sandbox driver %q is not available on this host: %v", driver, err)
		}
	}
	if id, ok := d.(sandbox.ImageDriver); !ok || !id.SupportsImages() {
		t.Skipf("sandbox driver %q does not run container images", driver)
	}
}
