package image_test

import (
	"archive/tar"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/image"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func exists(root, p string) bool {
	_, err := os.Lstat(filepath.Join(root, p))
	return err == nil
}

func TestWhiteouts(t *testing.T) {
	reg := testenv.StartRegistry(t)
	lower := testenv.Layer(t,
		TE{Name: "a/"}, TE{Name: "a/gone", Body: "x"}, TE{Name: "a/kept", Body: "k"},
		TE{Name: "opq/"}, TE{Name: "opq/old1", Body: "1"}, TE{Name: "opq/sub/old2", Body: "2"},
		TE{Name: "dir-becomes-file/inner", Body: "i"}, TE{Name: "file-becomes-dir", Body: "f"},
		TE{Name: "whole/tree/deep", Body: "d"}, TE{Name: "link", Type: tar.TypeSymlink, Linkname: "a/kept"},
		TE{Name: "hard", Type: tar.TypeLink, Linkname: "a/kept"}, TE{Name: "replaced", Body: "old"})
	upper := testenv.Layer(t,
		TE{Name: "a/.wh.gone"}, TE{Name: "opq/new", Body: "n"}, TE{Name: "opq/.wh..wh..opq"},
		TE{Name: "opq/sub/fresh", Body: "f"}, TE{Name: "dir-becomes-file", Body: "now a file"},
		TE{Name: "file-becomes-dir/x", Body: "x"}, TE{Name: ".wh.whole"}, TE{Name: "replaced", Body: "new", Mode: 0o600},
		TE{Name: "dev/null", Type: tar.TypeChar, Mode: 0o666}, TE{Name: "fifo", Type: tar.TypeFifo})
	ref := reg.Push(t, "agents/wh:v1", testenv.NewImage(t, v1.Config{Cmd: []string{"/a/kept"}}, lower, upper))
	img, err := newStore(t, image.Options{}).Pull(bg, ref)
	if err != nil {
		t.Fatal(err)
	}
	r := img.RootFS
	for _, p := range []string{"a/gone", "opq/old1", "opq/sub/old2", "dir-becomes-file/inner", "whole", "dev/null", "fifo", "a/.wh.gone", "opq/.wh..wh..opq"} {
		if exists(r, p) {
			t.Errorf("%s should not exist", p)
		}
	}
	want := map[string]string{"a/kept": "k", "opq/new": "n", "opq/sub/fresh": "f", "dir-becomes-file": "now a file",
		"file-becomes-dir/x": "x", "link": "k", "hard": "k", "replaced": "new"}
	for p, body := range want {
		if got := readFile(t, r, p); got != body {
			t.Errorf("%s = %q, want %q", p, got, body)
		}
	}
	if st, _ := os.Stat(filepath.Join(r, "replaced")); st.Mode().Perm() != 0o600 {
		t.Errorf("replaced mode %v", st.Mode())
	}
}

func TestUnsafeLayersRefused(t *testing.T) {
	outside := t.TempDir()
	rel, err := filepath.Rel("/", outside)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		layers [][]TE
		want   string
	}{
		{"dotdot entry", [][]TE{{{Name: "../../../../../../" + rel + "/pwned", Body: "x"}}}, "escapes the archive root"},
		{"hard link out", [][]TE{{{Name: "h", Type: tar.TypeLink, Linkname: "../../../../../../" + rel + "/target"}}}, "escapes the archive"},
		{"write through absolute symlink", [][]TE{
			{{Name: "esc", Type: tar.TypeSymlink, Linkname: outside}},
			{{Name: "esc/pwned", Body: "x"}},
		}, "layer"},
		{"write through relative symlink", [][]TE{
			{{Name: "esc", Type: tar.TypeSymlink, Linkname: "../../../../../../../../" + rel}},
			{{Name: "esc/pwned", Body: "x"}},
		}, "layer"},
	}
	os.WriteFile(filepath.Join(outside, "target"), []byte("secret"), 0o600)
	reg := testenv.StartRegistry(t)
	s := newStore(t, image.Options{})
	for i, c := range cases {
		var ls []v1.Layer
		for _, entries := range c.layers {
			ls = append(ls, testenv.Layer(t, entries...))
		}
		ref := reg.Push(t, "agents/unsafe"+string(rune('a'+i))+":v1", testenv.NewImage(t, v1.Config{Cmd: []string{"/x"}}, ls...))
		_, err := s.Pull(bg, ref)
		t.Logf("%s: %v", c.name, err)
		if errs.KindOf(err) != errs.Invalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want Invalid containing %q", c.name, err, c.want)
		}
		if exists(outside, "pwned") {
			t.Fatalf("%s: wrote outside the rootfs", c.name)
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(s.Dir(), "rootfs", "sha256")); len(ents) != 0 {
		t.Errorf("refused images left root filesystems: %v", ents)
	}
	if ents, _ := os.ReadDir(filepath.Join(s.Dir(), "tmp")); len(ents) != 0 {
		t.Errorf("work space left behind: %v", ents)
	}
}
