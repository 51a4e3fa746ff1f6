package image_test

import (
	"context"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/image"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

var bg = context.Background()

type TE = testenv.TarEntry

func newStore(t *testing.T, o image.Options) *image.Store {
	t.Helper()
	s, err := image.New(filepath.Join(t.TempDir(), "images"), o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readFile(t *testing.T, root, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, p))
	if err != nil {
		t.Fatalf("read %s: %v", p, err)
	}
	return string(b)
}

func layerDigest(t *testing.T, l v1.Layer) string {
	t.Helper()
	h, err := l.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

func TestPullRunsConfig(t *testing.T) {
	reg := testenv.StartRegistry(t)
	l := testenv.Layer(t, TE{Name: "bin/"}, TE{Name: "bin/agent", Body: "#!/bin/true\n", Mode: 0o755},
		TE{Name: "etc/hello", Body: "hi"}, TE{Name: "bin/alias", Type: '2', Linkname: "/bin/agent"})
	ref := reg.Push(t, "agents/a:v1", testenv.NewImage(t, v1.Config{
		Entrypoint: []string{"agent"}, Cmd: []string{"--serve"}, Env: []string{"PATH=/bin", "A=1"},
		WorkingDir: "/srv/app", User: "1000", ExposedPorts: map[string]struct{}{"8080/tcp": {}}}, l))
	s := newStore(t, image.Options{})
	img, err := s.Pull(bg, ref)
	if err != nil {
		t.Fatal(err)
	}
	if img.Ref != ref || !strings.HasPrefix(img.Digest, "sha256:") || img.User != "1000" || img.WorkDir() != "/srv/app" ||
		!slices.Equal(img.ExposedPorts, []string{"8080/tcp"}) || !slices.Contains(img.Env, "A=1") {
		t.Fatalf("image metadata: %+v", img)
	}
	if !strings.HasPrefix(img.RootFS, filepath.Join(s.Dir(), "rootfs", "sha256")) || readFile(t, img.RootFS, "etc/hello") != "hi" {
		t.Fatalf("rootfs %s", img.RootFS)
	}
	if st, err := os.Stat(filepath.Join(img.RootFS, "srv/app")); err != nil || !st.IsDir() {
		t.Fatalf("working directory not created: %v", err)
	}
	if argv, err := img.Command(); err != nil || !slices.Equal(argv, []string{"/bin/agent", "--serve"}) {
		t.Fatalf("command %v %v", argv, err)
	}
	img.Entrypoint = []string{"alias"} // a symlink with an absolute target, resolved inside the image
	if argv, err := img.Command(); err != nil || argv[0] != "/bin/alias" {
		t.Fatalf("command via symlink %v %v", argv, err)
	}
	// Later pulls and look-ups by digest reuse what is on disk.
	gets := reg.BlobGets(layerDigest(t, l))
	again, err := s.Pull(bg, ref)
	if err != nil || again.Digest != img.Digest || again.RootFS != img.RootFS {
		t.Fatalf("second pull: %+v %v", again, err)
	}
	pinned, _ := image.Pinned(ref, img.Digest)
	if byDigest, err := s.Pull(bg, pinned); err != nil || byDigest.RootFS != img.RootFS {
		t.Fatalf("pull %s: %v", pinned, err)
	}
	if got, err := s.Get(img.Digest); err != nil || got.RootFS != img.RootFS || !slices.Equal(got.Cmd, []string{"--serve"}) {
		t.Fatalf("get: %+v %v", got, err)
	}
	if n := reg.BlobGets(layerDigest(t, l)); n != gets || n != 1 {
		t.Fatalf("layer downloaded %d times, want once", n)
	}
}

func TestLayerCacheShared(t *testing.T) {
	reg := testenv.StartRegistry(t)
	base := testenv.Layer(t, TE{Name: "base/lib.txt", Body: strings.Repeat("base ", 1000)})
	cfg := v1.Config{Entrypoint: []string{"/base/lib.txt"}}
	ref1 := reg.Push(t, "agents/one:v1", testenv.NewImage(t, cfg, base, testenv.Layer(t, TE{Name: "one", Body: "1"})))
	ref2 := reg.Push(t, "agents/two:v1", testenv.NewImage(t, cfg, base, testenv.Layer(t, TE{Name: "two", Body: "2"})))
	s := newStore(t, image.Options{})
	var wg sync.WaitGroup
	imgs := make([]*image.Image, 6)
	errs := make([]error, 6)
	for i := range imgs { // concurrent pulls of the same two images
		wg.Add(1)
		go func() {
			defer wg.Done()
			imgs[i], errs[i] = s.Pull(bg, []string{ref1, ref2}[i%2])
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("pull %d: %v", i, err)
		}
		if imgs[i].RootFS != imgs[i%2].RootFS {
			t.Fatalf("pull %d: rootfs %s, want %s", i, imgs[i].RootFS, imgs[i%2].RootFS)
		}
	}
	if n := reg.BlobGets(layerDigest(t, base)); n != 1 {
		t.Fatalf("shared layer downloaded %d times, want once", n)
	}
	if readFile(t, imgs[0].RootFS, "one") != "1" || readFile(t, imgs[1].RootFS, "two") != "2" ||
		readFile(t, imgs[1].RootFS, "base/lib.txt") != strings.Repeat("base ", 1000) {
		t.Fatal("wrong rootfs content")
	}
	if _, err := os.Stat(filepath.Join(imgs[0].RootFS, "two")); err == nil {
		t.Fatal("image one sees image two's layer")
	}
	if ents, _ := os.ReadDir(filepath.Join(s.Dir(), "tmp")); len(ents) != 0 {
		t.Fatalf("work space left behind: %v", ents)
	}
}

func TestPlatformFromIndex(t *testing.T) {
	reg := testenv.StartRegistry(t)
	mk := func(arch string) v1.Image {
		img := testenv.NewImage(t, v1.Config{Entrypoint: []string{"/" + arch}}, testenv.Layer(t, TE{Name: arch, Body: arch, Mode: 0o755}))
		cf, _ := img.ConfigFile()
		cf.OS, cf.Architecture = "linux", arch
		img, _ = mutate.ConfigFile(img, cf)
		return img
	}
	other := "arm64"
	if goruntime.GOARCH == "arm64" {
		other = "amd64"
	}
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: mk(other), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: other}}},
		mutate.IndexAddendum{Add: mk(goruntime.GOARCH), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: goruntime.GOARCH}}})
	reg.PushIndex(t, "agents/multi:v1", idx)
	s := newStore(t, image.Options{})
	img, err := s.Pull(bg, reg.Host+"/agents/multi:v1")
	if err != nil {
		t.Fatal(err)
	}
	if readFile(t, img.RootFS, goruntime.GOARCH) != goruntime.GOARCH {
		t.Fatal("wrong platform picked")
	}
	// A single-platform image for another architecture is refused.
	ref := reg.Push(t, "agents/foreign:v1", mk(other))
	if _, err := s.Pull(bg, ref); errs.KindOf(err) != errs.Invalid || !strings.Contains(err.Error(), "built for linux/"+other) {
		t.Fatalf("foreign platform: %v", err)
	}
}

