package testenv

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// kubeletImage is a container image the kubelet pulled and unpacked.
type kubeletImage struct {
	root       string   // flattened root filesystem
	entrypoint []string // entrypoint + cmd
	env        []string
	workDir    string
}

// pullable reports whether the kubelet pulls ref itself: images in a
// registry on loopback (testenv.StartRegistry). Other images (a code
// runtime's code image) are not pulled: their command runs on the host.
func pullable(ref string) bool {
	return strings.HasPrefix(ref, "127.0.0.1:") || strings.HasPrefix(ref, "localhost:")
}

// pullImage fetches ref and flattens its layers into a new directory.
func pullImage(ref string) (*kubeletImage, error) {
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		return nil, err
	}
	img, err := remote.Image(r)
	if err != nil {
		return nil, fmt.Errorf("pull %s: %w", ref, err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp("", "kubelet-image")
	if err != nil {
		return nil, err
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	if err := untar(tar.NewReader(rc), root); err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	return &kubeletImage{root: root, entrypoint: append(append([]string(nil), cf.Config.Entrypoint...), cf.Config.Cmd...),
		env: cf.Config.Env, workDir: cf.Config.WorkingDir}, nil
}

func untar(tr *tar.Reader, root string) error {
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		dst := filepath.Join(root, filepath.Clean("/"+h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, os.FileMode(h.Mode)&0o7777|0o700); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}
