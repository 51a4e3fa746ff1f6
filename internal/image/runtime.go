package image

import (
	"context"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// ForRuntime adapts a Store to the runtime service's Images interface.
type ForRuntime struct{ *Store }

var _ runtime.Images = ForRuntime{}

// CheckRef implements runtime.Images.
func (f ForRuntime) CheckRef(ref string) error {
	_, err := ParseReference(ref)
	return err
}

// Pull implements runtime.Images.
func (f ForRuntime) Pull(ctx context.Context, ref string) (*runtime.ImageInfo, error) {
	img, err := f.Store.Pull(ctx, ref)
	if err != nil {
		return nil, err
	}
	return info(img), nil
}

// Get implements runtime.Images.
func (f ForRuntime) Get(digest string) (*runtime.ImageInfo, error) {
	img, err := f.Store.Get(digest)
	if err != nil {
		return nil, err
	}
	return info(img), nil
}

// Pinned implements runtime.Images.
func (f ForRuntime) Pinned(ref, digest string) (string, error) { return Pinned(ref, digest) }

func info(img *Image) *runtime.ImageInfo {
	argv, err := img.Command()
	env := append([]string(nil), img.Env...)
	if _, ok := img.Getenv("PATH"); !ok {
		env = append(env, "PATH="+DefaultPath)
	}
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") && kv == "PATH=" {
			env[i] = "PATH=" + DefaultPath
		}
	}
	return &runtime.ImageInfo{Ref: img.Ref, Digest: img.Digest, RootFS: img.RootFS, Command: argv, CommandErr: err, Env: env, WorkDir: img.WorkDir()}
}