func TestPullErrors(t *testing.T) {
	reg := testenv.StartRegistry(t)
	ref := reg.Push(t, "agents/noentry:v1", testenv.NewImage(t, v1.Config{}, testenv.Layer(t, TE{Name: "f", Body: "x"})))
	s := newStore(t, image.Options{})
	cases := []struct {
		ref  string
		kind errs.Kind
		want string
	}{
		{"Not A Reference", errs.Invalid, "not a valid image reference"},
		{reg.Host + "/agents/UPPER:v1", errs.Invalid, "not a valid image reference"},
		{reg.Host + "/agents/noentry:nosuchtag", errs.NotFound, "MANIFEST_UNKNOWN"},
		{reg.Host + "/agents/nosuchrepo:v1", errs.NotFound, "cannot pull image " + reg.Host + "/agents/nosuchrepo:v1"},
		{reg.Host + "/agents/noentry@sha256:" + strings.Repeat("ab", 32), errs.NotFound, "MANIFEST_UNKNOWN"},
	}
	for _, c := range cases {
		_, err := s.Pull(bg, c.ref)
		if errs.KindOf(err) != c.kind || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v (%v), want %v containing %q", c.ref, err, errs.KindOf(err), c.kind, c.want)
		}
	}
	img, err := s.Pull(bg, ref)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := img.Command(); err == nil || !strings.Contains(err.Error(), "has no entrypoint or cmd") {
		t.Fatalf("no entrypoint: %v", err)
	}
	img.Entrypoint = []string{"/missing"}
	if _, err := img.Command(); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("missing entrypoint: %v", err)
	}
	img.Entrypoint = []string{"f"}
	if _, err := img.Command(); err == nil || !strings.Contains(err.Error(), "not found in the image's PATH") {
		t.Fatalf("entrypoint not in PATH: %v", err)
	}
	if _, err := s.Get("sha256:" + strings.Repeat("cd", 32)); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("get unknown digest: %v", err)
	}
	if _, err := s.Get("../../etc"); errs.KindOf(err) != errs.Invalid {
		t.Fatalf("get bad digest: %v", err)
	}
	small := newStore(t, image.Options{MaxImageBytes: 64})
	if _, err := small.Pull(bg, ref); errs.KindOf(err) != errs.Invalid || !strings.Contains(err.Error(), "the limit is 64") {
		t.Fatalf("size limit: %v", err)
	}
}
